"""App start: `streamlit run app.py` against a one-line Streamlit app, both seen in headless Chromium.

    python -m bench.app_start --repeats 3

Each start is timed from launching the server to (a) /_stcore/health answering "ok" and (b) the
first page drawn in a fresh browser context: its title in the page and the script run finished. After
one untimed start of each, the two apps alternate, with the same flags, working folder and
.streamlit/config.toml; the result (medians and every start) is one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.baselines import write_hello_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# Checked on every animation frame: Playwright's own locator waits back off to 500 ms polls, which
# rounded each start up to the next half second and made the medians jump between two values.
DRAWN = """title => {
    const app = document.querySelector("[data-testid='stApp']");
    return app !== null && app.getAttribute("data-test-script-state") === "notRunning"
        && [...document.querySelectorAll("h1, p")].some(element => element.textContent.trim() === title);
}"""
TIMEOUT = 120  # seconds for one start, a generous bound on a loaded machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(script: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
            "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]  # fmt: skip


def wait_for_health(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {server.returncode} before answering")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.02)
    raise RuntimeError(f"streamlit did not answer its health check within {TIMEOUT} s")


def stop(server: subprocess.Popen) -> None:
    """End the server's process group (streamlit and anything it started)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)


def time_start(script: Path, title: str, browser, env: dict[str, str]) -> dict[str, float]:
    """Seconds from launch to a healthy server and to the first page drawn in Chromium."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    launched = time.perf_counter()
    server = subprocess.Popen(
        streamlit_command(script, port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_health(url, server)
        healthy = time.perf_counter() - launched
        context = browser.new_context()  # no cache or cookies from an earlier start
        try:
            page = context.new_page()
            page.goto(url, timeout=TIMEOUT * 1000)
            page.wait_for_function(DRAWN, arg=title, polling="raf", timeout=TIMEOUT * 1000)
            rendered = time.perf_counter() - launched
        finally:
            context.close()
    finally:
        stop(server)
    return {"health_seconds": healthy, "render_seconds": rendered}


def measure(repeats: int) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    starts: dict[str, list[dict[str, float]]] = {"app": [], "hello": []}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        env = {
            **os.environ,
            "CLASSIFIER_RUNS_DIR": str(Path(folder) / "runs"),
            "CLASSIFIER_UPLOADS_DIR": str(Path(folder) / "uploads"),
        }
        apps = {"app": (ROOT / "app.py", "CNN Classroom"), "hello": (write_hello_app(Path(folder)), "hello")}
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for script, title in apps.values():  # untimed: neither side gains from the other's warm file cache
                time_start(script, title, browser, env)
            for _ in range(repeats):
                for name, (script, title) in apps.items():
                    starts[name].append(time_start(script, title, browser, env))
        finally:
            browser.close()
    return {name: summarize(runs) for name, runs in starts.items()}


def summarize(starts: list[dict[str, float]]) -> dict:
    return {
        "health_seconds": statistics.median(s["health_seconds"] for s in starts),
        "render_seconds": statistics.median(s["render_seconds"] for s in starts),
        "starts": starts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.app_start", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.repeats)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
