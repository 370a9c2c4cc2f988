"""UI helpers shared by app.py and the pages (Streamlit only; the domain lives in classifier/)."""

import os
from urllib.parse import parse_qs

import streamlit as st
from starlette.responses import FileResponse, Response
from streamlit import file_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

# Streamlit treats a folder called pages/ beside app.py as a legacy multipage app until
# st.navigation has run once in the process. So the first visit to a fresh server straight at
# /train would run pages/train.py alone: no app.py, no navigation, no language switch. app.py
# always navigates, so leave the legacy mode as soon as our code is imported, and let each page
# ask for a proper rerun when it finds itself started without app.py.
PagesManager.uses_pages_directory = False
_ENTERED = "entered_through_app"


def _keep_keras_state() -> None:
    """Streamlit's `_clean_problem_modules`, minus `keras.backend.clear_session()`.

    After every script run, fragments included, Streamlit clears Keras's global state, TensorFlow's
    kernel cache and runs a full gc.collect(): for a single-user notebook-like script that frees
    memory, but here many sessions share cached models, and it ran in the middle of other sessions'
    inference. With 30 students opening pages, py-spy found a third of the server's samples in
    clear_session (bench.cluster load). This app never draws with matplotlib, the other module that
    function cleans. tests/test_streamlit_internals.py fails if an upgrade moves the hook."""


script_runner._clean_problem_modules = _keep_keras_state

# Streamlit's index.html says <html lang="en"> for every page (upstream issue 15726, no option in
# 1.67): a Chinese page told screen readers and the browser's translator it was English. The one
# page Streamlit serves for every address (its static handler answers "/" and, as a fallback, every
# page's path with this file through Starlette's FileResponse) is sent with the language of the
# address's ?lang= instead, so the first paint is right. The patch exists from the server's first
# script run on (this module is imported then): the very first page of a fresh server still says
# "en" until ui.i18n.language_switch sets it in the browser, as it does after every switch.
# tests/test_streamlit_internals.py fails if an upgrade changes the file or how it is served.
STATIC_INDEX = os.path.join(file_util.get_static_dir(), "index.html")
STREAMLIT_HTML_TAG = b'<html lang="en">'
# Starlette's own method, kept once: a reload of this module must not wrap the wrapper.
_send_file = getattr(FileResponse, "unpatched_call", FileResponse.__call__)
FileResponse.unpatched_call = _send_file


def index_in_language(query_string: bytes) -> bytes:
    """Streamlit's index.html with <html lang> set from the address's ?lang= (zh-CN or en)."""
    from ui.i18n import html_lang  # late: ui.i18n imports this package

    asked = parse_qs(query_string.decode("latin-1")).get("lang", [""])[-1]
    with open(STATIC_INDEX, "rb") as index:
        page = index.read()
    return page.replace(STREAMLIT_HTML_TAG, f'<html lang="{html_lang(asked)}">'.encode(), 1)


async def _send_index_in_language(self: FileResponse, scope, receive, send) -> None:
    if scope.get("type") != "http" or os.fspath(self.path) != STATIC_INDEX:
        return await _send_file(self, scope, receive, send)
    kept = {k: v for k, v in self.headers.items() if k in ("cache-control", "x-content-type-options")}
    page = Response(index_in_language(scope.get("query_string", b"")), self.status_code, kept, "text/html")
    await page(scope, receive, send)


FileResponse.__call__ = _send_index_in_language


# Accessibility styles for every page (docs/accessibility.md). A style-only st.html goes to
# Streamlit's event container and takes no room on the page.
# 1. Keyboard focus always visible (WCAG 2.4.7), and the same everywhere: some of Streamlit's
#    controls show focus only as a faint tint.
# 2. A locked (disabled) control's label stays grey but readable: Streamlit draws it #999 (2.8:1).
# 3. A formula too wide for its column wraps at its top-level operators instead of scrolling: a
#    scrolling formula was a region the keyboard could not reach (axe: scrollable-region-focusable).
PAGE_STYLE = """<style>
:focus-visible { outline: 3px solid #1e40af !important; outline-offset: 2px !important; }
[data-baseweb="select"]:focus-within > div, [data-baseweb="input"]:focus-within,
[data-baseweb="textarea"]:focus-within { outline: 3px solid #1e40af; outline-offset: 1px; }
.stElementContainer:has(input:disabled, button:disabled, textarea:disabled) [data-testid="stWidgetLabel"] p {
    color: #616161;
}
.katex-display { overflow: visible !important; }
.katex-display > .katex { white-space: normal; }
</style>"""


def enter_app() -> None:
    """app.py calls this first: the pages then know they run inside the app."""
    st.session_state[_ENTERED] = True


def leave_app() -> None:
    st.session_state.pop(_ENTERED, None)


def require_app() -> None:
    """Every page calls this first; a page started without app.py reruns the whole app."""
    if not st.session_state.get(_ENTERED) and not st.session_state.get("reran_for_app"):
        st.session_state.reran_for_app = True  # once: never loop if started some other way
        st.rerun()
