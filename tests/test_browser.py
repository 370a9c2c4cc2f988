"""End to end in a real browser: `streamlit run app.py` on a free port, Debian's Chromium driven
by Playwright. Train on shapes and watch the chart grow, predict a real photo, switch language.
Screenshots land in tests/artifacts/ (git-ignored) for a human to look at."""

from __future__ import annotations

import re
import shutil

import pytest
from browser_support import (
    ARTIFACTS,
    browser_fixture,
    server_fixture,
    settle,
    shoot,
    start_shapes_training,
    upload,
)
from conftest import PHOTOS
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


server = server_fixture("browser")
browser = browser_fixture()


@pytest.fixture(scope="module", autouse=True)
def fresh_artifacts():
    """This module's screenshots start from an empty folder."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)


def test_train_watch_predict_and_switch_language(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(60_000)
    page.goto(server)
    settle(page)
    page.get_by_role("heading", name="CNN Classroom").wait_for()
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()  # the network diagram
    shoot(page, "01-home")

    # Train: the built-in shapes set, 600 images per split, 4 epochs.
    start_shapes_training(page, server, epochs=4, limit=600)

    # The live chart appears and grows while the epochs tick by, without reloading the page.
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=120_000)
    # While a fragment redraws, its old and new elements can briefly coexist: read the newest.
    epoch_metric = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text("Epoch", exact=True)).last
    expect(epoch_metric).to_contain_text(re.compile(r"[1-3] / 4"), timeout=120_000)
    first = re.search(r"(\d) / 4", epoch_metric.inner_text()).group(1)
    expect(epoch_metric).not_to_contain_text(f"{first} / 4", timeout=120_000)  # a later epoch, same page
    shoot(page, "02-train-live")
    expect(page.get_by_text("Training finished.")).to_be_visible(timeout=120_000)
    settle(page)
    page.get_by_text("Test accuracy").first.wait_for()
    page.get_by_text("Confusion matrix", exact=True).wait_for()
    assert page.get_by_role("button", name="Download the model (.keras)").is_visible()
    page.get_by_text("Its most confident mistakes").scroll_into_view_if_needed()
    shoot(page, "03-train-results")

    # A reload starts a new Streamlit session; the browser's cookie still owns the run.
    page.reload()
    settle(page)
    page.get_by_role("link", name="Runs").first.click()
    settle(page)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()  # the run's curves: it is listed
    page.get_by_role("button", name="Share with the class").wait_for()  # only a run's owner gets it
    shoot(page, "04-runs")

    # Predict: upload a real photo to the server (on-device prediction: test_ondevice_browser.py).
    page.get_by_role("link", name="Predict").first.click()
    settle(page)
    page.get_by_text("on the server", exact=True).click()
    settle(page)
    upload(page, PHOTOS / "dog.jpg")
    page.get_by_text(re.compile(r"dog\.jpg: \w+ \(\d+%\)")).wait_for()
    settle(page)
    assert page.locator("[data-testid='stPlotlyChart']").count() == 1
    shoot(page, "05-predict")

    # Language: switch to Chinese in the sidebar; the page and the URL follow.
    page.get_by_text("简体中文").click()
    settle(page)
    page.get_by_role("heading", name="预测").wait_for()
    assert "lang=zh" in page.url
    shoot(page, "06-predict-zh")

    # A narrow window (a phone held upright) still shows the page without sideways scrolling.
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(server + "/train?lang=zh")
    settle(page)
    page.get_by_role("heading", name="训练网络").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 440
    shoot(page, "07-train-narrow-zh")
    page.close()


def test_friction_points_as_a_teacher_and_a_student_see_them(server, browser):
    """Issue 16 in a real browser, wide and narrow, English and Chinese (screenshots f*.png):
    share under a name and see it confirmed, the readable settings, which model is shown, larger
    filters, the unsure wording, the My-zip prompt and the Chinese layer names."""
    ana = browser.new_page(viewport={"width": 1280, "height": 800})
    ana.set_default_timeout(60_000)
    start_shapes_training(ana, server, epochs=2, limit=300)
    ana.get_by_text("Training finished.").wait_for(timeout=120_000)
    settle(ana)

    # 1. Sharing sits under the results, takes a name and says it worked.
    ana.get_by_role("textbox", name="Your name, as the class will see it").fill("Ana Li")
    ana.get_by_role("button", name="Share with the class").click()
    expect(ana.get_by_test_id("stToast")).to_contain_text("Shared with the class as Ana Li.")
    settle(ana)
    expect(ana.get_by_text("everyone sees it in Runs")).to_be_visible()
    shoot(ana, "f01-train-shared")

    # 2. Runs: every setting in a table, with the Train page's labels.
    ana.goto(server + "/runs")
    settle(ana)
    expect(ana.get_by_text("Sharing with the class")).to_be_visible()
    ana.get_by_text("All hyperparameters").click()
    ana.get_by_text("32, then 2×2 max pooling").scroll_into_view_if_needed()
    shoot(ana, "f02-runs")
    ana.goto(server + "/runs?lang=zh")
    settle(ana)
    ana.get_by_text("全部超参数").click()
    ana.get_by_text("32，之后做 2×2 最大池化").scroll_into_view_if_needed()
    shoot(ana, "f03-runs-zh")
    ana.get_by_text("最常混淆").scroll_into_view_if_needed()  # 13: class names in Chinese
    shoot(ana, "f03b-runs-zh-results")

    # 13.3 and 6: Inside opens on the latest run and says so; 10: filters can be shown larger.
    ana.goto(server + "/inside")
    settle(ana)
    expect(ana.get_by_text("Shown: your latest finished run")).to_be_visible()
    filters = ana.get_by_test_id("stImage").first.locator("img")
    expect(filters).to_be_visible()
    small = filters.bounding_box()["width"] / 16  # one tile: 16 to a row when small
    shoot(ana, "f04-inside")
    ana.get_by_text("large", exact=True).click()
    settle(ana)
    large = ana.get_by_test_id("stImage").first.locator("img").bounding_box()["width"] / 6  # 6 to a row
    assert large > 2.5 * small, (small, large)
    shoot(ana, "f05-inside-large")
    ana.close()

    # A student with no runs: the built-in model, named; the class sees who shared.
    bo = browser.new_page(viewport={"width": 1280, "height": 800})
    bo.set_default_timeout(60_000)
    bo.goto(server + "/runs")
    settle(bo)
    # The run's own line (the table has the same words in a cell of its grid, which draws on a canvas).
    who = bo.get_by_role("paragraph").filter(has_text="shared by Ana Li")
    who.scroll_into_view_if_needed()
    expect(who).to_be_visible()
    shoot(bo, "f06-runs-other-student")
    bo.goto(server + "/predict?lang=zh&where=server")  # the server's own prediction (on-device: test_ondevice_browser)
    settle(bo)
    expect(bo.get_by_text("当前显示：内置模型")).to_be_visible()
    bo.get_by_text("压缩变形", exact=True).click()  # squashed, the eagle is a weak guess (bird or deer, < 50%)
    settle(bo)
    upload(bo, PHOTOS / "eagle.jpg")
    unsure = bo.get_by_text("内置模型只认识")  # 3: what the weak guess means
    expect(unsure).to_be_visible()
    settle(bo)
    unsure.scroll_into_view_if_needed()
    shoot(bo, "f07-predict-unsure-zh")

    # 12: the network diagram in Chinese, with the Keras names.
    bo.goto(server + "/?lang=zh")
    settle(bo)
    bo.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
    expect(bo.get_by_text("(Conv2D)").first).to_be_visible()
    shoot(bo, "f08-home-zh")

    # 4 and 5 on a phone: My zip asks for the zip (no red error), and the preset reads Custom.
    bo.set_viewport_size({"width": 420, "height": 900})
    bo.goto(server + "/train?lang=zh")
    settle(bo)
    # "Custom" picked on the seed's own settings changes nothing, and the control says so again.
    bo.get_by_role("radio", name="自定义").click()
    settle(bo)
    expect(bo.get_by_role("radio", name="基础")).to_be_checked()
    expect(bo.get_by_role("radio", name="自定义")).not_to_be_checked()
    bo.get_by_text("上传 zip").click()
    settle(bo)
    expect(bo.get_by_text("你自己的设置")).to_be_visible()
    shoot(bo, "f09-train-zip-narrow-zh")
    prompt = bo.get_by_text("请在“数据集”下方的框中上传")
    prompt.scroll_into_view_if_needed()
    expect(prompt).to_be_visible()
    assert bo.get_by_test_id("stAlertContentError").count() == 0
    assert bo.evaluate("document.documentElement.scrollWidth") <= 440
    shoot(bo, "f09b-train-zip-prompt-narrow-zh")
    bo.goto(server + "/inside")
    settle(bo)
    shoot(bo, "f10-inside-narrow")
    bo.close()


def test_a_bad_zip_is_explained_in_chinese_in_the_browser(server, browser, tmp_path):
    """The package's coded message, rendered by the app's table: Chinese, naming the student's file."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/train?lang=zh")
    settle(page)
    page.get_by_text("上传 zip").click()
    settle(page)
    bad = tmp_path / "我的猫狗.zip"
    bad.write_bytes(b"not a zip archive at all")
    upload(page, bad)
    error = page.get_by_test_id("stAlertContentError").first
    expect(error).to_contain_text("我的猫狗.zip")
    expect(error).to_contain_text("既不是 zip 压缩包也不是文件夹")
    assert not re.search(r"[A-Za-z]{2,}(?:[ ,;:']+[A-Za-z]{2,}){3,}", error.inner_text())  # no English sentence
    shoot(page, "08-bad-zip-zh")
    page.close()
