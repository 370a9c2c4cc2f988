"""The Learn page in a real browser: `streamlit run app.py` and Debian's Chromium. A click on a cell
of a feature map chooses (i, j); the sum the page shows for it equals the value Keras computed.
Screenshots of the sections in English and Chinese land in tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import re

import pytest
from browser_support import launch_chromium, server_fixture, settle, shoot, upload
from conftest import PHOTOS
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


TALL = {"width": 1280, "height": 3200}  # Streamlit scrolls inside the page: a tall window shows it all


server = server_fixture("learn-browser")


def shoot_all(page, name: str) -> None:
    size = page.viewport_size
    page.set_viewport_size(TALL)
    settle(page)
    shoot(page, name)
    page.set_viewport_size(size)


def metric(page, label: str) -> float:
    box = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True)).first
    return float(box.locator("[data-testid='stMetricValue']").inner_text())


def first_convolution() -> tuple[str, int]:
    """The built-in model's first convolution: its name and the rows of its overview (16 a row)."""
    from classifier.core.predict import load_model
    from classifier.training.timeline import first_conv

    layer = first_conv(load_model("default").model)
    return layer.name, -(-layer.filters // 16)


def test_click_a_feature_map_cell_then_the_sum_equals_keras(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(90_000)
        page.goto(f"{server}/learn")
        settle(page)
        page.get_by_role("heading", name="Learn: the formulas, computed by your network").wait_for()
        # The built-in model and a real photo (no data set needed for an upload).
        page.get_by_text("My image", exact=True).click()
        settle(page)
        upload(page, PHOTOS / "dog.jpg")
        settle(page)

        # The first chart shows the first convolution's channels, 16 to a row: click the fourth of
        # the first row to choose c = 3.
        conv, rows = first_convolution()
        overview = page.locator("[data-testid='stPlotlyChart']").first
        overview.scroll_into_view_if_needed()
        area = overview.locator(".nsewdrag").first.bounding_box()
        page.mouse.click(area["x"] + 3.5 / 16 * area["width"], area["y"] + 0.5 / rows * area["height"])
        page.get_by_text(f"Output y: {conv}, channel 3, 32×32").wait_for()
        settle(page)
        # The third is that channel's feature map; click the cell 70% down, 20% across (32×32 map).
        feature_map = page.locator("[data-testid='stPlotlyChart']").nth(2)
        feature_map.scroll_into_view_if_needed()
        area = feature_map.locator(".nsewdrag").first.bounding_box()
        page.mouse.click(area["x"] + 0.2 * area["width"], area["y"] + 0.7 * area["height"])
        page.get_by_text("chosen (i, j) = (22, 6)").wait_for()
        settle(page)

        # The sum of the products as the page writes it (the TeX behind the rendered formula) ...
        tex = page.locator("annotation[encoding='application/x-tex']").all_text_contents()
        (line,) = [text for text in tex if text.startswith("y(22,6,3)")]
        shown_sum = float(re.search(r"= (-?\d+\.\d+)\s*$", line).group(1))
        # ... equals the formula's number and Keras's own output of that layer at that place.
        keras_value = metric(page, f"Keras ({conv})")
        assert shown_sum == metric(page, "Formula")
        assert abs(shown_sum - keras_value) <= 1e-4
        page.get_by_text("The formula and Keras agree to 0.0001.").first.wait_for()
        shoot_all(page, "learn-1-conv-en")

        page.get_by_text("2 · Max pooling", exact=True).click()
        settle(page)
        assert abs(metric(page, "Formula") - metric(page, "Keras (pool1)")) <= 1e-4
        shoot_all(page, "learn-2-pool-en")

        # Chinese: the same page, the chosen section kept.
        page.get_by_text("简体中文").click()
        settle(page)
        page.get_by_role("heading", name="动手学原理：用你的网络算公式").wait_for()
        assert "lang=zh" in page.url
        page.get_by_text("1 · 卷积", exact=True).click()
        settle(page)
        page.get_by_text("已选 (i, j) = (22, 6)").wait_for()  # the clicked cell is remembered
        shoot_all(page, "learn-1-conv-zh")
        page.get_by_text("3 · 交叉熵", exact=True).click()
        settle(page)
        # An upload's true class is the student's to say: type into the select box, pick the class.
        # The class names in Chinese, as everywhere else in the app (issue 25.8).
        type_into_select(page, page.get_by_role("combobox", name="这张图片实际上是什么？"), "狗")
        page.get_by_role("option", name="狗", exact=True).click()
        settle(page)
        page.get_by_text("真实类别 狗").first.wait_for()
        shoot_all(page, "learn-3-loss-zh")
        page.get_by_text("5 · 平移、旋转、缩放", exact=True).click()
        settle(page)
        page.locator("[data-testid='stPlotlyChart']").nth(2).wait_for()
        shoot_all(page, "learn-5-probe-zh")
        page.get_by_text("4 · 梯度下降", exact=True).click()
        settle(page)
        page.get_by_role("button", name="走 10 步").click()
        settle(page)
        page.get_by_text("这一步之后的批损失").wait_for()
        shoot_all(page, "learn-4-step-zh")
        browser.close()


def type_into_select(page, box, text: str, tries: int = 3) -> None:
    """Type into a select box until its list shows the one option that matches. A rerun that redraws
    the section (CI: once in two runs) can replace the box while it is typed into, and the list then
    never opens: Escape, settle and type again, a bounded number of times."""
    for _ in range(tries - 1):
        box.press_sequentially(text)
        try:
            expect(page.get_by_role("option")).to_have_count(1, timeout=15_000)  # filtered
            return
        except AssertionError:
            page.keyboard.press("Escape")
            settle(page)
            box.fill("")
    box.press_sequentially(text)
    expect(page.get_by_role("option")).to_have_count(1)
