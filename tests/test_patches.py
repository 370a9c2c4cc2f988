"""Every third-party patch and private read in patches.py: the internal it relies on is still where
and what it was when written (an upgrade that moves it fails here, and the guard in patches.py
raises PatchTargetMoved at start-up instead of silently doing nothing); the patch does what its
reason says; and nothing installs a patch as a side effect of importing the package or building a
model. The fused batch norm's numbers are tested in tests/test_model.py."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.runtime import pages_manager
from streamlit.runtime.scriptrunner import script_runner

import patches

# --- no side effects ---------------------------------------------------------------------------------

UNTOUCHED = """
import importlib, json, pkgutil, sys
import classifier, ui
for package in (classifier, ui):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith("__main__"):  # the CLI's entry runs the CLI
            importlib.import_module(module.name)
from classifier.core.config import Config
from classifier.core.model import build_model
model = build_model(Config(batch_norm=True, epochs=1))
import keras
from starlette.responses import FileResponse
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
print(json.dumps({
    "modules": len([name for name in sys.modules if name.startswith(("classifier.", "ui."))]),
    "batch_norm_layers": sum(type(layer).__name__ == "BatchNormalization" for layer in model.layers),
    "keras_call": keras.layers.BatchNormalization.call.__module__,
    "keras_installed": __import__("patches").keras_installed(),
    "streamlit_installed": __import__("patches").streamlit_installed(),
    "clean_hook": script_runner._clean_problem_modules.__module__,
    "file_response": FileResponse.__call__.__module__,
    "pages_flag": PagesManager.uses_pages_directory,
}))
"""


@pytest.mark.slow
def test_importing_every_module_and_building_a_model_installs_no_patch():
    """A fresh interpreter (this one has conftest's installs): every module of classifier/ and ui/
    imported, a batch-norm network built, and still every library as it ships."""
    done = subprocess.run(
        [sys.executable, "-c", UNTOUCHED], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["modules"] > 40 and seen["batch_norm_layers"] == 3
    assert seen["keras_call"].startswith("keras.") and not seen["keras_installed"]
    assert not seen["streamlit_installed"]
    assert seen["clean_hook"] == "streamlit.runtime.scriptrunner.script_runner"
    assert seen["file_response"] == "starlette.responses"
    assert seen["pages_flag"] is None  # never decided by our code: Streamlit decides it per server


# --- Streamlit -----------------------------------------------------------------------------------------


def test_streamlit_internals_are_where_the_patches_expect_them():
    patches.check_streamlit()
    assert "uses_pages_directory = Path(" in inspect.getsource(pages_manager.PagesManager.__init__)
    assert "if PagesManager.uses_pages_directory:" in inspect.getsource(script_runner)  # it picks legacy mode
    source = inspect.getsource(script_runner.ScriptRunner._run_script)
    assert "_log_if_error(_clean_problem_modules)" in source  # looked up by name when a run ends
    assert "clear_session" in inspect.getsource(script_runner)  # what the hook still does unpatched
    from streamlit.web.server.starlette import starlette_static_routes

    source = inspect.getsource(starlette_static_routes.create_streamlit_static_handler)
    assert "html=True" in source  # "/" answered with index.html by StaticFiles (a FileResponse) ...
    assert "FileResponse(self._index_path)" in source  # ... and every page's path by this fallback


def test_a_moved_streamlit_internal_is_reported_not_skipped(monkeypatch):
    monkeypatch.delattr(script_runner, "_clean_problem_modules")
    with pytest.raises(patches.PatchTargetMoved, match="_clean_problem_modules"):
        patches.check_streamlit()
    monkeypatch.undo()
    monkeypatch.delattr(pages_manager.PagesManager, "uses_pages_directory")
    with pytest.raises(patches.PatchTargetMoved, match="uses_pages_directory"):
        patches.check_streamlit()


def test_installing_leaves_the_legacy_pages_mode_and_is_idempotent():
    from starlette.responses import FileResponse

    import ui

    pages_manager.PagesManager.uses_pages_directory = None  # as in a fresh server process
    ui.install_patches()
    ui.install_patches()  # every script run installs again: nothing wraps twice
    assert pages_manager.PagesManager.uses_pages_directory is False
    assert pages_manager.PagesManager("app.py") is not None  # a new session of the server ...
    assert pages_manager.PagesManager.uses_pages_directory is False  # ... keeps it
    assert patches.streamlit_installed()
    assert FileResponse.unpatched_call.__module__ == "starlette.responses"  # Starlette's own, not ours


def test_a_script_run_of_the_app_leaves_keras_state_alone(monkeypatch):
    import keras
    from streamlit.testing.v1 import AppTest

    cleared = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *args, **kwargs: cleared.append(args))
    script = AppTest.from_string(
        "import keras\nimport ui\nimport streamlit as st\nui.install_patches()\nst.write(keras.__version__)"
    )
    script.run(timeout=60)
    script.run(timeout=60)
    assert not script.exception and script.markdown[0].value == keras.__version__
    assert cleared == []  # Streamlit's hook would have called it after each of the two runs
    script_runner._clean_problem_modules = patches.keep_keras_state  # (AppTest runs in this process)


def test_streamlit_still_serves_one_index_html_saying_english_through_file_response():
    page = Path(patches.streamlit_index_path()).read_bytes()
    assert page.count(patches.STREAMLIT_HTML_TAG) == 1 and page.count(b"<html") == 1


def test_every_page_address_is_served_in_the_language_of_its_lang_parameter():
    from starlette.testclient import TestClient
    from streamlit import file_util
    from streamlit.web.server.starlette.starlette_static_routes import create_streamlit_static_handler

    import ui

    ui.install_patches()
    client = TestClient(create_streamlit_static_handler(file_util.get_static_dir(), None))
    for address, lang in (("/", "en"), ("/?lang=zh", "zh-CN"), ("/train?lang=zh&run=1", "zh-CN"),
                          ("/class?lang=en", "en"), ("/inside?lang=xx", "en")):  # fmt: skip
        answer = client.get(address)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in answer.text and answer.text.count("<html") == 1, address
        assert answer.headers["cache-control"] == "no-cache"  # still never cached across languages
        assert int(answer.headers["content-length"]) == len(answer.content)
    other = client.get("/manifest.json")  # any other static file goes out as it is
    manifest = Path(patches.streamlit_index_path()).parent / "manifest.json"
    assert other.status_code == 200 and other.content == manifest.read_bytes()


LEGACY_APP = """
import os, sys
sys.path.insert(0, {root!r})
import streamlit as st
import patches
if os.environ.get("WITH_PATCH"):
    patches.install_streamlit(lambda asked: "en")
st.session_state.through_app = True
try:
    st.navigation([st.Page("pages/first.py", default=True), st.Page("pages/second.py")]).run()
finally:
    st.session_state.through_app = False
"""
LEGACY_PAGE = """
import os, sys
sys.path.insert(0, {root!r})
import streamlit as st
import patches
if os.environ.get("WITH_PATCH"):  # as ui.require_app does
    patches.install_streamlit(lambda asked: "en")
if not st.session_state.get("through_app") and not st.session_state.get("reran"):
    st.session_state.reran = True
    st.rerun()
st.write("through the app" if st.session_state.get("through_app") else "page alone")
"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("patched", "shown"), [(False, "page alone"), (True, "through the app")])
def test_without_the_pages_patch_a_fresh_server_runs_a_page_alone(tmp_path, patched, shown):
    """The reason for the legacy-pages patch, on a two-page app laid out like this one (pages/ beside
    app.py, st.navigation): the first visit of a fresh server straight at a page's address."""
    import os
    import time
    import urllib.request

    from browser_support import free_port, launch_chromium, settle
    from playwright.sync_api import expect, sync_playwright

    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text(LEGACY_APP.format(root=str(ROOT)))
    (tmp_path / "pages" / "first.py").write_text("import streamlit as st\nst.write('first page')\n")
    (tmp_path / "pages" / "second.py").write_text(LEGACY_PAGE.format(root=str(ROOT)))
    port = free_port()
    env = {**os.environ, **({"WITH_PATCH": "1"} if patched else {})}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(tmp_path / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.time() + 60  # the health check, as tests/browser_support.py waits for it
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/second")
            settle(page)
            expect(page.get_by_text(shown, exact=True)).to_be_visible()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


# --- Keras ---------------------------------------------------------------------------------------------


def test_keras_batch_norm_call_is_what_the_patch_replaces():
    import keras

    patches.check_keras()
    own = patches.keras_batch_norm_call()
    assert own is not patches.fused_batch_norm_call and own.__module__.startswith("keras.")
    assert list(inspect.signature(own).parameters) == ["self", "inputs", "training", "mask"]
    assert keras.layers.BatchNormalization.__module__.startswith("keras.")  # the public class, patched in place


def test_a_moved_keras_target_is_reported_not_skipped(monkeypatch):
    monkeypatch.setattr(patches, "_keras_call", lambda self, inputs, training=None: inputs)
    with pytest.raises(patches.PatchTargetMoved, match="BatchNormalization.call"):
        patches.check_keras()


def test_a_training_step_runs_the_fused_kernel_and_inference_keras_own():
    import keras
    import tensorflow as tf

    patches.install_keras()
    patches.install_keras()  # idempotent: Keras's own call is kept, never the fused one
    assert patches.keras_installed() and patches.keras_batch_norm_call() is not patches.fused_batch_norm_call
    layer = keras.layers.BatchNormalization()
    layer.build((2, 4, 4, 3))

    def kernels(training: bool) -> set[str]:
        graph = tf.function(lambda x: layer(x, training=training)).get_concrete_function(
            tf.TensorSpec((2, 4, 4, 3), tf.float32)
        )
        return {op.type for op in graph.graph.get_operations()}

    assert any(kind.startswith("FusedBatchNorm") for kind in kernels(True))
    assert not any(kind.startswith("FusedBatchNorm") for kind in kernels(False))  # inference: Keras's code


# --- Ray -----------------------------------------------------------------------------------------------


def test_ray_private_reads_are_where_expected():
    from ray._private import ray_constants, state, worker

    assert ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR == "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
    assert patches.ray_rewrites_loopback() is False  # conftest set the variable to 0 before Ray's import
    assert list(inspect.signature(state.actors).parameters)[:3] == ["actor_id", "job_id", "actor_state_name"]
    assert hasattr(worker.global_worker, "node")


def test_a_moved_ray_internal_is_reported_not_skipped(monkeypatch):
    from ray._private import state

    monkeypatch.delattr(state, "actors")
    with pytest.raises(patches.PatchTargetMoved, match=r"ray\._private\.state\.actors"):
        patches.ray_actor_table()


# --- LiteRT --------------------------------------------------------------------------------------------


def test_litert_op_details_are_where_expected_and_a_move_is_reported():
    from ai_edge_litert.interpreter import Interpreter

    assert callable(Interpreter._get_ops_details)  # its output is checked by test_challenges.py's export tests
    with pytest.raises(patches.PatchTargetMoved, match="_get_ops_details"):
        patches.litert_op_details(object())
