"""On-device prediction in real Chromium: the browser's 32x32 input and probabilities equal the
server's, no image byte leaves the page, and the page falls back to the server when it must."""

from __future__ import annotations

import io
import os
import re

import numpy as np
import pytest
from browser_support import Server, launch_chromium, settle, upload
from conftest import PHOTOS
from playwright.sync_api import expect, sync_playwright

from ui.ondevice import SERVED, runtime_installed

pytestmark = [
    pytest.mark.browser,
    # Outside CI only: CI installs the runtime (make test), so there its absence fails the tests.
    pytest.mark.skipif(
        not runtime_installed() and not os.environ.get("CI"),
        reason="LiteRT.js is not installed (make run / make test install it with npm)",
    ),
]

PHOTO_FILES = sorted(PHOTOS.glob("*.jpg"))
COMPONENT = "ondevice_predictor"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("ondevice")).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as running:  # one per module: a second one in the same thread is refused
        yield running


@pytest.fixture(scope="module")
def browser(playwright):
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def builtin():
    from classifier.core.predict import load_model

    return load_model("default")


def predictor_frame(page):
    """The on-device predictor's frame, once its model is loaded."""
    page.wait_for_selector(f"iframe[src*='{COMPONENT}']", timeout=120_000)
    frame = next(f for f in page.frames if COMPONENT in f.url)
    frame.wait_for_selector("body[data-state='ready']", timeout=120_000)
    return frame


def predict_in_browser(frame, paths) -> list[dict]:
    done = int(frame.evaluate("document.body.dataset.done || 0"))
    frame.set_input_files("#files", [str(p) for p in paths])
    frame.wait_for_selector(f"body[data-done='{done + 1}']", timeout=120_000)
    return frame.evaluate("window.ondeviceResults")


def cifar_pngs(folder, count: int = 4) -> list:
    """A few CIFAR-10 test images through the project's loader, written losslessly."""
    from PIL import Image

    from classifier.core.data import load_dataset

    data = load_dataset("cifar10", limit=count)
    paths = []
    for index, image in enumerate(data.x_test[:count]):
        path = folder / f"cifar-test-{index}.png"
        Image.fromarray(image).save(path)
        paths.append(path)
    return paths


@pytest.mark.cifar
def test_browser_input_and_probabilities_equal_the_server(server, browser, builtin, tmp_path):
    from classifier.core.predict import prepare

    page = browser.new_page()
    page.goto(f"{server.url}/predict")
    frame = predictor_frame(page)
    paths = [*PHOTO_FILES, *cifar_pngs(tmp_path)]
    results = predict_in_browser(frame, paths)
    assert [r["name"] for r in results] == [p.name for p in paths]
    tta = "flip"  # the built-in model's own setting, on by default on the page
    for path, result in zip(paths, results):
        assert "error" not in result, result
        browser_input = np.asarray(result["input"], dtype=np.uint8).reshape(32, 32, 3)
        _, server_input = prepare(path.read_bytes(), "crop")
        difference = np.abs(browser_input.astype(int) - server_input.astype(int))
        assert difference.max() <= 1, (path.name, int(difference.max()))
        keras = builtin.probabilities(browser_input[None], tta)[0]
        np.testing.assert_allclose(result["probabilities"], keras, atol=1e-3, err_msg=path.name)
    # What the student sees: where it was computed, the verdict and the bars, per photo.
    expect(frame.get_by_text("Predictions are computed on this device")).to_be_visible()
    expect(frame.locator(".card")).to_have_count(len(paths))
    expect(frame.locator(".where").first).to_contain_text("Computed on this device in")
    page.close()


def test_squashed_photos_match_too_in_chinese(server, browser):
    """The other way to make a photo square, and the page's texts in Chinese."""
    from classifier.core.predict import prepare

    page = browser.new_page()
    page.goto(f"{server.url}/predict?lang=zh")
    settle(page)
    page.get_by_text("压缩变形", exact=True).click()
    frame = predictor_frame(page)
    frame.wait_for_selector("body[data-fit='squash']")
    results = predict_in_browser(frame, PHOTO_FILES)
    for path, result in zip(PHOTO_FILES, results):
        _, server_input = prepare(path.read_bytes(), "squash")
        browser_input = np.asarray(result["input"], dtype=np.uint8).reshape(32, 32, 3)
        assert np.abs(browser_input.astype(int) - server_input.astype(int)).max() <= 1, path.name
    expect(frame.get_by_text("你的照片不会被发送到任何地方", exact=False)).to_be_visible()
    expect(frame.get_by_text("在这台设备上计算", exact=False).first).to_be_visible()
    page.close()


def test_no_image_byte_leaves_the_page(server, browser):
    """Every request and websocket frame the page sends while predicting several photos is recorded:
    no upload, no request body, and every frame far smaller than the smallest photo."""
    page = browser.new_page()
    sent_frames: list[int] = []
    requests: list[tuple[str, str, int]] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent_frames.append(len(payload))))
    page.goto(f"{server.url}/predict")
    frame = predictor_frame(page)
    settle(page)
    sent_frames.clear()
    page.on("request", lambda r: requests.append((r.method, r.url, len(r.post_data_buffer or b""))))
    results = predict_in_browser(frame, PHOTO_FILES * 2)
    assert len(results) == 2 * len(PHOTO_FILES) and all("probabilities" in r for r in results)
    settle(page)
    smallest_photo = min(p.stat().st_size for p in PHOTO_FILES)
    assert all(method == "GET" and size == 0 for method, _, size in requests), requests
    assert not any("upload" in url for _, url, _ in requests), requests
    # A 32x32 input alone is 3,072 bytes; a photo is over 100 KB. Streamlit's own frames are tiny.
    assert all(size < 2048 for size in sent_frames), sent_frames
    assert smallest_photo > 50 * 2048
    page.close()


def test_falls_back_to_the_server_when_the_browser_cannot_run_it(server, browser):
    """The runtime does not load (blocked here): the page says so and predicts on the server."""
    page = browser.new_page()
    page.route("**/vendor/litert.js", lambda route: route.abort())
    page.goto(f"{server.url}/predict")
    expect(page.get_by_text("This browser cannot run the network itself")).to_be_visible(timeout=120_000)
    settle(page)
    upload(page, PHOTOS / "dog.jpg")
    expect(page.get_by_text("Computed on the server")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("dog.jpg:", exact=False).first).to_be_visible()
    page.close()


def test_the_reader_can_choose_the_server(server, browser):
    page = browser.new_page()
    page.goto(f"{server.url}/predict")
    predictor_frame(page)
    page.get_by_text("on the server", exact=True).click()
    settle(page)
    upload(page, PHOTOS / "horses.jpg")
    expect(page.get_by_text("Computed on the server")).to_be_visible(timeout=60_000)
    assert not [f for f in page.frames if COMPONENT in f.url]
    page.close()


def test_a_png_with_transparency_matches(server, browser, tmp_path):
    """Transparency is composited on white as the server does (opaque and fully clear pixels)."""
    from PIL import Image

    from classifier.core.predict import prepare

    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (90, 120, 4), dtype=np.uint8)
    rgba[..., 3] = np.where(rng.random((90, 120)) < 0.5, 0, 255)
    path = tmp_path / "clear.png"
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    page = browser.new_page()
    page.goto(f"{server.url}/predict")
    frame = predictor_frame(page)
    (result,) = predict_in_browser(frame, [path])
    _, server_input = prepare(path.read_bytes(), "crop")
    browser_input = np.asarray(result["input"], dtype=np.uint8).reshape(32, 32, 3)
    assert np.abs(browser_input.astype(int) - server_input.astype(int)).max() <= 1
    page.close()


@pytest.fixture(scope="module")
def finished_run(server, saved_model_path):
    """A finished run of another browser (owner "alice") with a real checkpoint, in the server's folder."""
    import shutil

    from classifier.core.config import Config
    from classifier.core.runs import RunStore

    store = RunStore(server.env["CLASSIFIER_RUNS_DIR"])
    info = store.create(Config(dataset="shapes", epochs=2), owner="alice")
    shutil.copy(saved_model_path, store.path(info.run_id) / "model.keras")
    info.status = "finished"
    info.classes = ("circle", "square", "triangle", "cross", "ring", "stripes")[:6]
    store.save(info)
    return store, info.run_id


def test_a_phone_opens_a_run_by_its_token_and_nothing_else(server, browser, finished_run):
    from classifier.challenges import ondevice

    store, run_id = finished_run
    token = ondevice.device_token(store, run_id, "alice")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{server.url}/phone?m={run_id}")  # the run id alone is not a key
    expect(page.get_by_text("This phone link does not open any model")).to_be_visible(timeout=60_000)
    page.goto(f"{server.url}/phone?m={token}")
    frame = predictor_frame(page)
    results = predict_in_browser(frame, PHOTO_FILES[:2])
    from classifier.core.predict import load_model

    student_model = load_model(store.model_path(run_id))
    tta = store.load(run_id).config.tta
    for result in results:  # the student's own network: Keras's answer on the same 32x32 input
        image = np.asarray(result["input"], dtype=np.uint8).reshape(1, 32, 32, 3)
        np.testing.assert_allclose(result["probabilities"], student_model.probabilities(image, tta)[0], atol=1e-3)
    expect(frame.get_by_text("Median time per image in this browser")).to_be_visible()
    ondevice.revoke_token(store, run_id, "alice", SERVED)
    page.goto(f"{server.url}/phone?m={token}")
    expect(page.get_by_text("This phone link does not open any model")).to_be_visible(timeout=60_000)
    phone.close()


def test_the_predict_page_shows_a_phone_link_and_qr_code(server, browser):
    page = browser.new_page()
    page.goto(f"{server.url}/predict?lang=zh")
    predictor_frame(page)
    page.get_by_test_id("stExpander").get_by_text("在手机上打开", exact=True).click()
    link = page.locator("[data-testid='stCode']").filter(has_text="/phone?")
    expect(link).to_contain_text("/phone?lang=zh")  # the built-in model needs no token
    expect(page.locator("[data-testid='stExpander'] img").first).to_be_visible()
    page.close()


def test_the_camera_photo_is_predicted_on_the_device(server, playwright):
    """A laptop's camera (Chromium's fake one) inside the predictor: the snapshot is classified in
    the page and no frame big enough to hold it goes to the server."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS

    fake_camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + fake_camera)
    try:
        page = chromium.new_page()
        sent_frames: list[int] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent_frames.append(len(payload))))
        page.goto(f"{server.url}/predict")
        frame = predictor_frame(page)
        settle(page)
        sent_frames.clear()
        frame.get_by_text("Take a photo", exact=True).click()
        frame.wait_for_function("document.getElementById('video').videoWidth > 0", timeout=60_000)
        frame.get_by_role("button", name="Take the photo").click()
        frame.wait_for_selector("body[data-done='1']", timeout=60_000)
        (result,) = frame.evaluate("window.ondeviceResults")
        assert result["name"] == "camera photo.png" and len(result["probabilities"]) == 10
        expect(frame.get_by_text("camera photo.png:", exact=False)).to_be_visible()
        expect(frame.get_by_text(re.compile(r"ms \(1 image\)\.$"))).to_be_visible()  # one photo: "1 image"
        frame.get_by_role("button", name="Close the camera").click()
        expect(frame.locator("#live")).to_be_hidden()
        assert all(size < 2048 for size in sent_frames), sent_frames
    finally:
        chromium.close()


@pytest.mark.cifar
def test_the_int8_file_runs_in_the_browser_as_in_litert(server, browser, builtin):
    """int8 in the browser: the same numbers as the LiteRT interpreter on the same file and input,
    within a few hundredths of Keras (measured 0.057 at most on 200 CIFAR-10 test images), and under
    0.3x the .keras file's bytes."""
    from classifier.challenges.export import LiteRTModel, runtime_available
    from classifier.core.predict import DEFAULT_MODEL

    page = browser.new_page()
    page.goto(f"{server.url}/predict")
    predictor_frame(page)
    page.get_by_text("int8 (a quarter of the bytes)", exact=True).click()
    frame = next(f for f in page.frames if COMPONENT in f.url)
    frame.wait_for_selector("body[data-state='ready'][data-model$='-int8-b1.tflite']", timeout=300_000)
    model_file = SERVED.parent / frame.evaluate("document.body.dataset.model")
    assert model_file.stat().st_size <= 0.3 * DEFAULT_MODEL.stat().st_size
    results = predict_in_browser(frame, PHOTO_FILES)
    if not runtime_available():
        pytest.skip("ai-edge-litert is not installed")
    interpreter = LiteRTModel(model_file.read_bytes())
    for path, result in zip(PHOTO_FILES, results):
        image = np.asarray(result["input"], dtype=np.uint8).reshape(1, 32, 32, 3)
        litert = (interpreter.probabilities(image) + interpreter.probabilities(image[:, :, ::-1])) / 2  # flip
        np.testing.assert_allclose(result["probabilities"], litert[0], atol=1e-5, err_msg=path.name)
        keras = builtin.probabilities(image, "flip")[0]
        assert np.abs(np.asarray(result["probabilities"]) - keras).max() < 0.1, path.name
    page.close()
