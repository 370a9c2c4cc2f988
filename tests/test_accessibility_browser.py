"""axe-core (pinned by web/package-lock.json, loaded from web/node_modules, never from the internet)
over every page of the app, in English and in Chinese, in the states a student reaches: WCAG 2.1 A
and AA rules, no critical and no serious violation allowed. One server and one browser serve it all;
the runs are tiny (shapes). The table of what axe found lands in tests/artifacts/axe.md (the table
in docs/accessibility.md was made with it)."""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
from browser_support import ARTIFACTS, launch_chromium, server_fixture, settle, start_shapes_training, upload
from conftest import PHOTOS, ROOT
from playwright.sync_api import expect

from classifier.core.config import Config
from classifier.teach.lessons import Lesson
from ui.i18n import TEXT

pytestmark = pytest.mark.browser

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
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


server = server_fixture("axe")


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
                page.get_by_test_id("stImage").filter(has_text="→").first.wait_for()  # the gallery of mistakes
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


def test_html_lang_says_the_pages_language_from_the_first_paint_and_after_a_switch(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.set_default_timeout(90_000)
        html = page.locator("html")
        page.goto(server)  # the server's first script run imports the app (ui/__init__.py's patch)
        settle(page)
        expect(html).to_have_attribute("lang", "en")
        for address, lang in (("/train?lang=zh", "zh-CN"), ("/inside?lang=en", "en"), ("/?lang=zh", "zh-CN")):
            answer = page.goto(server + address)
            assert f'<html lang="{lang}">' in answer.text(), address  # what the browser paints first
            settle(page)
            expect(html).to_have_attribute("lang", lang)
        page.get_by_text("English", exact=True).click()  # the sidebar switch: no new page is loaded
        page.get_by_role("heading", name=text("home.title", "en")).wait_for()
        expect(html).to_have_attribute("lang", "en")
        page.get_by_text("简体中文", exact=True).click()
        page.get_by_role("heading", name=text("home.title", "zh")).wait_for()
        expect(html).to_have_attribute("lang", "zh-CN")
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=text("nav.learn", "zh")).click()
        page.get_by_role("heading", name=text("learn.title", "zh")).wait_for()
        expect(html).to_have_attribute("lang", "zh-CN")  # kept across pages
        assert '<html lang="zh-CN">' in page.reload().text()  # the address carries it (?lang=zh)
        browser.close()


# --- keyboard only ---------------------------------------------------------------------------------

FOCUS_SHOWN = """el => {
    const style = getComputedStyle(el);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(page, target, limit: int = 250) -> None:
    """Press Tab (only Tab) until `target` has the keyboard focus, then check the focus is drawn."""
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("el => document.activeElement === el || el.contains(document.activeElement)", handle):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached {target}")
    assert page.evaluate(f"() => ({FOCUS_SHOWN})(document.activeElement)"), "the focus is not visible"


def choose_segment(page, target, limit: int = 12) -> None:
    """A segmented control is one tab stop (a radio group): Tab into it, arrows to `target`, Space."""
    group = target.locator("xpath=ancestor::*[@role='radiogroup' or @data-testid='stButtonGroup'][1]")
    tab_to(page, group)
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("el => document.activeElement === el", handle):
            break
        page.keyboard.press("ArrowRight")
    assert page.evaluate(f"el => document.activeElement === el && ({FOCUS_SHOWN})(el)", handle)
    page.keyboard.press("Space")
    settle(page)


def open_list(page, box, tries: int = 3) -> None:
    """Tab to a select box and open its list with the arrow key. A rerun that redraws the page (the
    end of a run, a fragment's tick) can replace the box under the focus, and the key then goes
    nowhere: the list not shown, Escape, settle and go again, a bounded number of times."""
    option = page.get_by_role("option").nth(1)
    for _ in range(tries - 1):
        tab_to(page, box)
        page.keyboard.press("ArrowDown")
        try:
            expect(option).to_be_visible(timeout=10_000)
            return
        except AssertionError:
            page.keyboard.press("Escape")
            settle(page)
    tab_to(page, box)
    page.keyboard.press("ArrowDown")
    expect(option).to_be_visible()


def type_number(page, field, value: str) -> None:
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    page.keyboard.press("Enter")
    settle(page)
    expect(field).to_have_value(value)


def test_the_students_journey_with_the_keyboard_alone(server):
    """Preset, a hyperparameter, Start, Stop, an upload, the language, Inside's layer and a
    confusion-matrix cell: Tab, arrows, Enter and Space only, the focus visible at each step."""
    from playwright.sync_api import sync_playwright

    expect.set_options(timeout=90_000)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(90_000)
        page.goto(f"{server}/train")
        settle(page)
        page.mouse.move(0, 0)  # the mouse stays out of it from here on

        # A preset, the built-in shapes, a few of its images and many epochs.
        quick = page.get_by_role("radio", name=text("preset.quick", "en"), exact=True)  # a segmented control
        choose_segment(page, quick)
        expect(page.get_by_text(text("preset.quick.help", "en"))).to_be_visible()
        data_set = page.get_by_role("radiogroup", name=text("train.dataset", "en"))
        shapes = data_set.get_by_role("radio", name=text("data.shapes", "en"))
        expect(shapes).to_be_enabled()
        tab_to(page, data_set)  # one tab stop; the arrows choose within it
        for _ in range(4):
            if shapes.is_checked():
                break
            page.keyboard.press("ArrowRight")
        expect(shapes).to_be_checked()
        settle(page)
        type_number(page, page.get_by_role("spinbutton", name=text("train.limit", "en")), "200")
        training = page.locator("summary").filter(has=page.get_by_text(text("train.training", "en"), exact=True))
        tab_to(page, training)
        page.keyboard.press("Enter")
        type_number(page, page.get_by_role("spinbutton", name=text("train.epochs", "en"), exact=True), "200")

        # Start, watch the first epoch's summary appear, Stop.
        tab_to(page, page.get_by_role("button", name=text("train.start", "en"), exact=True))
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"[?&]run="), timeout=60_000)
        expect(page.get_by_text(re.compile(r"^Loss from \d"))).to_be_visible(timeout=180_000)
        tab_to(page, page.get_by_role("button", name=text("train.stop", "en"), exact=True))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name=text("results.confusion", "en"))).to_be_visible(timeout=180_000)
        settle(page)

        # The confusion matrix's cells, one by one, from a select box: the gallery follows.
        picker = page.get_by_role("combobox", name=text("alt.confusion.pick", "en"))
        open_list(page, picker)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")  # the fullest cell
        settle(page)
        expect(
            page.get_by_role("heading", name=re.compile(r"(recognised as|taken for) .*: \d+ images"))
        ).to_be_visible()

        # Predict on the server: an upload through the file chooser, opened from the keyboard.
        tab_to(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name=text("nav.predict", "en")))
        page.keyboard.press("Enter")
        settle(page)
        choose_segment(page, page.get_by_role("radio", name=text("predict.where.server", "en"), exact=True))
        browse = page.get_by_test_id("stFileUploaderDropzone").first.get_by_test_id("stBaseButton-secondary")
        with page.expect_file_chooser() as chooser:
            tab_to(page, browse)
            page.keyboard.press("Enter")
        chooser.value.set_files(str(PHOTOS / "dog.jpg"))
        page.get_by_text(re.compile(r"dog\.jpg: ")).first.wait_for()
        settle(page)

        # The language, in the sidebar: the page and <html lang> follow.
        choose_segment(page, page.get_by_role("radio", name="简体中文"))
        page.get_by_role("heading", name=text("predict.title", "zh")).wait_for()
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

        # Inside the network: another convolution layer, chosen from the keyboard.
        tab_to(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name=text("nav.inside", "zh")))
        page.keyboard.press("Enter")
        settle(page)
        layer = page.get_by_role("combobox", name=text("inside.filter_layer", "zh"))
        before = page.get_by_test_id("stImage").first.locator("img").get_attribute("alt")
        open_list(page, layer)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        settle(page)
        after = page.get_by_test_id("stImage").first.locator("img").get_attribute("alt")
        assert before != after and "卷积核" in after, (before, after)  # the second layer's filters
        browser.close()
