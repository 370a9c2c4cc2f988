"""UI helpers shared by app.py and the pages (Streamlit only; the domain lives in classifier/)."""

import streamlit as st
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
