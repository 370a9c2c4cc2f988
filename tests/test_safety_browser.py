"""In Chromium: pages showing text that a URL, a teacher's link or a classmate controls make no
request to any host but the app's, and turn none of that text into a link or an image."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_support import Server, launch_chromium, settle, shoot
from playwright.sync_api import expect

from classifier.core.config import Config
from classifier.core.runs import RunStore
from classifier.teach import lessons

pytestmark = pytest.mark.browser


EVIL = "evil.example"
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
            expect(page.get_by_test_id("stHeading").first).to_be_visible()
            heading = page.get_by_test_id("stHeading").all_inner_texts()
            assert LESSON.title in [text.replace("\u2060", "") for text in heading]  # read as the teacher typed it
            shoot(page, "safety-class-hostile-title")
            browser.close()
    finally:
        server.stop()
    hosts = {urlsplit(url).netloc for url in requested}
    assert hosts == {f"127.0.0.1:{server.port}"}, hosts
