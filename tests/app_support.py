"""Helpers for driving the pages through Streamlit's AppTest, shared by the page tests:
app.py runs with st.navigation, then switch_page to the page under test."""

from __future__ import annotations

import html
import re

from conftest import ROOT
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from ui.i18n import TEXT, text_in

APP = str(ROOT / "app.py")


def app_at(
    page: str | None = None,
    lang: str | None = None,
    owner: str | None = None,
    session: dict | None = None,
    query: dict | None = None,
) -> AppTest:
    """The app on `page`, in `lang`; `owner`: the browser identity (as its cookie would give it);
    `session`: more values in session state before the first run; `query`: more of the URL's query."""
    at = AppTest.from_file(APP, default_timeout=120)
    if lang:
        at.query_params["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if owner:
        at.session_state["owner"] = owner
    # The Predict page's server prediction: AppTest has no browser to run the on-device predictor.
    for key, value in {"predict_where": "server", **(session or {})}.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def en(key: str, **values) -> str:
    """A key's English: the template, or with `values` the text (a counted text in the form its count takes)."""
    return text_in("en", key, **values) if values else TEXT[key]["en"]


def zh(key: str, **values) -> str:
    return text_in("zh", key, **values) if values else TEXT[key]["zh"]


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def picker(at: AppTest, key: str):
    """A control drawn by ui.widgets.derived_picker: its key is `key`, "@", the value it shows, "#" and a count."""
    found = [control for control in at.segmented_control if control.key and control.key.startswith(f"{key}@")]
    assert len(found) == 1, [control.key for control in at.segmented_control]
    return found[0]


_COMMONMARK = MarkdownIt("commonmark")


def shown_text(markdown: str) -> str:
    """What a reader sees of a Markdown source the page sent: rendered as CommonMark (the grammar
    of Streamlit's renderer), tags dropped, entities decoded. User text is escaped when sent
    (ui.text.plain), so tests compare what is read, never the escaped source."""
    rendered = _COMMONMARK.render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("\u2060", "").strip()  # word joiners are unseen
