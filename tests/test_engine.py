import json
import os
import signal
import subprocess
import sys
import time

import keras
import pytest
from polling import wait_for

from classifier.config import Config
from classifier.engine import Engine
from classifier.runs import RunError, RunStore

TINY = Config(dataset="shapes", limit=120, epochs=2, batch_size=16)


@pytest.fixture
def engine(tmp_path):
    return Engine(RunStore(tmp_path / "runs"), max_concurrent=1)


def test_a_run_trains_in_the_background_and_leaves_everything_on_disk(engine):
    started = time.time()
    job = engine.submit(TINY, owner="ana")
    assert time.time() - started < 1.0  # submit returns at once; training happens elsewhere
    first = wait_for(lambda: job.snapshot().batches)
    assert first[0].loss > 0 and 0 <= first[0].accuracy <= 1
    assert job.wait(120)
    snap = job.snapshot()
    assert snap.status == "finished" and snap.done and snap.progress == 1.0
    assert [e["epoch"] for e in snap.epochs_done] == [1, 2]
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "seconds", "images_per_second"} <= set(snap.epochs_done[0])
    first_epoch = snap.epochs_done[0]  # speed counts the images trained, not batches x batch size
    assert first_epoch["images_per_second"] == pytest.approx(job.info.train_images / first_epoch["seconds"], rel=0.01)
    assert snap.test_accuracy is not None and 0 <= snap.test_accuracy <= 1

    folder = engine.store.path(job.run_id)
    assert {p.name for p in folder.iterdir()} == {
        "config.json",
        "status.json",
        "history.jsonl",
        "model.keras",
        "predictions.npz",
    }
    assert Config.from_json((folder / "config.json").read_text()) == TINY
    info = engine.store.load(job.run_id)
    assert (info.status, info.epochs_completed, info.owner, info.classes[0]) == ("finished", 2, "ana", "circle")
    assert info.test_accuracy == pytest.approx(snap.test_accuracy)
    assert len(engine.store.history(job.run_id)) == 2
    model = keras.saving.load_model(engine.store.model_path(job.run_id))
    assert model.output.shape[-1] == 6
    y_true, probabilities = engine.store.predictions(job.run_id)
    assert probabilities.shape == (len(y_true), 6)


def test_stop_takes_effect_after_the_batch_in_flight(engine):
    job = engine.submit(TINY.replace(epochs=200, limit=600), owner="ana")
    wait_for(lambda: job.batches_started >= 5)
    seen = job.batches_started
    job.request_stop()
    assert job.wait(60)
    assert job.batches_started <= seen + 1
    snap = job.snapshot()
    assert snap.status == "stopped" and "stopped by request" in snap.reason
    assert engine.store.load(job.run_id).status == "stopped"


def test_a_diverging_run_fails_with_a_plain_explanation(engine):
    # ELU units cannot all die (ReLUs can, leaving a finite loss), so this really explodes.
    job = engine.submit(TINY.replace(optimizer="sgd", learning_rate=10.0, momentum=0.99, activation="elu", epochs=3))
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.status == "failed"
    assert "NaN" in snap.reason and "learning rate" in snap.reason
    assert engine.store.load(job.run_id).status == "failed"


def test_jobs_queue_beyond_the_concurrency_limit_and_can_be_cancelled(engine):
    first = engine.submit(TINY.replace(epochs=3), owner="ana")
    second = engine.submit(TINY, owner="bo")
    third = engine.submit(TINY, owner="cy")
    assert engine.queue_position(second.run_id) == 1 and engine.queue_position(third.run_id) == 2
    assert third.snapshot().status == "queued" and third.snapshot().queue_position == 2
    second.request_stop()
    assert second.wait(5) and second.snapshot().status == "stopped"
    assert "cancelled" in second.snapshot().reason
    assert engine.queue_position(third.run_id) == 1
    assert first.wait(120) and third.wait(120)
    assert third.snapshot().status == "finished"


def test_a_bad_dataset_fails_the_run_with_its_message(engine, tmp_path):
    job = engine.submit(TINY.replace(dataset=str(tmp_path / "missing.zip")))
    assert job.wait(30)
    assert job.snapshot().status == "failed" and "does not exist" in job.snapshot().reason


def test_holdout_validation_and_augmentation(engine):
    job = engine.submit(TINY.replace(validation="holdout", augmentation=("flip", "shift", "crop"), epochs=1))
    assert job.wait(60) and job.snapshot().status == "finished", job.snapshot().reason
    assert "val_accuracy" in job.snapshot().epochs_done[0]


def test_runs_are_private_unless_shared(engine):
    job = engine.submit(TINY.replace(epochs=1), owner="ana", dataset_label="my-pets.zip")
    job.wait(60)
    store = engine.store
    assert store.load(job.run_id).dataset_name == "my-pets.zip"  # not the upload's random file name
    assert [i.run_id for i in store.list("ana")] == [job.run_id]
    assert store.list("bo") == []
    with pytest.raises(RunError, match="no such run"):
        store.load(job.run_id, "bo")
    with pytest.raises(RunError, match="no such run"):
        store.path("../../etc")
    store.set_public(job.run_id, True, "ana")
    assert [i.run_id for i in store.list("bo")] == [job.run_id]
    with pytest.raises(RunError, match="only the person who started"):
        store.delete(job.run_id, "bo")
    with pytest.raises(RunError, match="only the person who started"):
        store.set_public(job.run_id, False, "bo")
    store.delete(job.run_id, "ana")
    assert store.list() == []


def test_an_unwritable_runs_folder_gives_a_clear_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    engine = Engine(RunStore(blocker / "runs"))
    with pytest.raises(RunError, match="cannot create a run"):
        engine.submit(TINY)


def test_a_failed_checkpoint_keeps_the_previous_one(engine, monkeypatch):
    original = engine.store.save_model
    calls = []

    def full_disk_on_second_epoch(run_id, model):
        calls.append(run_id)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        original(run_id, model)

    monkeypatch.setattr(engine.store, "save_model", full_disk_on_second_epoch)
    job = engine.submit(TINY.replace(epochs=3))
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.status == "finished"
    assert any("No space left on device" in w and "epoch 1 is kept" in w for w in snap.warnings)
    assert engine.store.load(job.run_id).epochs_completed == 3
    assert keras.saving.load_model(engine.store.model_path(job.run_id)) is not None


def test_a_killed_training_process_leaves_a_resumable_run(tmp_path):
    """SIGKILL a real CLI training in the middle of an epoch; the run must be intact and resumable."""
    runs = tmp_path / "runs"
    command = [
        sys.executable,
        "-m",
        "classifier",
        "train",
        "--dataset",
        "shapes",
        "--epochs",
        "4",
        "--batch-size",
        "8",
        "--runs-dir",
        str(runs),
        "--quiet",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    store = RunStore(runs)
    try:
        run_id = wait_for(lambda: next((i.run_id for i in store.list() if i.epochs_completed >= 1), None), 120, 0.1)
        time.sleep(0.5)  # well inside epoch 2 (an epoch of 750 batches takes several seconds)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        process.kill()
    info = store.load(run_id)
    assert info.status == "interrupted" and "resumed" in info.reason
    completed = info.epochs_completed
    assert 1 <= completed < 4
    assert [r["epoch"] for r in store.history(run_id)] == list(range(1, completed + 1))
    assert keras.saving.load_model(store.model_path(run_id)).output.shape[-1] == 6

    resumed = Engine(store).resume(run_id)
    assert resumed.wait(240)
    assert resumed.snapshot().status == "finished", resumed.snapshot().reason
    final = store.load(run_id)
    assert final.epochs_completed == 4 and final.test_accuracy is not None
    assert [r["epoch"] for r in store.history(run_id)] == [1, 2, 3, 4]


def test_cli_train_reports_json_on_stdout(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "classifier",
            "train",
            "--dataset",
            "shapes",
            "--limit",
            "60",
            "--epochs",
            "1",
            "--runs-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["status"] == "finished" and summary["epochs_completed"] == 1
    assert len(summary["epoch_seconds"]) == 1 and 0 <= summary["test_accuracy"] <= 1
    assert {"run_id", "run_dir", "test_loss"} <= set(summary)
    assert "loss:" in result.stderr and "loss:" not in result.stdout  # Keras progress goes to stderr
