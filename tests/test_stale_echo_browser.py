"""A browser's stale echo of a derived control (ui.widgets.derived_picker), replayed in a real
browser: in Chromium, a fragment's timer tick (the epoch-time estimate, the live view) can carry a
control's previous value back after the server changed what it shows. With Streamlit 1.67 that
fired the control's callback: the Train page's form jumped back to the seed network (seen in CI:
the teacher's lesson came out as CIFAR-10), and a student's lesson choice jumped back.

The page's own websocket goes through Playwright (page.route_web_socket): every message the
browser sends is recorded and forwarded. After the server has changed the control, the messages
the browser sent while the old control was still on the page (the old control at its old value)
are sent to the server again: ticks that arrive late. The server is seen to run them (a figure it
draws from the late message's other widgets comes back) and the control and form must not move;
without the keyed control the echo set the old value again."""

from __future__ import annotations

import re

import pytest
from app_support import en
from browser_support import animations_end, browser_fixture, expander, open_expander, server_fixture, settle
from playwright.sync_api import expect

from classifier.core.config import Config
from classifier.teach import lessons

pytestmark = pytest.mark.browser

# Sets window.scriptRunEnded once a script run that starts after this call has ended. It returns
# at once (a returned Promise would make Playwright's evaluate wait for it, with no timeout).
WATCH_SCRIPT_RUN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  let started = false;
  window.scriptRunEnded = false;
  new MutationObserver((records, observer) => {
    const state = app.getAttribute("data-test-script-state");
    if (state === "running") started = true;
    else if (started && state === "notRunning") { window.scriptRunEnded = true; observer.disconnect(); }
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""


server = server_fixture("echo")
browser = browser_fixture()


class RecordedPage:
    """A page whose messages to Streamlit's server are recorded on their way, and can be sent again."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.sent: list[bytes | str] = []
        self.to_server = None
        self.page.route_web_socket(re.compile(r"/_stcore/stream"), self._route)

    def _route(self, socket) -> None:
        self.to_server = socket.connect_to_server()  # the server's messages reach the page as they are

        def forward(message) -> None:
            self.sent.append(message)
            self.to_server.send(message)

        socket.on_message(forward)

    def sent_since(self, start: int, carrying: str) -> list:
        """The messages sent after the first `start` ones whose widget states name `carrying`."""
        needle = carrying.encode()
        return [m for m in self.sent[start:] if needle in (m if isinstance(m, bytes) else m.encode())]

    def replay(self, messages: list) -> None:
        """Send `messages` to the server again and wait until a script run they cause has ended.
        All of them: a fragment's timer tick may have gone out between the click and its own
        message, and a tick reruns only its fragment."""
        assert messages
        self.page.evaluate(WATCH_SCRIPT_RUN)
        for message in messages:
            self.to_server.send(message)
        self.page.wait_for_function("() => window.scriptRunEnded === true", timeout=60_000)


def chosen(page, name: str):
    return page.get_by_role("radio", name=name, exact=True)


def parameters(page):
    """The Train page's parameter count: drawn by the server from the form's state on each run."""
    return page.get_by_test_id("stMetric").filter(has_text=en("summary.total_params")).get_by_test_id("stMetricValue")


def batch_norm_switch(page):
    """The batch-norm toggle, once a rerun has replaced it (for a moment the old one is drawn too)."""
    switch = page.get_by_role("switch", name=en("train.batch_norm"), exact=True)
    expect(switch).to_have_count(1, timeout=30_000)
    return switch


def set_number(page, label: str, value: int) -> None:
    field = page.get_by_role("spinbutton", name=label, exact=True)
    field.fill(str(value))
    field.press("Enter")
    expect(field).to_have_value(str(value))
    settle(page)


def test_a_stale_echo_of_the_preset_control_leaves_the_train_form_alone(server, browser):
    recorded = RecordedPage(browser)
    page = recorded.page
    page.goto(f"{server}/train")
    settle(page)
    expect(chosen(page, en("preset.seed"))).to_have_attribute("aria-checked", "true")
    open_expander(page, en("train.network"))
    expect(batch_norm_switch(page)).not_to_be_checked()
    seed_network = parameters(page).inner_text()
    before = len(recorded.sent)
    page.get_by_text(en("train.batch_norm"), exact=True).click()  # another network: "Custom"
    expect(chosen(page, en("preset.custom"))).to_have_attribute("aria-checked", "true")
    expect(parameters(page)).not_to_have_text(seed_network)
    settle(page)
    three_blocks = parameters(page).inner_text()
    # The click's message (and any tick with it): batch norm on, three blocks, the old preset control at "seed".
    echo = recorded.sent_since(before, "hp_preset@seed#0")
    set_number(page, en("train.blocks"), 2)
    expect(parameters(page)).not_to_have_text(three_blocks)
    recorded.replay(echo)
    expect(parameters(page)).to_have_text(three_blocks, timeout=30_000)  # the server ran the late message ...
    expect(chosen(page, en("preset.custom"))).to_have_attribute("aria-checked", "true")  # ... but kept the form
    expect(batch_norm_switch(page)).to_be_checked()
    chosen(page, en("preset.seed")).click()  # a real pick still applies the preset
    expect(batch_norm_switch(page)).not_to_be_checked()
    expect(chosen(page, en("preset.seed"))).to_have_attribute("aria-checked", "true")
    page.close()


def test_a_stale_echo_of_a_lesson_choice_leaves_the_students_pick_alone(server, browser):
    lesson = lessons.Lesson.from_config(
        Config(dataset="shapes", limit=60, epochs=1), free=("batch_norm",), choices={"train_fraction": (0.2, 0.5, 1.0)}
    )
    recorded = RecordedPage(browser)
    page = recorded.page
    page.goto(f"{server}/train?lesson={lesson.token()}")
    settle(page)
    expect(chosen(page, "100%")).to_have_attribute("aria-checked", "true")  # the lesson's own value
    # Batch norm, the lesson's free field, is in the Network section: drawn open in a lesson.
    expect(expander(page, en("train.network")).locator("details")).to_have_attribute("open", "")
    animations_end(expander(page, en("train.network")))
    without_batch_norm = parameters(page).inner_text()
    before = len(recorded.sent)
    page.get_by_text(en("train.batch_norm"), exact=True).click()  # a free field
    expect(parameters(page)).not_to_have_text(without_batch_norm)
    settle(page)
    with_batch_norm = parameters(page).inner_text()
    # The click's message (and any tick with it): batch norm on, the choice control as it was, at 100%.
    echo = recorded.sent_since(before, "lesson_choice_train_fraction@2#0")
    page.get_by_text(en("train.batch_norm"), exact=True).click()
    expect(parameters(page)).not_to_have_text(with_batch_norm)
    chosen(page, "20%").click()
    expect(chosen(page, "20%")).to_have_attribute("aria-checked", "true")
    settle(page)
    recorded.replay(echo)  # the old control, still at 100%, arriving after the pick
    expect(parameters(page)).to_have_text(with_batch_norm, timeout=30_000)  # the server ran the late message ...
    expect(chosen(page, "20%")).to_have_attribute("aria-checked", "true")  # ... but kept the student's pick
    page.close()
