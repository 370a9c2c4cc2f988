"""UI helpers shared by app.py and the pages (Streamlit only; the domain lives in classifier/)."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

# Streamlit treats a folder called pages/ beside app.py as a legacy multipage app until
# st.navigation has run once in the process. So the first visit to a fresh server straight at
# /train would run pages/train.py alone: no app.py, no navigation, no language switch. app.py
# always navigates, so leave the legacy mode as soon as our code is imported, and let each page
# ask for a proper rerun when it finds itself started without app.py.
PagesManager.uses_pages_directory = False
_ENTERED = "entered_through_app"


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
