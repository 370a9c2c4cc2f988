"""UI helpers shared by app.py and the pages (Streamlit only; the domain lives in classifier/)."""

import streamlit as st

import patches

_ENTERED = "entered_through_app"


def install_patches() -> None:
    """Streamlit's patches (patches.install_streamlit: legacy pages mode off, Keras state kept,
    <html lang> from ?lang=). app.py calls this first, and so does every page through
    require_app(): the first visit of a fresh server straight at a page's address runs that page
    alone (legacy pages mode), and its rerun must then run app.py."""
    from ui.i18n import html_lang  # late: ui.i18n imports this package

    patches.install_streamlit(html_lang)


# Styles for every page (docs/accessibility.md). A style-only st.html goes to
# Streamlit's event container and takes no room on the page.
# 1. Keyboard focus always visible (WCAG 2.4.7), and the same everywhere: some of Streamlit's
#    controls show focus only as a faint tint.
# 2. A locked (disabled) control's label stays grey but readable: Streamlit draws it #999 (2.8:1).
# 3. A formula too wide for its column wraps at its top-level operators instead of scrolling: a
#    scrolling formula was a region the keyboard could not reach (axe: scrollable-region-focusable).
# 4. A metric's value too wide for its column wraps instead of ending in "…": the live panel's
#    time left ("1 小时 5 分", "33 min 17 s") was cut off at 1366×900.
PAGE_STYLE = """<style>
:focus-visible { outline: 3px solid #1e40af !important; outline-offset: 2px !important; }
[data-baseweb="select"]:focus-within > div, [data-baseweb="input"]:focus-within,
[data-baseweb="textarea"]:focus-within { outline: 3px solid #1e40af; outline-offset: 1px; }
.stElementContainer:has(input:disabled, button:disabled, textarea:disabled) [data-testid="stWidgetLabel"] p {
    color: #616161;
}
.katex-display { overflow: visible !important; }
.katex-display > .katex { white-space: normal; }
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricValue"] p { white-space: normal; }
</style>"""


def enter_app() -> None:
    """app.py calls this first: the pages then know they run inside the app."""
    st.session_state[_ENTERED] = True


def leave_app() -> None:
    st.session_state.pop(_ENTERED, None)


def require_app() -> None:
    """Every page calls this first; a page started without app.py reruns the whole app."""
    install_patches()
    if not st.session_state.get(_ENTERED) and not st.session_state.get("reran_for_app"):
        st.session_state.reran_for_app = True  # once: never loop if started some other way
        st.rerun()
