import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import keras
import pytest
from engine_support import FINISHED_RUN_FILES, train_in_this_process
from polling import wait_for

from classifier.core.config import Config
from classifier.core.runs import RunError, RunStore, process_token
from classifier.engine import LocalEngine, forkserver, worker
from classifier.engine.progress import MAX_BATCH_POINTS, BatchPoint, Progress
from classifier.training import timeline

TINY = Config(dataset="shapes", limit=120, epochs=2, batch_size=16)


@pytest.fixture
def engine(tmp_path):
    # No spare worker: each would be forked, and import the project's modules, only to be thrown
    # away at the test's end. The spare itself is tested below.
    engine = LocalEngine(RunStore(tmp_path / "runs"), max_concurrent=1, keep_spare=False)
    yield engine
    engine.close()


def test_a_run_trains_in_a_worker_process_and_leaves_everything_on_disk(engine):
    job = engine.submit(TINY, owner="ana")
    assert job.snapshot().status in ("queued", "running")  # submit returns before any training
    first = wait_for(lambda: job.snapshot().batches)
    assert first[0].loss > 0 and 0 <= first[0].accuracy <= 1
    training_pid = wait_for(lambda: engine.store.load(job.run_id).pid if job.snapshot().history else None)
    assert training_pid != os.getpid()  # the caller's interpreter never trains
    assert job.wait(120)
    snap = job.snapshot()
    assert snap.status == "finished" and snap.done and snap.fraction_done == 1.0
    assert [e["epoch"] for e in snap.history] == [1, 2]
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "seconds", "images_per_second"} <= set(snap.history[0])
    first_epoch = snap.history[0]  # speed counts the images trained, not batches x batch size
    assert first_epoch["images_per_second"] == pytest.approx(job.info.train_images / first_epoch["seconds"], rel=0.01)
    assert snap.test_accuracy is not None and 0 <= snap.test_accuracy <= 1

    folder = engine.store.path(job.run_id)
    assert {p.name for p in folder.iterdir()} == FINISHED_RUN_FILES
    assert Config.from_json((folder / "config.json").read_text()) == TINY
    info = engine.store.load(job.run_id)
    assert (info.status, info.epochs_completed, info.owner, info.classes[0]) == ("finished", 2, "ana", "circle")
    assert info.test_accuracy == pytest.approx(snap.test_accuracy)
    assert info.precision in ("float32", "bfloat16") and snap.precision == info.precision
    assert engine.job(job.run_id) is None  # ended jobs are dropped; the record lives on in the folder
    again = engine.progress(job.run_id, "ana")
    assert again.history == snap.history and again.batches == snap.batches
    assert len(engine.store.history(job.run_id)) == 2
    model = keras.saving.load_model(engine.store.model_path(job.run_id))
    assert model.output.shape[-1] == 6
    y_true, probabilities = engine.store.predictions(job.run_id)
    assert probabilities.shape == (len(y_true), 6)


def test_two_writers_of_one_run_file_never_trip_over_each_other(tmp_path):
    """A Ray run's CLI and a server both ship its files into the run folder, at the same moments."""
    import threading

    from classifier.core.files import write_bytes_atomic

    target, failures = tmp_path / "status.json", []
    versions = [bytes([writer]) * 50_000 for writer in range(4)]

    def write_often(content: bytes) -> None:
        try:
            for _ in range(200):
                write_bytes_atomic(target, content)
        except OSError as error:
            failures.append(error)

    writers = [threading.Thread(target=write_often, args=(content,)) for content in versions]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert failures == [] and target.read_bytes() in versions  # whole, one writer's
    assert [path.name for path in tmp_path.iterdir()] == ["status.json"]  # no scratch file left


def test_stop_takes_effect_after_the_batch_in_flight(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "BATCH_REPORT_SECONDS", 0.0)  # an event after every batch

    def stop_after_third_batch(event, stop):
        if event["kind"] == "batch" and event["point"]["step"] == 3:
            stop.set()

    trainer, events = train_in_this_process(
        RunStore(tmp_path), TINY.replace(epochs=200, limit=600), stop_after_third_batch
    )
    steps = [event["point"]["step"] for event in events if event["kind"] == "batch"]
    assert steps == [1, 2, 3, 4]  # batch 4 was in flight when the stop came; nothing after it
    assert trainer.progress.status == "stopped" and trainer.progress.reason.code == "engine.stopped_by_request"


def test_a_run_starts_in_the_warm_spare_and_a_new_spare_is_warmed(tmp_path):
    """A server keeps one worker with TensorFlow imported, so Start does not wait for the import;
    the run takes it, and the next spare warms up at once. (The other engine tests keep no spare.)"""
    engine = LocalEngine(RunStore(tmp_path / "runs"), max_concurrent=1)
    try:
        assert engine.wait_ready(120)
        job = engine.submit(TINY, owner="ana")
        assert job.warm_start  # the spare took the run
        assert engine.wait_ready(120)  # and another one is warm for the next
        assert job.wait(120) and job.snapshot().status == "finished"

        # A warm run teaches the queue how long a run takes outside its epochs (loading, building,
        # the final test pass): a queued run of the network is expected to take its first epoch,
        # its later ones and that start-up.
        done = job.snapshot()
        seconds = [record["seconds"] for record in done.history]
        startup = max(0.0, (done.finished - done.started) - sum(seconds))
        blocker = engine.submit(TINY.replace(epochs=200, limit=600), owner="bo")  # holds the one slot
        wait_for(lambda: blocker.snapshot().status == "running")
        queued = engine.submit(TINY.replace(random_seed=1), owner="cy")
        engine.replan()
        expected = queued.snapshot().expected_end - queued.snapshot().expected_start
        assert expected == pytest.approx(seconds[0] + seconds[1] + startup, abs=1e-3)  # stamps near 1.8e9 s
        blocker.request_stop("bo")
        assert blocker.wait(120)
    finally:
        engine.close()
    assert not engine.wait_ready(0)  # closed: no spare left behind


def test_workers_are_forked_from_one_warm_process_and_each_is_a_process_of_its_own(tmp_path):
    """Each worker is forked from the fork server (TensorFlow imported once), yet leads its own
    session and has its own process token, so a run left behind by one is told apart from another's."""
    engine = LocalEngine(RunStore(tmp_path / "runs"), max_concurrent=2, keep_spare=False)
    try:
        jobs = [engine.submit(TINY.replace(epochs=200, limit=600), owner=name) for name in ("ana", "bo")]
        infos = [
            wait_for(lambda job=job: (i := engine.store.load(job.run_id)).status == "running" and i) for job in jobs
        ]
        pids = [info.pid for info in infos]
        assert len(set(pids)) == 2 and os.getpid() not in pids
        assert all(_stat(pid)[1] == forkserver.SERVER.pid for pid in pids)  # forked, not started afresh
        assert all(os.getsid(pid) == pid for pid in pids)  # each its own session, as worker.py expects
        tokens = {info.process for info in infos}
        assert len(tokens) == 2 and process_token() not in tokens
        for job, name in zip(jobs, ("ana", "bo")):
            job.request_stop(name)
        assert all(job.wait(60) and job.snapshot().status == "stopped" for job in jobs)
    finally:
        engine.close()


def test_a_killed_worker_is_reported_with_its_signal(engine):
    job = engine.submit(TINY.replace(epochs=200, limit=600), owner="ana")
    pid = wait_for(lambda: (i := engine.store.load(job.run_id)).status == "running" and i.pid)
    os.kill(pid, signal.SIGKILL)  # the OOM killer, say
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.status == "failed" and snap.reason.code == "engine.worker_died"
    assert snap.reason.params["code"] == -signal.SIGKILL  # the fork server reported how it ended


def test_a_dead_fork_server_is_started_again_and_its_running_worker_trains_on(engine):
    job = engine.submit(TINY.replace(epochs=3, limit=600), owner="ana")
    wait_for(lambda: engine.store.load(job.run_id).status == "running")
    old_server = forkserver.SERVER.pid
    os.kill(old_server, signal.SIGKILL)
    assert job.wait(120) and job.snapshot().status == "finished"  # its worker did not depend on it
    again = engine.submit(TINY, owner="ana")
    assert again.wait(120) and again.snapshot().status == "finished"
    assert forkserver.SERVER.pid not in (None, old_server)


def test_a_spare_left_by_a_dead_fork_server_is_let_go_and_the_run_trains_in_a_new_worker(tmp_path):
    """The spare outlives its server; the engine cannot know its exit code any more, so the next
    run is not handed to it: it gets a new worker, and the old spare is sent away, not left waiting."""
    engine = LocalEngine(RunStore(tmp_path / "runs"), max_concurrent=1)
    try:
        assert engine.wait_ready(120)
        server = forkserver.SERVER.pid
        (spare,) = _children(server)
        os.kill(server, signal.SIGKILL)
        wait_for(lambda: not engine.wait_ready(0))  # the engine has heard that the server is gone
        job = engine.submit(TINY, owner="ana")
        assert job.wait(120) and job.snapshot().status == "finished"
        assert engine.store.load(job.run_id).pid != spare
        wait_for(lambda: not _running(spare))
    finally:
        engine.close()


def _children(pid: int) -> list[int]:
    """The processes alive whose parent is `pid` (read once each: one may end while /proc is read)."""
    found = []
    for entry in Path("/proc").iterdir():
        stat = _stat(int(entry.name)) if entry.name.isdigit() else None
        if stat is not None and stat[0] != "Z" and stat[1] == pid:
            found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """A process that exists and has not ended (a zombie waits only to be reaped)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _stat(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent from /proc/PID/stat (the fields after the name in
    parentheses), or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


FORK_UNHEARD = """
import json, os, socket, sys
from classifier.engine import forkserver
forkserver.PROGRAMS["mark"] = lambda argv: open(argv[0], "w").close()
def fork(connection, marker):
    fds = [os.open(os.devnull, os.O_RDWR) for _ in range(3)]
    request = {"program": "mark", "argv": [marker], "env": dict(os.environ), "cwd": os.getcwd()}
    return forkserver.fork_child(request, fds, connection)
ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
heard = fork(ours, sys.argv[1] + '.heard')  # the caller's end is open: the pid reaches it and the child starts
assert json.loads(theirs.recv(100)) == {"pid": heard}
print(json.dumps({"heard": os.waitstatus_to_exitcode(os.waitpid(heard, 0)[1])}))
theirs.close()  # the caller is gone (or the server dies) before the pid can be told
try:
    fork(ours, sys.argv[1] + '.unheard')
except OSError:
    unheard = os.wait()
    print(json.dumps({"unheard": os.waitstatus_to_exitcode(unheard[1])}))
"""


def test_a_child_whose_pid_the_caller_never_heard_of_never_starts(tmp_path):
    """A fork server killed between a fork and its answer must not leave a worker nobody knows of:
    it would share the caller's pipes with the one the next server forks for the same job."""
    done = subprocess.run(
        [sys.executable, "-c", FORK_UNHEARD, str(tmp_path / "started")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    said = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert said == [{"heard": 0}, {"unheard": 1}], done.stderr[-2000:]
    assert (tmp_path / "started.heard").exists()  # the first child ran its program
    assert not (tmp_path / "started.unheard").exists()  # the second left before running it


def test_stop_reaches_a_run_in_its_worker(engine):
    job = engine.submit(TINY.replace(epochs=200, limit=600), owner="ana")
    wait_for(lambda: job.snapshot().batches)
    with pytest.raises(RunError) as refused:  # a classmate's stop, sent to the engine by hand
        job.request_stop("bo")
    assert refused.value.message.code == "run.not_owner_stop" and not job.stop_requested
    job.request_stop("ana")
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.status == "stopped" and snap.reason.code == "engine.stopped_by_request"
    assert snap.epoch < 200 and engine.store.load(job.run_id).status == "stopped"


def test_the_live_record_stays_small_however_long_the_run():
    progress = Progress("r" * 16)
    for step in range(1, 5 * MAX_BATCH_POINTS):
        point = {"epoch": step / 100, "loss": 1.0, "accuracy": 0.5, "epoch_index": step // 100, "step": step % 100}
        progress = progress.apply({"kind": "batch", "point": point})
    assert MAX_BATCH_POINTS // 2 <= len(progress.batches) <= MAX_BATCH_POINTS
    assert progress.batch_stride >= 4  # the worker reports less often as the run grows
    epochs = [point.epoch for point in progress.batches]
    assert epochs == sorted(epochs) and epochs[0] == pytest.approx(0.01) and epochs[-1] > 19  # the whole run, thinned
    assert all(isinstance(point, BatchPoint) for point in progress.batches)


def test_a_diverging_run_fails_with_a_plain_explanation(engine):
    # ELU units cannot all die (ReLUs can, leaving a finite loss), so this really explodes.
    job = engine.submit(TINY.replace(optimizer="sgd", learning_rate=10.0, momentum=0.99, activation="elu", epochs=3))
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.status == "failed"
    assert snap.reason.code == "engine.diverged" and snap.reason.params["learning_rate"] == 10.0
    assert "NaN" in str(snap.reason) and "learning rate" in str(snap.reason)
    assert engine.store.load(job.run_id).status == "failed"


def test_jobs_queue_beyond_the_concurrency_limit_and_can_be_cancelled(engine):
    first = engine.submit(TINY.replace(epochs=3), owner="ana")
    second = engine.submit(TINY, owner="bo")
    third = engine.submit(TINY, owner="cy")
    assert engine.queue_position(second.run_id) == 1 and engine.queue_position(third.run_id) == 2
    assert third.snapshot().status == "queued" and third.snapshot().queue_position == 2
    second.request_stop("bo")
    assert second.wait(60) and second.snapshot().status == "stopped"
    assert second.snapshot().reason.code == "engine.cancelled_in_queue"
    assert engine.queue_position(third.run_id) == 1
    assert first.wait(120) and third.wait(120)
    assert third.snapshot().status == "finished"


def test_a_bad_dataset_fails_the_run_with_its_message(engine, tmp_path):
    job = engine.submit(TINY.replace(dataset=str(tmp_path / "missing.zip")))
    assert job.wait(30)
    assert job.snapshot().status == "failed" and "does not exist" in str(job.snapshot().reason)


def test_holdout_validation_and_augmentation(engine):
    job = engine.submit(TINY.replace(validation="holdout", augmentation=("flip", "shift", "crop"), epochs=1))
    assert job.wait(60) and job.snapshot().status == "finished", job.snapshot().reason
    assert "val_accuracy" in job.snapshot().history[0]


def test_runs_are_private_unless_shared(engine):
    job = engine.submit(TINY.replace(epochs=1), owner="ana", dataset_label="my-pets.zip")
    assert job.wait(60)
    store = engine.store
    assert store.load(job.run_id).dataset_name == "my-pets.zip"  # not the upload's random file name
    assert [i.run_id for i in store.list("ana")] == [job.run_id]
    assert store.list("bo") == []
    with pytest.raises(RunError, match="no such run"):
        store.load(job.run_id, "bo")
    with pytest.raises(RunError, match="no such run"):
        engine.progress(job.run_id, "bo")
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
    engine = LocalEngine(RunStore(blocker / "runs"), keep_spare=False)
    with pytest.raises(RunError, match="cannot create a run") as raised:
        engine.submit(TINY)
    assert raised.value.message.code == "run.cannot_create"


def test_a_failed_checkpoint_keeps_the_previous_one(tmp_path, monkeypatch):
    store = RunStore(tmp_path)
    original = store.save_model
    calls = []

    def full_disk_on_second_epoch(run_id, model):
        calls.append(run_id)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        original(run_id, model)

    monkeypatch.setattr(store, "save_model", full_disk_on_second_epoch)
    trainer, _ = train_in_this_process(store, TINY.replace(epochs=3))
    assert trainer.progress.status == "finished"
    [warning] = trainer.progress.warnings
    assert warning.code == "engine.checkpoint_unwritable_kept" and warning.params["kept"] == 1
    assert "No space left on device" in str(warning) and "epoch 1 is kept" in str(warning)
    assert store.load(trainer.info.run_id).epochs_completed == 3
    assert keras.saving.load_model(store.model_path(trainer.info.run_id)) is not None


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
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        process.kill()
    # Its worker notices that the engine is gone (its input closes) and ends too.
    info = wait_for(lambda: (i := store.load(run_id)).status == "interrupted" and i, 30)
    assert "resumed" in str(info.reason)
    completed = info.epochs_completed
    assert 1 <= completed < 4
    assert [r["epoch"] for r in store.history(run_id)] == list(range(1, completed + 1))
    assert keras.saving.load_model(store.model_path(run_id)).output.shape[-1] == 6
    assert timeline.epochs(store, run_id)[: completed + 1] == list(range(completed + 1))  # replayable

    resumed = LocalEngine(store, keep_spare=False).resume(run_id)
    assert resumed.wait(240)
    assert resumed.snapshot().status == "finished", resumed.snapshot().reason
    final = store.load(run_id)
    assert final.epochs_completed == 4 and final.test_accuracy is not None
    assert [r["epoch"] for r in store.history(run_id)] == [1, 2, 3, 4]
    assert timeline.epochs(store, run_id) == [0, 1, 2, 3, 4]  # later snapshots replaced, none twice


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


@pytest.mark.parametrize("tta", ["none", "flip"])
def test_the_final_test_pass_is_keras_own_with_the_runs_test_time_choice(tmp_path, tta):
    """One pass over the test split gives the recorded accuracy, loss and kept predictions; with
    tta="flip" they are the mirror-averaged model's, as `evaluate --tta flip` measures them."""
    import numpy as np

    from classifier.core.data import load_dataset
    from classifier.core.predict import with_flip_averaging
    from classifier.training import pipeline

    store = RunStore(tmp_path / "runs")
    config = TINY.replace(epochs=1, validation="none", tta=tta, precision="float32")
    trainer, _ = train_in_this_process(store, config)
    info = store.load(trainer.info.run_id)
    assert info.status == "finished" and info.config.tta == tta

    data = load_dataset(config.dataset, config.limit)
    model = keras.saving.load_model(store.model_path(info.run_id))
    measured = with_flip_averaging(model) if tta == "flip" else model
    measured.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    test_batches = pipeline.evaluation_batches(data.x_test, data.y_test)
    loss, _ = measured.evaluate(test_batches, verbose=0)
    y_true, kept = store.predictions(info.run_id)
    np.testing.assert_array_equal(y_true, data.y_test)
    probabilities = measured.predict(test_batches, verbose=0)
    # The kept probabilities (float16 on disk) are the measured model's: the mirror-averaged one
    # for "flip", not the other...
    np.testing.assert_allclose(kept, probabilities, atol=2.5e-4)
    other = model if tta == "flip" else with_flip_averaging(model)
    assert np.abs(kept - other.predict(test_batches, verbose=0)).max() > 1.5e-3
    # ...and the recorded accuracy and loss are its own, as Keras computes them.
    assert info.test_accuracy == pytest.approx(float((probabilities.argmax(axis=1) == y_true).mean()), abs=1e-6)
    assert info.test_loss == pytest.approx(loss, rel=1e-4)
