"""Many sessions at once: browser sessions predict and inspect while a training run is going, and
each answers without an error. 10 in the suite; `make bench` runs this test with 20
(LOAD_SESSIONS) and reports how fast they answered (docs/benchmarks.md)."""

from __future__ import annotations

import json
import os

import pytest
from browser_support import ARTIFACTS, Server, launch_chromium, start_shapes_training
from load_sessions import run_sessions
from polling import wait_for

from classifier.core.runs import RunStore

pytestmark = pytest.mark.browser

SESSIONS = int(os.environ.get("LOAD_SESSIONS", "10"))
MEMORY_LIMIT_MB = 4000  # the server, with a training run and these sessions, stays well below this


def test_many_sessions_while_training(tmp_path):
    from playwright.sync_api import sync_playwright

    server = Server(tmp_path).start()
    store = RunStore(tmp_path / "runs")
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.set_default_timeout(60_000)
            start_shapes_training(page, server.url, epochs=40)  # keeps training throughout the load
            page.get_by_text("Images / s").first.wait_for()
            browser.close()
        wait_for(lambda: store.list()[0].status == "running", 60)  # its worker has started it
        before_mb = server.rss_mb()
        result = run_sessions(server.url, SESSIONS)
        after_mb = server.rss_mb()
        training = store.list()[0]
    finally:
        server.stop()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = {"sessions": SESSIONS, "answered": result.answered, "p50_s": result.p50, "p95_s": result.p95,
              "server_rss_mb_before": before_mb, "server_rss_mb_after": after_mb, "errors": result.errors}  # fmt: skip
    (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=2))
    assert result.errors == [] and result.answered == SESSIONS, report
    assert after_mb < MEMORY_LIMIT_MB, report
    assert training.status in ("running", "finished"), training.reason  # the run was not disturbed
