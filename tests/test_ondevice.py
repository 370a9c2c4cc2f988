"""On-device prediction's server side: capability tokens, the exported model file, the fallback page."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from app_support import app_at
from conftest import PHOTOS

from classifier.challenges import ondevice
from classifier.core.config import Config
from classifier.core.runs import RunError, RunStore


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "runs")


def test_a_token_is_given_only_to_readers_who_may_see_the_run(store):
    run = store.create(Config(dataset="shapes"), owner="alice")
    token = ondevice.device_token(store, run.run_id, "alice")
    assert len(token) >= 40 and token != run.run_id
    assert ondevice.device_token(store, run.run_id, "alice") == token  # one token per run
    with pytest.raises(RunError):
        ondevice.device_token(store, run.run_id, "bob")
    assert ondevice.run_for_token(store, token) == run.run_id
    assert ondevice.run_for_token(store, run.run_id) is None  # the run id alone opens nothing
    assert ondevice.run_for_token(store, token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_only_the_owner_revokes_and_revoking_removes_the_served_copies(store, tmp_path):
    run = store.create(Config(dataset="shapes"), owner="alice")
    token = ondevice.device_token(store, run.run_id, "alice")
    served = tmp_path / "served"
    copies = ondevice.store_folder(store, served) / token
    copies.mkdir(parents=True)
    (copies / "model.tflite").write_bytes(b"x")
    with pytest.raises(RunError):
        ondevice.revoke_token(store, run.run_id, "bob", served)
    ondevice.revoke_token(store, run.run_id, "alice", served)
    assert ondevice.run_for_token(store, token) is None
    assert not copies.exists()
    assert ondevice.device_token(store, run.run_id, "alice") != token  # a new link, the old one dead


def test_a_deleted_runs_served_copies_are_pruned_and_no_other_servers(store, tmp_path):
    served = tmp_path / "served"
    kept, deleted = (store.create(Config(dataset="shapes"), owner="alice") for _ in range(2))
    deleted.status = "finished"
    store.save(deleted)
    folders = {}
    for run in (kept, deleted):
        folders[run.run_id] = ondevice.store_folder(store, served) / ondevice.device_token(store, run.run_id, "alice")
        folders[run.run_id].mkdir(parents=True)
    other = RunStore(tmp_path / "other-runs")  # another server's runs: its copies are not ours to prune
    elsewhere = ondevice.store_folder(other, served) / "some-token"
    elsewhere.mkdir(parents=True)
    store.delete(deleted.run_id, "alice")
    assert ondevice.prune_served(store, served) == [folders[deleted.run_id].name]
    assert folders[kept.run_id].is_dir() and not folders[deleted.run_id].exists() and elsewhere.is_dir()


def test_the_browser_model_file_predicts_like_keras(saved_model_path, tmp_path, shapes_data):
    """The exported file has a fixed batch of one (the browser's runtime wants static shapes) and
    gives Keras's probabilities; a second call reuses the file."""
    from classifier.challenges.export import LiteRTModel, runtime_available
    from classifier.core.predict import load_model

    path = ondevice.served_model(saved_model_path, tmp_path)
    assert ondevice.served_model(saved_model_path, tmp_path) == path
    if not runtime_available():
        pytest.skip("ai-edge-litert is not installed")
    runner = LiteRTModel(path.read_bytes())
    assert list(runner.interpreter.get_input_details()[0]["shape"]) == [1, 32, 32, 3]
    image = shapes_data.x_test[:1]
    keras = load_model(saved_model_path).probabilities(image)
    np.testing.assert_allclose(runner.probabilities(image), keras, atol=1e-3)  # the float32 bound


def test_without_the_runtime_the_page_predicts_on_the_server_and_says_why(monkeypatch, tmp_path):
    import ui.ondevice

    monkeypatch.setattr(ui.ondevice, "VENDOR", tmp_path / "missing")
    at = app_at("pages/predict.py", session={"predict_where": "device"})
    assert any("browser runtime" in info.value for info in at.info)
    assert "predict_where" not in [radio.key for radio in at.radio]
    at.file_uploader(key="predict_files").set_value([("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg")])
    at.run()
    assert not at.exception
    assert any("Computed on the server" in caption.value for caption in at.caption)


def test_the_phone_page_without_the_runtime_predicts_on_the_server_and_says_why(monkeypatch, tmp_path):
    import ui.ondevice

    monkeypatch.setattr(ui.ondevice, "VENDOR", tmp_path / "missing")
    at = app_at("pages/phone.py")
    assert any("browser runtime" in info.value for info in at.info)
    at.file_uploader(key="phone_files").set_value([("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg")])
    at.run()
    assert not at.exception
    assert any("Computed on the server" in caption.value for caption in at.caption)
    assert any("dog" in text.value and "%" in text.value for text in at.markdown)  # its verdict


def test_install_without_npm_warns_and_leaves_the_runtime_alone(tmp_path):
    """No Node/npm: `make` goes on (the app predicts on the server); under CI it is an error."""
    root = Path(__file__).resolve().parents[1]
    tools = tmp_path / "bin"  # a PATH with the shell's helpers but no npm
    tools.mkdir()
    os.symlink(shutil.which("dirname"), tools / "dirname")
    env = {"PATH": str(tools), "HOME": str(tmp_path)}
    before = sorted(p.name for p in (root / "web" / "ondevice").iterdir())
    done = subprocess.run(["/bin/sh", str(root / "web" / "install.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "npm not found" in done.stderr and "server" in done.stderr
    assert sorted(p.name for p in (root / "web" / "ondevice").iterdir()) == before
    ci = subprocess.run(["/bin/sh", str(root / "web" / "install.sh")], env={**env, "CI": "1"}, capture_output=True)
    assert ci.returncode == 1


def test_the_network_address_is_never_loopback():
    from ui.ondevice import network_address

    address = network_address()
    assert address is None or (not address.startswith("127.") and address.count(".") == 3)


def test_the_runtime_is_installed_by_make_and_never_committed():
    """`make run`, `make test` (and so .ci/run) install the runtime; git ignores what npm and make put
    in web/ (LiteRT.js's .wasm files are 9.3-9.6 MB each) and tracks none of it."""
    root = Path(__file__).resolve().parents[1]
    targets = {line.split(":")[0]: line for line in (root / "Makefile").read_text().splitlines() if ":" in line}
    assert " web " in f"{targets['run']} " and " web " in f"{targets['test']} "
    assert "make test" in (root / ".ci" / "run").read_text()
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    built = [
        "web/node_modules/x.js",
        "web/ondevice/vendor/litert_wasm_internal.wasm",
        "web/ondevice/models/builtin/m.tflite",
    ]
    ignored = subprocess.run(["git", "check-ignore", *built], cwd=root, capture_output=True, text=True).stdout.split()
    assert ignored == built
    tracked = subprocess.run(["git", "ls-files", "web"], cwd=root, capture_output=True, text=True).stdout.split()
    assert "web/package-lock.json" in tracked and not [path for path in tracked if path.endswith((".wasm", ".tflite"))]
