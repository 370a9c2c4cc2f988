"""In Chromium: pages showing text that a URL, a teacher's link or a classmate controls make no
request to any host but the app's, and turn none of that text into a link or an image."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from app_support import zh
from browser_support import Server, launch_chromium, settle, shoot
from conftest import ROOT
from playwright.sync_api import expect

from classifier.core.config import Config
from classifier.core.runs import RunStore
from classifier.teach import lessons

pytestmark = pytest.mark.browser


EVIL = "evil.example"
MAX_UPLOAD_MB = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
LESSON = lessons.Lesson(
    title=f"![x](http://{EVIL}/t.png) Look",
    task=f"[click here](http://{EVIL}/x)\n<img src=http://{EVIL}/i.png> ![p](data:image/png;base64,iVBORw0KGgo=)",
    free=("learning_rate",),
    class_code="K7QM2X",
)


def test_hostile_text_stays_text_and_no_request_leaves_for_another_host(tmp_path):
    store = RunStore(tmp_path / "runs")
    info = store.create(Config(dataset="shapes", epochs=1), owner="s" * 22, lesson=LESSON.tag("Ana"))
    server = Server(tmp_path).start()
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.on("request", lambda request: requested.append(request.url))
            page.on("websocket", lambda socket: requested.append(socket.url))
            visits = [
                f"/train?lesson={LESSON.token()}",
                f"/train?run=[x](http://{EVIL}/r)",
                "/class?class=K7QM2X",
                f"/inside?run={info.run_id}&class=K7QM2X",
                f"/class?class=![i](http://{EVIL}/c.png)",
            ]
            for visit in visits:
                page.goto(server.url + visit)
                settle(page)
                expect(page.locator(f"a[href*='{EVIL}'], img[src*='{EVIL}'], img[src^='data:']")).to_have_count(0)
            page.goto(server.url + "/class?class=K7QM2X")
            settle(page)
            # client.toolbarMode = "minimal": no developer menu (rerun, settings, deploy) for students
            expect(page.get_by_test_id("stMainMenu")).to_have_count(0)
            expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
            expect(page.get_by_test_id("stHeading").first).to_be_visible()
            heading = page.get_by_test_id("stHeading").all_inner_texts()
            assert LESSON.title in [text.replace("\u2060", "") for text in heading]  # read as the teacher typed it
            shoot(page, "safety-class-hostile-title")

            # A file over server.maxUploadSize is refused before it is sent, said in the reader's language.
            too_big = tmp_path / "big.jpg"
            with open(too_big, "wb") as handle:
                handle.truncate((MAX_UPLOAD_MB + 1) * 2**20)  # sparse: nothing is written
            page.goto(server.url + "/predict?lang=zh&where=server")
            settle(page)
            zone = page.get_by_test_id("stFileUploaderDropzone").first
            expect(zone).to_be_visible(timeout=60_000)  # drawn once the built-in model is loaded
            with page.expect_file_chooser() as chooser:
                zone.click()
            chooser.value.set_files(too_big)
            refused = page.locator("[data-testid='stFileChip'][aria-invalid='true']")
            expect(refused).to_have_count(1)
            drawn = refused.evaluate("chip => getComputedStyle(chip, '::after').content")
            assert drawn == f'"{zh("widget.upload_refused", size=MAX_UPLOAD_MB)}"', drawn  # Streamlit's: an icon
            shoot(page, "safety-upload-too-large-zh")
            browser.close()
    finally:
        server.stop()
    hosts = {urlsplit(url).netloc for url in requested}
    assert hosts == {f"127.0.0.1:{server.port}"}, hosts


def answer(url: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict[str, str]]:
    """The status and headers (lower-case names) the server gives a request."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_the_running_server_applies_the_class_settings(tmp_path):
    """.streamlit/config.toml as `streamlit run` applies it (the tests start the server from the
    project's folder, as `make run` does): another site's page gets no CORS permission, an upload
    without the session's XSRF token is refused, and the error setting is the one reviewed."""
    server = Server(tmp_path).start()
    try:
        other_site = {"Origin": f"http://{EVIL}"}
        status, headers = answer(server.url + "/_stcore/health", headers=other_site)
        assert status == 200 and "access-control-allow-origin" not in headers, headers  # enableCORS = true
        assert "_streamlit_xsrf" in headers.get("set-cookie", ""), headers  # enableXsrfProtection = true
        status, _ = answer(server.url + "/_stcore/upload_file/session/file", "PUT", other_site)
        assert status == 403  # an upload sent from elsewhere, without the token: refused
    finally:
        server.stop()
    # Tracebacks: the setting travels to the browser inside the session, so it is read as Streamlit
    # reads it in the server's folder (a page never raises on purpose to show it).
    read = "import streamlit; print(streamlit.get_option('client.showErrorDetails'))"
    shown = subprocess.run([sys.executable, "-c", read], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert shown.stdout.strip() == "none", shown.stderr[-2000:]
