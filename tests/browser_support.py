"""A real `streamlit run` server and Debian's Chromium, for the end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import CHROMIUM, ROOT

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = ROOT / "tests" / "artifacts"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`streamlit run app.py` in its own process group, with its runs and uploads in `data_dir`."""

    def __init__(self, data_dir: Path, port: int | None = None, extra_env: dict[str, str] | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "CLASSIFIER_RUNS_DIR": str(data_dir / "runs"),
            "CLASSIFIER_UPLOADS_DIR": str(data_dir / "uploads"),
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Server:
        command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
                   "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
                   "--server.fileWatcherType", "none"]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not answer its health check within {timeout} s")

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no clean-up code runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def server_fixture(folder: str, extra_env: dict[str, str] | None = None):
    """A test module's `server` fixture: one `streamlit run` for the module's tests, with its runs
    and uploads in a fresh folder named after `folder`; the tests get its URL.

        server = server_fixture("browser")
    """

    @pytest.fixture(scope="module")
    def server(tmp_path_factory):
        running = Server(tmp_path_factory.mktemp(folder), extra_env=extra_env).start()
        yield running.url
        running.stop()

    return server


def browser_fixture():
    """A test module's `browser` fixture: Debian's Chromium, one for the module's tests.

    browser = browser_fixture()
    """

    @pytest.fixture(scope="module")
    def browser():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()

    return browser


def settle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished the script run the last action started."""
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)


def expander(page, title: str):
    return page.get_by_test_id("stExpander").filter(has=page.get_by_text(title, exact=True))


def open_expander(page, title: str) -> None:
    """Open an expander (unless the page drew it open) and wait for its opening animation to end: a
    select box inside it closes its list when the animation ends (Streamlit 1.67), dropping what was
    typed or clicked meanwhile."""
    from playwright.sync_api import expect

    section = expander(page, title)
    if section.locator("details").get_attribute("open") is None:
        section.get_by_text(title, exact=True).click()
    expect(section.locator("details")).to_have_attribute("open", "")
    animations_end(section)


# The finite animations under an element (a spinner's never ends), each ended or cancelled (a rerun
# may cancel one), and never longer than 10 s: Playwright's evaluate has no timeout of its own.
ANIMATIONS_END = """el => Promise.race([
  new Promise((done) => setTimeout(done, 10000)),
  Promise.allSettled(el.getAnimations({subtree: true})
    .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map((a) => a.finished)),
])"""


def animations_end(locator) -> None:
    """Wait until the element's opening (or any other finite) animation has ended."""
    locator.evaluate(ANIMATIONS_END)


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def upload(page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").first.click()
    chooser.value.set_files(str(path))


def start_shapes_training(page, url: str, epochs: int, limit: int | None = None) -> None:
    """On the Train page: the built-in shapes set, `limit` images per split, `epochs` epochs, Start."""
    page.goto(f"{url}/train")
    settle(page)
    page.get_by_text("Shapes (built in)").click()
    settle(page)
    if limit is not None:
        field = page.get_by_role("spinbutton", name="Images per split (0 = all)")
        field.fill(str(limit))
        field.press("Enter")
        settle(page)
    open_expander(page, "Training")
    field = page.get_by_role("spinbutton", name="Epochs", exact=True)
    field.fill(str(epochs))
    field.press("Enter")
    settle(page)
    page.get_by_role("button", name="Start training").click()
