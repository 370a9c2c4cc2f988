"""Clickable results and the replay over epochs in a real browser (`streamlit run app.py`, Debian's
Chromium): a click on a confusion-matrix cell shows exactly that cell's test images, most confident
first; a click on a per-class bar shows that class's mistakes; a click on a Runs table row opens
that run; Play replays the filters to the last epoch. Screenshots land in tests/artifacts/."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from browser_support import Server, launch_chromium, settle, shoot, start_shapes_training
from playwright.sync_api import expect

from classifier.core import inspect
from classifier.core.runs import RunStore
from ui.i18n import text_in

pytestmark = pytest.mark.browser


def en(key: str, **values) -> str:
    return text_in("en", key, **values)


def plot_area(chart):
    chart.scroll_into_view_if_needed()
    return chart.locator(".nsewdrag").first.bounding_box()


def gallery_captions(page) -> list[str]:
    return [c for c in page.get_by_test_id("stImageCaption").all_inner_texts() if "→" in c]


def confidences(captions: list[str]) -> list[float]:
    return [float(re.search(r"\((\d+)%\)$", c).group(1)) / 100 for c in captions]


def test_click_a_cell_a_bar_a_row_and_replay_the_epochs(tmp_path):
    server = Server(tmp_path).start()
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(90_000)
            start_shapes_training(page, server.url, epochs=2, limit=300)
            expect(page.get_by_text("Training finished.")).to_be_visible(timeout=180_000)
            settle(page)

            store = RunStore(tmp_path / "runs")
            (info,) = store.list()
            y_true, probabilities = store.predictions(info.run_id)
            n = len(info.classes)
            matrix = inspect.confusion_matrix(y_true, probabilities.argmax(axis=1), n)
            off = matrix - np.diag(np.diag(matrix))
            true, predicted = (int(i) for i in np.unravel_index(off.argmax(), off.shape))
            assert off[true, predicted] > 0, matrix  # two short epochs on shapes leave mistakes

            # 1. The confusion matrix: click the centre of cell (true, predicted).
            confusion = page.get_by_test_id("stPlotlyChart").filter(
                has=page.locator("text.xtitle", has_text="predicted")
            )
            area = plot_area(confusion)
            page.mouse.click(
                area["x"] + (predicted + 0.5) / n * area["width"], area["y"] + (true + 0.5) / n * area["height"]
            )
            title = en(
                "results.cell_wrong",
                true=info.classes[true],
                predicted=info.classes[predicted],
                count=matrix[true, predicted],
            )
            expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=60_000)
            settle(page)
            captions = gallery_captions(page)
            expected = inspect.cell_images(y_true, probabilities, true, predicted, 24)
            assert len(captions) == len(expected)
            assert all(c.startswith(f"{info.classes[true]} → {info.classes[predicted]} (") for c in captions)
            assert confidences(captions) == pytest.approx(probabilities[expected, predicted], abs=0.006)
            assert confidences(captions) == sorted(confidences(captions), reverse=True)  # surest first
            page.get_by_role("heading", name=title).scroll_into_view_if_needed()
            shoot(page, "h01-confusion-cell")

            # 2. The per-class bars: click above the class with the most mistakes (its bar may be a sliver).
            label = int(off.sum(axis=1).argmax())
            bars = page.get_by_test_id("stPlotlyChart").filter(has=page.locator("text.ytitle", has_text="accuracy"))
            area = plot_area(bars)
            page.mouse.click(area["x"] + (label + 0.5) / n * area["width"], area["y"] + area["height"] / 2)
            title = en("results.class_mistakes", name=info.classes[label], count=int(off[label].sum()))
            expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=60_000)
            settle(page)
            captions = gallery_captions(page)
            assert captions and all(c.startswith(f"{info.classes[label]} → ") for c in captions)
            assert len(captions) == min(24, int(off[label].sum()))
            shoot(page, "h02-class-mistakes")

            # 3. Runs: a second, newer run shared by someone else opens first; a click on my row opens mine.
            other = store.create(info.config, public=True)
            for name in ("history.jsonl", "model.keras", "predictions.npz", "timeline"):
                source = store.path(info.run_id) / name
                (shutil.copytree if source.is_dir() else shutil.copy)(source, store.path(other.run_id) / name)
            other.status, other.shared_as, other.classes, other.epochs_completed = (
                "finished",
                "Bo",
                info.classes,
                info.epochs_completed,
            )
            store.save(other)
            page.goto(f"{server.url}/runs")
            settle(page)
            share = page.get_by_role("button", name="Share with the class")
            expect(page.get_by_role("heading", name="Learning over time")).to_be_visible(timeout=60_000)
            assert share.count() == 0  # Bo's run is shown: only its owner may share it
            table = page.locator(".st-key-runs_table").get_by_test_id("stDataFrame")  # the runs table, not a chart's
            box = table.bounding_box()
            page.mouse.click(box["x"] + 12, box["y"] + 35 * 2.5)  # row 2's selection cell (header, row 1, row 2)
            expect(share).to_be_visible(timeout=60_000)
            settle(page)
            shoot(page, "h03-runs-row")

            # 4. Inside the network: the replay tab, played from random initialisation to the end.
            page.goto(f"{server.url}/inside")
            settle(page)
            page.get_by_role("tab", name="Over the epochs").click()
            # The thumb's own label is the epoch shown (the track's end labels are always there).
            shown = page.get_by_test_id("stSlider").filter(has_text="Epoch").get_by_test_id("stSliderThumbValue")
            last = f"after epoch {info.epochs_completed}"
            expect(shown).to_have_text(last, timeout=60_000)  # it opens on the trained network
            page.get_by_role("button", name="Play", exact=True).click()
            expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible(timeout=60_000)
            expect(shown).not_to_have_text(last, timeout=60_000)  # it went back to the start ...
            # ... and steps to the end, where the timer stops and the button reads Play again.
            expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible(timeout=180_000)
            expect(shown).to_have_text(last)
            settle(page)
            shoot(page, "h04-inside-replay")
            page.goto(f"{server.url}/inside?lang=zh")
            settle(page)
            page.get_by_role("tab", name="逐轮变化").click()
            expect(page.get_by_role("button", name="播放")).to_be_visible(timeout=60_000)
            page.set_viewport_size({"width": 420, "height": 900})
            settle(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= 440
            shoot(page, "h05-inside-replay-narrow-zh")
            browser.close()
    finally:
        server.stop()
