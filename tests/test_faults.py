"""Faults, for real: a server killed with SIGKILL in the middle of an epoch, and a disk that
refuses a checkpoint. Nothing a student did may be lost."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import Server, launch_chromium, settle, shoot, start_shapes_training, upload
from conftest import PHOTOS
from polling import wait_for

from classifier.core.predict import load_model, predict_image
from classifier.core.runs import RunStore


@pytest.mark.browser
def test_server_killed_mid_epoch_keeps_the_run_and_resumes_it(tmp_path):
    from playwright.sync_api import sync_playwright

    server = Server(tmp_path).start()
    store = RunStore(tmp_path / "runs")
    epochs = 5
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(viewport={"width": 1280, "height": 900})  # keeps the owner cookie
            page = context.new_page()
            page.set_default_timeout(60_000)
            start_shapes_training(page, server.url, epochs=epochs)  # 6,000 images: seconds per epoch

            # Kill the whole server once an epoch is on disk, while the next one is under way.
            run_id = wait_for(lambda: next((i.run_id for i in store.list() if i.epochs_completed >= 1), None), 120)
            assert store.load(run_id).epochs_completed < epochs
            server.kill()

            # The run's worker process ends with the server (its input closes): interrupted.
            info = wait_for(lambda: (i := store.load(run_id)).status == "interrupted" and i, 30)
            assert "resumed" in str(info.reason)
            done = info.epochs_completed
            assert [record["epoch"] for record in store.history(run_id)] == list(range(1, done + 1))
            checkpoint = load_model(store.model_path(run_id), classes=info.classes)
            assert len(predict_image(checkpoint, PHOTOS / "dog.jpg").top) == 3  # usable as it is

            server.start()  # same port, same runs folder: a restarted server
            page.goto(f"{server.url}/runs")
            settle(page)
            page.get_by_role("heading", name=re.compile("interrupted")).wait_for()
            page.get_by_text("the checkpoint after epoch").wait_for()
            shoot(page, "faults-01-interrupted")

            # The interrupted run's checkpoint predicts on the Predict page.
            page.goto(f"{server.url}/predict?where=server")
            settle(page)
            page.get_by_test_id("stSelectbox").first.click()
            page.get_by_role("option").filter(has_text="interrupted").first.click()
            settle(page)
            upload(page, PHOTOS / "horses.jpg")
            page.get_by_text("horses.jpg:").first.wait_for()

            # Resume from the Runs page: it trains on to the planned number of epochs.
            page.goto(f"{server.url}/runs")
            settle(page)
            page.get_by_role("button", name="Resume").click()
            page.get_by_text("Training finished.").wait_for(timeout=180_000)
            shoot(page, "faults-02-resumed")
            context.close()
            browser.close()
    finally:
        server.stop()
    final = store.load(run_id)
    assert final.status == "finished" and final.epochs_completed == epochs
    assert [record["epoch"] for record in store.history(run_id)] == list(range(1, epochs + 1))
    assert final.test_accuracy is not None


def test_a_disk_that_refuses_checkpoints_gives_a_clear_message(tmp_path):
    """A real write failure from the OS (a file-size limit makes the checkpoint write fail with
    EFBIG, as a full disk fails with ENOSPC): the run goes on, says why, and writes nothing broken."""
    runs = tmp_path / "runs"
    code = f"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))  # status files fit, a model does not
from classifier.cli import main
sys.exit(main(["train", "--dataset", "shapes", "--limit", "120", "--epochs", "2", "--runs-dir", {str(runs)!r},
               "--quiet"]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["status"] == "finished"
    assert any("could not save epoch 1" in w and "File too large" in w for w in summary["warnings"])
    run_dir = Path(summary["run_dir"])
    assert not (run_dir / "model.keras").exists() and not list(run_dir.glob("*.partial*"))
    assert json.loads((run_dir / "status.json").read_text())["status"] == "finished"
