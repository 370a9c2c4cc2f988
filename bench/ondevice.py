"""On-device prediction against the server round trip, in headless Chromium, on the same photos.

    python -m bench.ondevice --repeats 3     # one JSON line

One `streamlit run` server, one Chromium. The Predict page in a fresh browser context:
  - first prediction: from opening the page to the first photo's result, the LiteRT.js runtime's
    start-up and the model's download included; then the same after a reload (the page's own copy
    of runtime and model: the bytes downloaded again are counted);
  - on device, after the first: each photo's time measured in the page (decode, 32x32, network; the
    built-in model's default flip averaging, two network calls);
  - server round trip: the same photos one at a time through Streamlit's uploader (upload, rerun,
    prediction, drawing), from choosing the file to its result on the page.
Model bytes the browser downloads: the float32 file the page fetches, and the int8 file the page's
int8 choice fetches (classifier/challenges/export.py, 300 CIFAR-10 calibration images, float in and out)
against the built-in `.keras` file.

`measure(children, sizes)` is the section `make bench` runs (bench/__main__.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.app_start import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, stop, streamlit_command, wait_for_health
from bench.report import Row, ratio_row, verdict

PHOTOS = ROOT.parent / "shared" / "data" / "photos"
COMPONENT = "ondevice_predictor"
INT8_AT_MOST = 0.3  # the bar: the int8 file at most 0.3x the .keras file


def _frame(page):
    page.wait_for_selector(f"iframe[src*='{COMPONENT}']", timeout=180_000)
    frame = next(f for f in page.frames if COMPONENT in f.url)
    frame.wait_for_selector("body[data-state='ready']", timeout=180_000)
    return frame


def _count_model(response, into: list[int]) -> None:
    if response.url.endswith(".tflite"):
        into.append(len(response.body()))


def _count_big(response, into: list[int]) -> None:
    """The model's and the runtime's bytes that came over the network (the page's own copy sends none)."""
    if response.url.split("?")[0].endswith((".tflite", ".wasm")):
        into.append(len(response.body()))


def timings(repeats: int) -> dict[str, Any]:
    import os

    from playwright.sync_api import sync_playwright

    photos = sorted(PHOTOS.glob("*.jpg"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = Path(tempfile.mkdtemp(prefix="bench-ondevice-"))
    env = {**os.environ, "CLASSIFIER_RUNS_DIR": str(data / "runs"), "CLASSIFIER_UPLOADS_DIR": str(data / "up")}
    server = subprocess.Popen(
        streamlit_command(ROOT / "app.py", port), cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_health(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # Warm the server (TensorFlow, the exported model) so the first figure is the browser's.
            warm = browser.new_page()
            warm.goto(f"{url}/predict")
            _frame(warm)
            warm.close()
            firsts, device, server_trips, reloads, reload_bytes = [], [], [], [], []
            model_bytes = 0
            for _ in range(repeats):
                context = browser.new_context()
                page = context.new_page()
                fetched: list[int] = []
                page.on("response", lambda r, into=fetched: _count_model(r, into))
                started = time.perf_counter()
                page.goto(f"{url}/predict")
                frame = _frame(page)
                frame.set_input_files("#files", str(photos[0]))
                frame.wait_for_selector("body[data-done='1']", timeout=120_000)
                firsts.append(time.perf_counter() - started)
                model_bytes = max(fetched or [0])
                frame.set_input_files("#files", [str(p) for p in photos])
                frame.wait_for_selector("body[data-done='2']", timeout=120_000)
                device += [r["ms"] / 1000 for r in frame.evaluate("window.ondeviceResults")]
                # The page opened again in the same browser: the runtime and model from its own copy.
                again: list[int] = []
                page.on("response", lambda r, into=again: _count_big(r, into))
                started = time.perf_counter()
                page.reload()
                frame = _frame(page)
                frame.set_input_files("#files", str(photos[0]))
                frame.wait_for_selector("body[data-done='1']", timeout=120_000)
                reloads.append(time.perf_counter() - started)
                reload_bytes.append(sum(again))
                context.close()
                # The server round trip, one photo at a time, on a page that predicts on the server.
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{url}/predict?where=server")
                page.wait_for_selector("[data-testid='stFileUploaderDropzone']", timeout=120_000)
                for photo in photos:
                    with page.expect_file_chooser() as chooser:
                        page.get_by_test_id("stFileUploaderDropzone").first.click()
                    began = time.perf_counter()
                    chooser.value.set_files(str(photo))
                    page.get_by_text(f"{photo.name}:").first.wait_for(timeout=120_000)
                    server_trips.append(time.perf_counter() - began)
                    page.get_by_test_id("stFileChipDeleteBtn").first.click()
                    page.get_by_text(f"{photo.name}:").first.wait_for(state="detached", timeout=60_000)
                context.close()
            browser.close()
    finally:
        stop(server)
    return {
        "first_prediction_seconds": firsts,
        "reload_prediction_seconds": reloads,
        "reload_downloaded_bytes": reload_bytes,
        "device_seconds": device,
        "server_seconds": server_trips,
        "model_float32_bytes": model_bytes,
        "photos": len(photos),
    }


def sizes_int8() -> dict[str, int]:
    """The built-in model's int8 file and its .keras file, in bytes."""
    from classifier.challenges import export
    from classifier.core.data import load_dataset
    from classifier.core.predict import DEFAULT_MODEL, load_model

    loaded = load_model("default")
    data = load_dataset("cifar10")
    representative = export.representative_images(data.x_train, data.y_train)
    int8 = export.to_litert(  # the file the page's int8 choice downloads (float in and out)
        loaded.model, "int8", representative, check_ops=export.runtime_available(), batch=1, float_io=True
    )
    return {"int8_bytes": len(int8), "keras_bytes": DEFAULT_MODEL.stat().st_size}


def measure(children, sizes) -> tuple[dict[str, Any], list[Row]]:
    """The `make bench` section: on-device latency vs the server round trip, first prediction, bytes."""
    repeats = 1 if sizes.quick else 3
    result = children.run("ondevice", "bench.ondevice", "--repeats", repeats)
    device = statistics.median(result["device_seconds"])
    trip = statistics.median(result["server_seconds"])
    first = statistics.median(result["first_prediction_seconds"])
    ms = lambda value: f"{value * 1000:.0f} ms"  # noqa: E731
    kb = lambda value: f"{value / 1024:,.0f} KB"  # noqa: E731
    n = len(result["device_seconds"])
    rows = [
        ratio_row(
            f"Per photo after the first: on this device (decode, 32×32, network with flip averaging, in headless "
            f"Chromium, median of {n}) vs the server round trip (upload, rerun, prediction, drawing)",
            device,
            trip,
            ms,
            at_most=1.0,
        ),
        Row(
            "First prediction on a fresh page: runtime start-up and model download included (median)",
            ms(first),
            "—",
            "—",
            "—",
            "info",
        ),
        Row(
            "First prediction after opening the page again (its own copy of runtime and model; median)",
            ms(statistics.median(result["reload_prediction_seconds"])),
            "—",
            "—",
            "—",
            "info",
        ),
        Row(
            "Model and runtime bytes downloaded again when the page is opened again (most of any repeat)",
            kb(max(result["reload_downloaded_bytes"])),
            "—",
            "—",
            "—",
            "info",
        ),
        Row(
            "Model bytes the browser downloads (float32; the runtime's .wasm is one file of ~9 MB, kept by the page)",
            kb(result["model_float32_bytes"]),
            "—",
            "—",
            "—",
            "info",
        ),
        Row(
            "int8 model file the browser downloads vs the built-in .keras file",
            kb(result["int8_bytes"]),
            kb(result["keras_bytes"]),
            f"{result['int8_bytes'] / result['keras_bytes']:.2f}×",
            f"≤ {INT8_AT_MOST}×",
            verdict(result["int8_bytes"] / result["keras_bytes"] <= INT8_AT_MOST),
        ),
    ]
    return result, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ondevice", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    result = timings(args.repeats)
    result.update(sizes_int8())
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
