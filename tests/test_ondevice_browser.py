"""On-device prediction in real Chromium: the browser's 32x32 input and probabilities equal the
server's, no image byte leaves the page, and the page falls back to the server when it must."""

from __future__ import annotations

import io
import os
import re

import numpy as np
import pytest
from browser_support import Server, settle, upload
from conftest import PHOTOS
from playwright.sync_api import expect, sync_playwright

from ui.ondevice import SERVED, network_address, runtime_installed

pytestmark = [
    pytest.mark.browser,
    # Outside CI only: CI installs the runtime (make test), so there its absence fails the tests.
    pytest.mark.skipif(
        not runtime_installed() and not os.environ.get("CI"),
        reason="LiteRT.js is not installed (make run / make test install it with npm)",
    ),
]

PHOTO_FILES = sorted(PHOTOS.glob("*.jpg"))
# int8 against Keras, measured (docs/on-device.md): at most 0.057 on 200 CIFAR-10 test images, 0.035
# with flip averaging; 0.030 on the shared photos.
INT8_TOLERANCE = 0.06
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


# A laptop's camera (Chromium's fake one), and a name for the server that is not a secure context
# (as a phone on the school's network sees the app: plain http, not localhost).
LAN_HOST = "classroom.test"
BROWSER_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    f"--host-resolver-rules=MAP {LAN_HOST} 127.0.0.1",
]


@pytest.fixture(scope="module")
def browser(playwright):
    from browser_support import CHROMIUM, CHROMIUM_ARGS

    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + BROWSER_ARGS)
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


def predict_in_browser(frame, paths, drop: bool = False) -> list[dict]:
    """Predict `paths` in the page: chosen in the file picker, or dragged and dropped onto it."""
    done = int(frame.evaluate("document.body.dataset.done || 0"))
    if drop:
        files = [{"name": p.name, "bytes": list(p.read_bytes())} for p in paths]
        frame.locator("#drop").evaluate(DROP, files)
    else:
        frame.set_input_files("#files", [str(p) for p in paths])
    # A newer batch replaces an unfinished one (a setting changed meanwhile): the last one counts.
    frame.wait_for_function(f"Number(document.body.dataset.done || 0) > {done}", timeout=120_000)
    return frame.evaluate("window.ondeviceResults")


# Files dragged from the desktop and dropped on the predictor: a real DataTransfer in a drop event.
DROP = """(zone, files) => {
  const transfer = new DataTransfer();
  for (const f of files) transfer.items.add(new File([new Uint8Array(f.bytes)], f.name));
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""

BIG_FILES = re.compile(r"\.(wasm|tflite)(\?|$)")


def big_downloads(page) -> list[str]:
    """Records the runtime's .wasm and model files the page asks the network for (a lasting copy
    in the browser answers without a request)."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if BIG_FILES.search(request.url) else None)
    return asked


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
    # What the student sees: where it was computed, the verdict, the 32x32 input and top-3 bars, per photo.
    expect(frame.get_by_text("Predictions are computed on this device")).to_be_visible()
    expect(frame.locator(".card")).to_have_count(len(paths))
    expect(frame.locator(".where").first).to_contain_text("Computed on this device in")
    expect(frame.locator(".card canvas.seen[width='32'][height='32']")).to_have_count(len(paths))
    expect(frame.locator(".card").first.locator(".bar")).to_have_count(3)
    # Top-k 4 on the page: the same photos are shown again with four bars, computed in the browser.
    page.get_by_role("slider").first.press("ArrowRight")
    expect(frame.locator(".card").first.locator(".bar")).to_have_count(4, timeout=60_000)
    expect(frame.locator(".card")).to_have_count(len(paths))
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
    results = predict_in_browser(frame, PHOTO_FILES, drop=True)  # dragged from the desktop
    assert [r["name"] for r in results] == [p.name for p in PHOTO_FILES]
    for path, result in zip(PHOTO_FILES, results):
        _, server_input = prepare(path.read_bytes(), "squash")
        browser_input = np.asarray(result["input"], dtype=np.uint8).reshape(32, 32, 3)
        assert np.abs(browser_input.astype(int) - server_input.astype(int)).max() <= 1, path.name
    expect(frame.get_by_text("你的照片不会被发送到任何地方", exact=False)).to_be_visible()
    expect(frame.get_by_text("在这台设备上计算", exact=False).first).to_be_visible()
    page.close()


def test_no_image_byte_leaves_the_page(server, browser):
    """Every request and websocket frame the page sends while predicting several photos is recorded:
    no upload, no request body, and every frame far smaller than the smallest photo. Nothing is
    fetched from anywhere but the app's server (it works offline), and after a reload the runtime
    and the model come from the browser's own copy, not the network."""
    page = browser.new_page()
    sent_frames: list[int] = []
    every_url: list[str] = []
    page.on("request", lambda r: every_url.append(r.url))
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent_frames.append(len(payload))))
    downloads = big_downloads(page)
    page.goto(f"{server.url}/predict")
    frame = predictor_frame(page)
    settle(page)
    assert sorted(re.sub(r"\?.*", "", url).rsplit("/", 1)[-1] for url in downloads) == sorted(
        ["litert_wasm_internal.wasm", frame.evaluate("document.body.dataset.model").rsplit("/", 1)[-1]]
    )
    sent_frames.clear()
    requests: list[tuple[str, str, int]] = []
    page.on("request", lambda r: requests.append((r.method, r.url, len(r.post_data_buffer or b""))))
    results = predict_in_browser(frame, PHOTO_FILES * 2)
    assert len(results) == 2 * len(PHOTO_FILES) and all("probabilities" in r for r in results)
    settle(page)
    smallest_photo = min(p.stat().st_size for p in PHOTO_FILES)
    assert all(method == "GET" and size == 0 and len(url) < 512 for method, url, size in requests), requests
    assert not any("upload" in url for _, url, _ in requests), requests
    # A 32x32 input alone is 3,072 bytes; a photo is over 100 KB. Streamlit's own frames are tiny.
    assert all(size < 2048 for size in sent_frames), sent_frames
    assert smallest_photo > 50 * 2048
    # A new page load (a reload, or Predict opened again): nothing big is downloaded again.
    downloads.clear()
    page.reload()
    frame = predictor_frame(page)
    (result,) = predict_in_browser(frame, PHOTO_FILES[:1])
    np.testing.assert_allclose(result["probabilities"], results[0]["probabilities"], atol=1e-6)
    assert downloads == [], downloads
    assert every_url and all(url.startswith((server.url, "blob:", "data:")) for url in every_url), {
        url for url in every_url if not url.startswith(server.url)
    }
    page.close()


def test_falls_back_to_the_server_when_the_browser_cannot_run_it(server, browser):
    """The runtime does not load (blocked here), or the browser has no WebAssembly: the Predict and
    phone pages say so and predict on the server."""
    page = browser.new_page()
    page.route("**/vendor/litert.js", lambda route: route.abort())
    predicts_on_the_server_saying_why(page, f"{server.url}/predict", "dog.jpg")
    # A browser without WebAssembly, on the phone page: the same model on the server, saying why.
    page = browser.new_page()
    page.add_init_script("delete globalThis.WebAssembly")
    predicts_on_the_server_saying_why(page, f"{server.url}/phone", "eagle.jpg")


def predicts_on_the_server_saying_why(page, url: str, photo: str) -> None:
    page.goto(url)
    expect(page.get_by_text("This browser cannot run the network itself")).to_be_visible(timeout=120_000)
    settle(page)
    upload(page, PHOTOS / photo)
    # Exactly this line: the notice above says "computed on the server" too, and may still show.
    computed = page.get_by_text("Computed on the server: the photos below were uploaded to it.", exact=True)
    expect(computed).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"{photo}:", exact=False).first).to_be_visible()
    page.close()


def test_the_reader_can_choose_the_server(server, browser):
    page = browser.new_page()
    page.goto(f"{server.url}/predict")
    predictor_frame(page)
    page.get_by_text("on the server", exact=True).click()
    settle(page)
    upload(page, PHOTOS / "horses.jpg")
    # Exactly this line: the notice above says "computed on the server" too, and may still show.
    computed = page.get_by_text("Computed on the server: the photos below were uploaded to it.", exact=True)
    expect(computed).to_be_visible(timeout=60_000)
    assert not [f for f in page.frames if COMPONENT in f.url]
    page.close()


def test_transparency_a_weak_guess_many_files_and_no_mirror(server, browser, builtin, tmp_path):
    """Transparency is composited on white as the server does (opaque and fully clear pixels); a
    plain grey picture gets the weak-guess note; more files than the page takes are cut to its limit
    with a note; without the mirror, the probabilities are Keras's on the photo alone."""
    from PIL import Image

    from classifier.core.predict import UNSURE_BELOW, prepare

    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (90, 120, 4), dtype=np.uint8)
    rgba[..., 3] = np.where(rng.random((90, 120)) < 0.5, 0, 255)
    path = tmp_path / "clear.png"
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    grey = tmp_path / "grey.png"
    Image.new("RGB", (40, 40), (128, 128, 128)).save(grey)
    page = browser.new_page()
    page.goto(f"{server.url}/predict")
    frame = predictor_frame(page)
    clear, plain = predict_in_browser(frame, [path, grey])
    _, server_input = prepare(path.read_bytes(), "crop")
    browser_input = np.asarray(clear["input"], dtype=np.uint8).reshape(32, 32, 3)
    assert np.abs(browser_input.astype(int) - server_input.astype(int)).max() <= 1
    assert max(plain["probabilities"]) < UNSURE_BELOW  # the built-in model is unsure of plain grey
    expect(frame.locator(".card").nth(1).locator(".note")).to_contain_text("best guess is weak")
    expect(frame.locator(".card").first.locator(".note")).to_have_count(int(max(clear["probabilities"]) < UNSURE_BELOW))
    # The mirror off: the page computes the shown photos again, each once: Keras's numbers without flip.
    page.get_by_text("Also look at the mirror image", exact=False).click()
    frame.wait_for_selector("body[data-tta='none'][data-done='2'][data-predicting='false']", timeout=120_000)
    again = frame.evaluate("window.ondeviceResults")
    assert [r["name"] for r in again] == ["clear.png", "grey.png"]
    for result in again:
        image = np.asarray(result["input"], dtype=np.uint8).reshape(1, 32, 32, 3)
        np.testing.assert_allclose(result["probabilities"], builtin.probabilities(image, "none")[0], atol=1e-3)
    assert np.abs(np.asarray(again[0]["probabilities"]) - clear["probabilities"]).max() > 1e-3
    # 51 files: the first 50 are predicted, and the page says the rest were left out.
    many = [tmp_path / f"grey-{index}.png" for index in range(51)]
    for each in many:
        each.write_bytes(grey.read_bytes())
    assert len(predict_in_browser(frame, many)) == 50
    expect(frame.get_by_text("51 files: only the first 50 are shown.")).to_be_visible()
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


NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_phone_opens_a_run_by_its_token_and_nothing_else(server, browser, finished_run):
    """A phone on the school's network (plain http: no Cache API, no live camera): the run's model by
    its token, a phone-sized page without sideways scrolling, the phone's camera app (<input capture>),
    the time per image, and after a reload nothing big downloaded again (the browser's IndexedDB)."""
    from classifier.challenges import ondevice

    store, run_id = finished_run
    token = ondevice.device_token(store, run_id, "alice")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    lan_url = server.url.replace("127.0.0.1", LAN_HOST)
    page.goto(f"{lan_url}/phone?m={run_id}")  # the run id alone is not a key
    expect(page.get_by_text("This phone link does not open any model")).to_be_visible(timeout=60_000)
    downloads = big_downloads(page)
    page.goto(f"{lan_url}/phone?m={token}")
    frame = predictor_frame(page)
    assert frame.evaluate("isSecureContext") is False
    assert len(downloads) == 2, downloads  # the runtime's .wasm and the model, once
    with page.expect_file_chooser() as chooser:  # the camera button opens the phone's camera app
        frame.get_by_text("Take a photo", exact=True).click()
    assert chooser.value.element.get_attribute("capture") == "environment"
    chooser.value.set_files(str(PHOTO_FILES[0]))
    frame.wait_for_selector("body[data-done='1']", timeout=120_000)
    results = predict_in_browser(frame, PHOTO_FILES[:2])
    from classifier.core.predict import load_model

    student_model = load_model(store.model_path(run_id))
    tta = store.load(run_id).config.tta
    for result in results:  # the student's own network: Keras's answer on the same 32x32 input
        image = np.asarray(result["input"], dtype=np.uint8).reshape(1, 32, 32, 3)
        np.testing.assert_allclose(result["probabilities"], student_model.probabilities(image, tta)[0], atol=1e-3)
    expect(frame.get_by_text("Median time per image in this browser")).to_contain_text("(3 images)")
    assert page.evaluate(NO_SIDEWAYS_SCROLL) and frame.evaluate(NO_SIDEWAYS_SCROLL)
    page.reload()
    predictor_frame(page)
    assert len(downloads) == 2, downloads
    ondevice.revoke_token(store, run_id, "alice", SERVED)
    page.goto(f"{server.url}/phone?m={token}")
    expect(page.get_by_text("This phone link does not open any model")).to_be_visible(timeout=60_000)
    phone.close()


def test_the_predict_page_runs_a_visible_run_and_offers_no_other(server, browser, saved_model_path):
    """A student's own finished run is predicted in the browser with its own network; another
    student's private finished run is not offered, and no token is made for it."""
    import shutil

    from classifier.challenges import ondevice
    from classifier.core.config import Config
    from classifier.core.predict import load_model
    from classifier.core.runs import RunStore

    store = RunStore(server.env["CLASSIFIER_RUNS_DIR"])
    me = "bob-" + "b" * 20
    runs = {}
    for owner in ("carol-" + "c" * 20, me):  # carol's is older: "latest finished" would not pick it anyway
        info = store.create(Config(dataset="shapes", epochs=2), owner=owner)
        shutil.copy(saved_model_path, store.path(info.run_id) / "model.keras")
        info.status, info.epochs_completed = "finished", 2
        info.classes = ("circle", "square", "triangle", "cross", "ring", "stripes")
        store.save(info)
        runs[owner] = info
    mine, theirs = runs[me], runs["carol-" + "c" * 20]
    context = browser.new_context()
    context.add_cookies([{"name": "cnn_classroom_owner", "value": me, "url": server.url}])
    page = context.new_page()
    page.goto(f"{server.url}/predict")
    frame = predictor_frame(page)  # it opens on the student's latest finished run
    assert "/runs-" in frame.evaluate("document.body.dataset.model")
    (result,) = predict_in_browser(frame, PHOTO_FILES[:1])
    assert len(result["probabilities"]) == 6
    image = np.asarray(result["input"], dtype=np.uint8).reshape(1, 32, 32, 3)
    keras = load_model(store.model_path(mine.run_id)).probabilities(image, mine.config.tta)[0]
    np.testing.assert_allclose(result["probabilities"], keras, atol=1e-3)
    page.get_by_test_id("stSelectbox").first.click()
    expect(page.get_by_role("option")).to_have_count(3)  # the built-in model, this run, an upload
    page.keyboard.press("Escape")
    assert (store.path(mine.run_id) / ondevice.TOKEN_FILE).is_file()
    assert not (store.path(theirs.run_id) / ondevice.TOKEN_FILE).exists()
    context.close()


def test_the_predict_page_shows_a_phone_link_and_qr_code(server, browser):
    page = browser.new_page()
    page.goto(f"{server.url}/predict?lang=zh")
    predictor_frame(page)
    page.get_by_test_id("stExpander").get_by_text("在手机上打开", exact=True).click()
    link = page.locator("[data-testid='stCode']").filter(has_text="/phone?")
    # The built-in model needs no token; a phone cannot reach the teacher's 127.0.0.1, so the link
    # names this computer on its network (where it has one).
    address = network_address()
    host = f"http://{address}:{server.port}" if address else server.url
    expect(link).to_contain_text(f"{host}/phone?lang=zh")
    qr = page.locator("[data-testid='stExpander'] img").first
    expect(qr).to_be_visible()
    # The code a phone scans is the link shown: each module of the page's image (sampled at its
    # centre; the page scales the picture) is that link's QR code's (ui/ondevice.qr_png: level M, border 2).
    from urllib.parse import urljoin

    import segno
    from PIL import Image

    modules = np.array(list(segno.make(link.inner_text().strip(), error="m").matrix_iter(border=2)), dtype=bool)
    shown_png = page.request.get(urljoin(f"{server.url}/", qr.get_attribute("src"))).body()
    image = np.asarray(Image.open(io.BytesIO(shown_png)).convert("L"))
    rows, cols = (((np.arange(modules.shape[0]) + 0.5) * side / modules.shape[0]).astype(int) for side in image.shape)
    assert np.array_equal(image[np.ix_(rows, cols)] < 128, modules)
    page.close()


def test_the_camera_photo_is_predicted_on_the_device(server, browser):
    """A laptop's camera (Chromium's fake one) inside the predictor: the snapshot is classified in
    the page and no frame big enough to hold it goes to the server."""
    page = browser.new_page()
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
    page.close()


@pytest.mark.cifar
def test_the_int8_file_runs_in_the_browser_as_in_litert(server, browser, builtin):
    """int8 in the browser: the same numbers as the LiteRT interpreter on the same file and input,
    within its measured tolerance of Keras (INT8_TOLERANCE), and under
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
        assert np.abs(np.asarray(result["probabilities"]) - keras).max() <= INT8_TOLERANCE, path.name
    page.close()
