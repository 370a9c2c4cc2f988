"""The one Streamlit internal this app patches, checked so that an upgrade that changes it fails
here, loudly, instead of silently sending first visitors of /train to a page without the app.

Streamlit treats a folder called pages/ beside app.py as a legacy multipage app until
st.navigation has run once in the process (streamlit/streamlit#10276 and #9992 discuss it; there
is no option to turn it off in 1.67). ui/__init__.py sets the class flag that decides it."""

import inspect

from streamlit.runtime import pages_manager
from streamlit.runtime.scriptrunner import script_runner


def test_the_legacy_pages_flag_is_still_where_the_patch_sets_it():
    assert "uses_pages_directory" in vars(pages_manager.PagesManager)
    assert "uses_pages_directory = Path(" in inspect.getsource(pages_manager.PagesManager.__init__)
    assert "if PagesManager.uses_pages_directory:" in inspect.getsource(script_runner)  # it picks legacy mode


def test_importing_the_ui_leaves_the_legacy_mode_for_good():
    import ui  # noqa: F401 - the import is what sets the flag

    pages_manager.PagesManager.uses_pages_directory = None  # as in a fresh server process
    import importlib

    importlib.reload(ui)
    assert pages_manager.PagesManager.uses_pages_directory is False
    manager = pages_manager.PagesManager("app.py")  # a new session of the server
    assert manager is not None and pages_manager.PagesManager.uses_pages_directory is False
