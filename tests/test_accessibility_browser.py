"""axe-core (pinned by web/package-lock.json, loaded from web/node_modules, never from the internet)
over every page of the app, in English and in Chinese, in the states a student reaches: WCAG 2.1 A
and AA rules, no critical and no serious violation allowed. One server and one browser serve it all;
the runs are tiny (shapes). The table of what axe found lands in tests/artifacts/axe.md (the table
in docs/accessibility.md was made with it)."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, Server, launch_chromium, settle, start_shapes_training, upload
from conftest import PHOTOS, ROOT
from playwright.sync_api import expect

from classifier.config import Config
from classifier.lessons import Lesson
from ui.i18n import TEXT

pytestmark = pytest.mark.browser

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium; CI installs it)", allow_module_level=True
    )
if not AXE.exists() and not os.environ.get("CI"):
    pytest.skip("axe-core is not installed (npm ci in web/; make test does it)", allow_module_level=True)

WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
LANGS = ("en", "zh")
CLASS_CODE = "AXE123"
LESSON = Lesson.from_config(Config(dataset="shapes", limit=200, epochs=2), title="Shapes", class_code=CLASS_CODE)
# Each state a student reaches: the page it is on, in the order the test visits them.
STATES = (
    "Home",
    "Train: before a run",
    "Train: opened from a lesson link",
    "Train: during a run",
    "Train: after a run",
    "Inside: feature maps and Grad-CAM",
    "Learn: a computation open",
    "Predict: with an upload",
    "Runs: several runs",
    "Class: a lesson",
    "Challenges: a result",
)


def text(key: str, lang: str) -> str:
    return TEXT[key][lang]


def run_axe(page) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now: rule, impact, elements, examples.
    axe goes into every frame too (the on-device predictor is a component's iframe), so their
    content is checked with the page's."""
    for frame in page.frames:
        if not frame.is_detached() and not frame.evaluate("typeof window.axe !== 'undefined'"):
            frame.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, nodes: v.nodes.length,
                examples: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n')[1]),
            }));
        }""",
        WCAG21_AA,
    )


def table(found: dict[tuple[str, str], list[dict]]) -> str:
    lines = ["| State | en: critical+serious (rules) | zh: critical+serious (rules) |", "|---|---|---|"]
    for state in STATES:
        cells = []
        for lang in LANGS:
            violations = [v for v in found.get((state, lang), []) if v["impact"] in BLOCKING]
            count = sum(v["nodes"] for v in violations)
            rules = ", ".join(f"{v['id']} ×{v['nodes']}" for v in violations)
            cells.append(f"{count} ({rules})" if violations else ("0" if (state, lang) in found else "not reached"))
        lines.append(f"| {state} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("axe")).start()
    yield server.url
    server.stop()


def test_no_serious_or_critical_wcag_violation_on_any_page_in_either_language(server):
    from playwright.sync_api import sync_playwright

    found: dict[tuple[str, str], list[dict]] = {}
    expect.set_options(timeout=90_000)

    def audit(page, state: str, lang: str) -> None:
        settle(page)
        found[(state, lang)] = run_axe(page)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(90_000)
        try:
            # One finished run, started from the lesson link (so the Class page has it).
            page.goto(f"{server}/train?{LESSON.query('en')}")
            settle(page)
            page.get_by_role("button", name=text("train.start", "en")).click()
            expect(page).to_have_url(re.compile(r"[?&]run="), timeout=60_000)
            expect(page.get_by_text(text("train.finished", "en"))).to_be_visible(timeout=180_000)
            settle(page)
            finished_url = page.url
            for lang in LANGS:
                page.goto(f"{server}/?lang={lang}")
                page.get_by_role("heading", name=text("home.title", lang)).wait_for()
                page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
                audit(page, "Home", lang)
                page.goto(f"{server}/train?lang={lang}")
                page.get_by_role("button", name=text("train.start", lang)).wait_for()
                audit(page, "Train: before a run", lang)
                page.goto(f"{server}/train?{LESSON.query(lang)}")
                page.get_by_role("button", name=text("train.start", lang)).wait_for()
                audit(page, "Train: opened from a lesson link", lang)
                page.goto(re.sub(r"&lang=\w+", "", finished_url) + f"&lang={lang}")
                expect(page.get_by_text(text("train.finished", lang))).to_be_visible()
                page.get_by_role("heading", name=text("results.mistakes", lang)).wait_for()
                page.get_by_test_id("stImage").last.wait_for()  # the gallery of mistakes
                audit(page, "Train: after a run", lang)

            # A long run, watched live in both languages, then stopped: the Runs page has two.
            start_shapes_training(page, server, epochs=200, limit=200)
            for lang in LANGS:
                if lang == "zh":
                    page.get_by_text("简体中文").click()
                    settle(page)
                expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=120_000)
                audit(page, "Train: during a run", lang)
            page.get_by_role("button", name=text("train.stop", "zh")).click()
            settle(page)

            for lang in LANGS:
                page.goto(f"{server}/inside?lang={lang}")
                page.get_by_role("tab", name=text("inside.look", lang)).click()
                page.get_by_role("heading", name=text("inside.maps", lang)).wait_for()
                audit(page, "Inside: feature maps and Grad-CAM", lang)

                page.goto(f"{server}/learn?lang={lang}")
                page.get_by_text(text("learn.section.loss", lang), exact=True).click()
                settle(page)
                page.locator("annotation[encoding='application/x-tex']").first.wait_for(state="attached")
                audit(page, "Learn: a computation open", lang)

                page.goto(f"{server}/predict?lang={lang}")
                page.get_by_text(text("predict.where.server", lang), exact=True).click()
                settle(page)
                upload(page, PHOTOS / "dog.jpg")
                page.get_by_text(re.compile(r"dog\.jpg")).first.wait_for()
                audit(page, "Predict: with an upload", lang)

                page.goto(f"{server}/runs?lang={lang}")
                page.locator("[data-testid='stPlotlyChart']").first.wait_for()
                audit(page, "Runs: several runs", lang)

                page.goto(f"{server}/class?class={CLASS_CODE}&lang={lang}")
                page.get_by_text(text("class.students", lang), exact=True).first.wait_for()
                audit(page, "Class: a lesson", lang)

                page.goto(f"{server}/challenges?lang={lang}")
                page.get_by_role("tab", name=text("ch.tab.explain", lang)).click()
                page.get_by_role("tabpanel").locator(
                    "[data-testid='stImage'], [data-testid='stPlotlyChart']"
                ).first.wait_for()
                audit(page, "Challenges: a result", lang)
        finally:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            details = "\n".join(
                f"- {state} [{lang}] {v['impact']} {v['id']} ×{v['nodes']}: " + " | ".join(v["examples"])
                for (state, lang), violations in found.items()
                for v in violations
            )
            (ARTIFACTS / "axe.md").write_text(table(found) + "\n\n" + details + "\n")
            browser.close()

    assert len(found) == len(STATES) * len(LANGS), sorted(found)
    blocking = Counter(
        f"{state} [{lang}]: {v['id']}" for (state, lang), vs in found.items() for v in vs if v["impact"] in BLOCKING
    )
    assert not blocking, table(found)
