"""The three Streamlit internals this app patches (all in ui/__init__.py), checked so that an
upgrade that changes them fails here, loudly, instead of silently.

1. Streamlit treats a folder called pages/ beside app.py as a legacy multipage app until
st.navigation has run once in the process (streamlit/streamlit#10276 and #9992 discuss it; there
is no option to turn it off in 1.67): first visitors of /train would get a page without the app.
ui/__init__.py sets the class flag that decides it.

2. After every script run Streamlit calls keras.backend.clear_session() (no option either): with
a class of sessions sharing cached models that was a third of the server's time, and it cleared
Keras's state under other sessions' inference. ui/__init__.py replaces the hook that does it.

3. Streamlit serves one index.html saying <html lang="en"> for every page (streamlit/streamlit#15726):
ui/__init__.py sends it with the language of the address's ?lang= (zh-CN on a Chinese page)."""

import inspect
from pathlib import Path

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


def test_the_cleanup_hook_is_still_called_after_each_script_run():
    source = inspect.getsource(script_runner.ScriptRunner._run_script)
    assert "_log_if_error(_clean_problem_modules)" in source  # looked up by name when a run ends
    assert "clear_session" in inspect.getsource(script_runner)  # what the hook still does unpatched


def test_a_script_run_of_the_app_leaves_keras_state_alone(monkeypatch):
    import keras
    from streamlit.testing.v1 import AppTest

    cleared = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *args, **kwargs: cleared.append(args))
    script = AppTest.from_string("import keras\nimport ui\nimport streamlit as st\nst.write(keras.__version__)")
    script.run(timeout=60)
    script.run(timeout=60)
    assert not script.exception and script.markdown[0].value == keras.__version__
    assert cleared == []  # Streamlit's hook would have called it after each of the two runs


def test_streamlit_still_serves_one_index_html_saying_english_through_file_response():
    from streamlit.web.server.starlette import starlette_static_routes

    import ui

    page = Path(ui.STATIC_INDEX).read_bytes()
    assert page.count(ui.STREAMLIT_HTML_TAG) == 1 and page.count(b"<html") == 1
    source = inspect.getsource(starlette_static_routes.create_streamlit_static_handler)
    assert "html=True" in source  # "/" answered with index.html by StaticFiles (a FileResponse) ...
    assert "FileResponse(self._index_path)" in source  # ... and every page's path by this fallback


def test_every_page_address_is_served_in_the_language_of_its_lang_parameter():
    from starlette.testclient import TestClient
    from streamlit import file_util
    from streamlit.web.server.starlette.starlette_static_routes import create_streamlit_static_handler

    import ui  # the import installs the patch

    client = TestClient(create_streamlit_static_handler(file_util.get_static_dir(), None))
    for address, lang in (("/", "en"), ("/?lang=zh", "zh-CN"), ("/train?lang=zh&run=1", "zh-CN"),
                          ("/class?lang=en", "en"), ("/inside?lang=xx", "en")):  # fmt: skip
        answer = client.get(address)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in answer.text and answer.text.count("<html") == 1, address
        assert answer.headers["cache-control"] == "no-cache"  # still never cached across languages
        assert int(answer.headers["content-length"]) == len(answer.content)
    other = client.get("/manifest.json")  # any other static file goes out as it is
    assert other.status_code == 200 and other.content == (Path(ui.STATIC_INDEX).parent / "manifest.json").read_bytes()
