"""The Ray back-end on a real multi-node Ray cluster on this machine (no mocks).

One cluster for the module (Ray's own `ray.cluster_utils.Cluster`): a head node with no CPUs (so
no run trains there) and two worker nodes of one CPU each, every node on 127.0.0.1 with
RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 (see ../shared/NOTES.md): no Ray traffic leaves loopback.
The node-killing test runs last (it changes the cluster).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import keras
import pytest
from app_support import app_at, button
from conftest import ROOT
from polling import wait_for

import patches
from classifier.core.config import Config
from classifier.core.runs import RunStore
from classifier.training import timeline

pytestmark = [pytest.mark.slow, pytest.mark.cluster]

LONG = dict(dataset="shapes", limit=600, batch_size=16)  # a few seconds an epoch on one CPU


@pytest.fixture(scope="module")
def cluster():
    import ray  # conftest.py has set RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0: every node on 127.0.0.1
    from ray.cluster_utils import Cluster

    # Quick node-death detection (the default waits tens of seconds); no dashboard on 2 cores.
    system = {"health_check_initial_delay_ms": 0, "health_check_period_ms": 1000, "health_check_failure_threshold": 3}
    cluster = Cluster(
        initialize_head=True,
        head_node_args={
            "num_cpus": 0,
            "node_ip_address": "127.0.0.1",
            "include_dashboard": False,
            "_system_config": system,
        },
    )
    workers = [cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1") for _ in range(2)]
    cluster.wait_for_nodes()
    yield cluster, workers
    ray.shutdown()
    # Ray 2.55 keeps the driver's node after shutdown, and Cluster.shutdown then refuses to stop the head.
    patches.ray_release_driver_node()
    cluster.shutdown()


@pytest.fixture
def app_on_cluster(cluster, monkeypatch):
    """The app's process-wide engine (cached) as a server with CLASSIFIER_RAY_ADDRESS makes it."""
    from classifier.engine.cluster import ClusterEngine
    from ui import state

    monkeypatch.setenv("CLASSIFIER_RAY_ADDRESS", cluster[0].address)
    engine = state.engine()
    if not isinstance(engine, ClusterEngine):  # an earlier test's local engine: replace it
        engine.close()
        state.engine.clear()
        engine = state.engine()
    yield engine
    state.engine.clear()  # later tests get the default engine again


def _start_from_page(owner: str, epochs: int):
    at = app_at("pages/train.py", owner=owner)
    at.radio(key="hp_dataset").set_value("shapes").run()
    at.number_input(key="hp_limit").set_value(LONG["limit"]).run()
    at.number_input(key="hp_epochs").set_value(epochs).run()
    button(at, "start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at, at.session_state["job_id"]


def test_two_sessions_train_on_two_nodes_live_pending_in_ray_stop_and_results(app_on_cluster):
    from classifier.engine.cluster import ClusterEngine

    engine = app_on_cluster
    assert isinstance(engine, ClusterEngine)
    ana, ana_run = _start_from_page("ana-" + "a" * 16, epochs=40)
    ben, ben_run = _start_from_page("ben-" + "b" * 16, epochs=40)
    jobs = {ana_run: engine.job(ana_run), ben_run: engine.job(ben_run)}

    # Live metrics reach each page while it trains: AppTest has no clock, so rerun as run_every would.
    def charts_live(at, run_id):
        at.run()
        return jobs[run_id].snapshot().history and len(at.get("vega_lite_chart")) == 2

    wait_for(lambda: charts_live(ana, ana_run) and charts_live(ben, ben_run), timeout=240, interval=0.5)
    nodes = {run_id: engine.store.load(run_id).node for run_id in jobs}
    assert all(nodes.values()) and len(set(nodes.values())) == 2  # the scheduler used both machines
    assert all(engine.store.load(run_id).backend == "ray" for run_id in jobs)

    # Both CPUs are taken: a third run is pending in Ray, and its place is Ray's.
    third = engine.submit(Config(epochs=1, **LONG), owner="cara-" + "c" * 16)
    assert wait_for(lambda: engine.queue_position(third.run_id), timeout=30) == 1
    assert third.snapshot().status == "queued" and third.snapshot().queue_position == 1
    third.request_stop("cara-" + "c" * 16)
    assert third.wait(60) and third.snapshot().status == "stopped"
    assert engine.queue_position(third.run_id) is None

    # Stop from each page: within a batch or so, and whatever the server received lands in runs/.
    for at in (ana, ben):
        at.run()
        button(at, "stop").click().run()
    for run_id, job in jobs.items():
        assert job.wait(120)
        info = engine.store.load(run_id)
        assert info.status == "stopped" and 1 <= info.epochs_completed < 40
        folder = engine.store.path(run_id)
        assert {"config.json", "status.json", "history.jsonl", "model.keras", "predictions.npz"} <= {
            p.name for p in folder.iterdir()
        }
        assert len(engine.store.history(run_id)) == info.epochs_completed
        model = keras.saving.load_model(engine.store.model_path(run_id))
        assert model.output.shape[-1] == 6
        y_true, probabilities = engine.store.predictions(run_id)
        assert probabilities.shape == (len(y_true), 6)
    ana.run()
    assert not ana.exception


SERVER = """
import sys, time
from classifier.core.config import Config
from classifier.engine.cluster import ClusterEngine
from classifier.core.runs import RunStore
engine = ClusterEngine(RunStore(sys.argv[1]), sys.argv[2])
job = engine.submit(Config(dataset="shapes", limit=600, batch_size=16, epochs=5))
print(job.run_id, flush=True)
time.sleep(3600)
"""


def test_a_server_killed_mid_run_is_found_again_by_the_next_one(cluster, tmp_path):
    from classifier.engine.cluster import ClusterEngine

    runs = tmp_path / "runs"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(runs), cluster[0].address], stdout=subprocess.PIPE, text=True, env=env
    )
    run_id = server.stdout.readline().strip()
    store = RunStore(runs)
    wait_for(lambda: store.history(run_id), timeout=240, interval=0.5)  # it trains
    server.send_signal(signal.SIGKILL)  # the server dies mid-run, without a word
    server.wait()
    info = store.load(run_id)
    assert info.status == "running" and info.epochs_completed < 5  # a Ray run is not judged by a pid

    restarted = ClusterEngine(store, cluster[0].address)  # what the restarted server makes first
    job = restarted.job(run_id)
    assert job is not None
    assert wait_for(lambda: job.snapshot().batches and job.snapshot().status == "running", timeout=60)
    assert job.wait(240)
    info = store.load(run_id)
    assert (info.status, info.epochs_completed) == ("finished", 5)
    assert [record["epoch"] for record in store.history(run_id)] == [1, 2, 3, 4, 5]
    assert store.predictions(run_id) is not None
    # The replay's snapshots came back from the worker node too: initialisation and every epoch.
    assert timeline.epochs(store, run_id) == [0, 1, 2, 3, 4, 5]
    assert timeline.load(store, run_id, 5).kernels.shape[-1] >= 1
    # ... and TensorBoard's event files, so `tensorboard --logdir runs/` on the server shows Ray runs too.
    assert list((store.path(run_id) / "tensorboard").rglob("events.out.tfevents.*"))


def _cli(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "classifier", *args], capture_output=True, text=True, cwd=ROOT, **kwargs
    )


def test_a_cli_run_outlives_the_cli_and_attach_follows_it_to_the_end(cluster, tmp_path):
    runs = str(tmp_path / "runs")
    train = subprocess.Popen(
        [sys.executable, "-m", "classifier", "train", "--ray", cluster[0].address, "--runs-dir", runs]
        + ["--dataset", "shapes", "--limit", "600", "--batch-size", "16", "--epochs", "4"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    store = RunStore(runs)
    run_id = wait_for(lambda: next((i.run_id for i in store.list() if store.history(i.run_id)), None), timeout=240)
    train.kill()  # the CLI dies; the run does not
    train.communicate()

    listed = [json.loads(line) for line in _cli("runs", "--runs-dir", runs, timeout=60).stdout.splitlines()]
    assert [(r["run_id"], r["status"], r["backend"]) for r in listed] == [(run_id, "running", "ray")]

    attached = _cli("attach", run_id, "--ray", cluster[0].address, "--runs-dir", runs, timeout=300)
    assert attached.returncode == 0, attached.stderr[-2000:]
    final = json.loads(attached.stdout.splitlines()[-1])
    assert (final["run_id"], final["status"], final["epochs_completed"]) == (run_id, "finished", 4)
    assert final["backend"] == "ray" and final["node"] == store.load(run_id).node != ""
    assert len(final["epoch_seconds"]) == 4 and final["test_accuracy"] is not None


def test_restore_best_on_ray_keeps_the_best_epoch_on_the_server(cluster, tmp_path):
    """Early stopping with restore-best on a worker node: the best epoch's weights are what the
    server's model.keras holds (the worker writes through the sink that ships files back)."""
    import numpy as np

    from classifier.core.data import load_dataset
    from classifier.engine.cluster import ClusterEngine
    from classifier.training import pipeline

    # The seed network on 60 shapes soon learns them by heart: its validation loss then rises.
    overfits = Config(dataset="shapes", limit=60, epochs=40, batch_size=16, learning_rate=0.003,
                      precision="float32", early_stopping=3, monitor="val_loss", restore_best=True)  # fmt: skip
    store = RunStore(tmp_path / "runs")
    engine = ClusterEngine(store, cluster[0].address)
    job = engine.submit(overfits)
    assert job.wait(300)
    info = store.load(job.run_id)
    assert info.status == "finished" and info.backend == "ray", info.reason
    losses = [record["val_loss"] for record in store.history(job.run_id)]
    best = int(np.argmin(losses)) + 1
    assert info.best_epoch == best < len(losses) == info.stopped_epoch  # the last epoch was not the best
    assert abs(losses[-1] - losses[best - 1]) > 1e-4  # so the last epoch's weights would show
    dataset = load_dataset("shapes", overfits.limit)
    saved = keras.saving.load_model(store.model_path(job.run_id))  # the server's copy
    loss, accuracy = saved.evaluate(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
    assert loss == pytest.approx(losses[best - 1], rel=1e-5)
    assert accuracy == pytest.approx(info.test_accuracy)  # the best epoch's test accuracy, as recorded


def test_two_students_on_the_same_recipe_share_one_ray_training_and_one_leaving_does_not_stop_it(cluster, tmp_path):
    """Issue 22, point 1 on Ray: the same training done once, followed by both entries; a student's
    Stop is theirs alone while the other follows; the last one to leave stops it."""
    from classifier.core.runs import RunError
    from classifier.engine import FollowerJob, sharing
    from classifier.engine.cluster import ClusterEngine
    from classifier.teach.lessons import Lesson

    lesson = Lesson(preset="seed", changes={"epochs": 40, **LONG}, class_code="R4YQ2C")
    store = RunStore(tmp_path / "runs")
    engine = ClusterEngine(store, cluster[0].address)
    assert engine.share
    ana, bo = "ana-" + "a" * 16, "bo-" + "b" * 17
    entries = [
        engine.submit(lesson.config, owner=who, lesson=lesson.tag(name)) for who, name in ((ana, "A"), (bo, "B"))
    ]
    assert all(isinstance(entry, FollowerJob) for entry in entries)
    trainings = [info for info in store.list() if info.owner == sharing.SHARED_OWNER]
    assert len(trainings) == 1 and {entry.info.shared for entry in entries} == {trainings[0].run_id}
    training = engine.job(trainings[0].run_id)
    assert training is not None and training.info.backend == "ray"
    assert [entry.snapshot().students for entry in entries] == [2, 2]
    wait_for(lambda: store.load(entries[0].run_id).epochs_completed >= 1, timeout=240, interval=0.2)
    first = entries[0].snapshot()
    assert first.status == "running" and first.history == entries[1].snapshot().history  # the same curves

    with pytest.raises(RunError):  # a classmate cannot stop ana's entry
        entries[0].request_stop(bo)
    entries[0].request_stop(ana)
    assert entries[0].wait(30)
    left = store.load(entries[0].run_id, ana)
    assert left.status == "stopped" and left.reason.code == "share.left" and left.epochs_completed >= 1
    assert not training.stop_requested and not training.done
    kept = len(store.history(entries[1].run_id))
    wait_for(lambda: len(store.history(entries[1].run_id)) > kept, timeout=240, interval=0.2)  # bo's goes on
    assert entries[1].snapshot().status == "running" and entries[1].snapshot().students == 1

    entries[1].request_stop(bo)  # the last one to leave stops the training
    assert training.wait(120) and store.load(training.run_id).status == "stopped"
    assert store.load(entries[1].run_id, bo).reason.code == "share.left"
    assert len([info for info in store.list() if info.owner == sharing.SHARED_OWNER]) == 1


def test_the_kept_epoch_is_shipped_even_when_the_server_polled_after_the_last_epoch(tmp_path):
    """The race the Ray test above can only meet by chance, made certain: the server polls the
    actor's files just as early stopping is reported (after the last epoch's checkpoint); the poll
    after that must bring the best epoch's model.keras, written through the shipping sink, and the
    server writes what it receives through its own sink alone."""
    import threading

    from classifier.engine.cluster import ShippingSink, receive_shipped
    from classifier.engine.worker import FolderSink, Worker

    overfits = Config(dataset="shapes", limit=60, epochs=40, batch_size=16, learning_rate=0.003,
                      precision="float32", early_stopping=3, monitor="val_loss", restore_best=True)  # fmt: skip
    store = RunStore(tmp_path)
    sink = ShippingSink(store, store.create(overfits).run_id)
    known: dict[str, int] = {}

    def poll() -> dict:
        changed = sink.changed_since(known)
        known.update({name: version for name, (version, _) in changed.items()})
        return changed

    def emit(event):
        if event["kind"] == "update" and "stopped_epoch" in event.get("fields", {}):
            poll()  # the server's poll lands here: the last epoch's checkpoint is already shipped

    Worker(sink, emit, threading.Event(), resume=False).run()
    info = sink.load()
    assert info.best_epoch is not None and info.best_epoch < info.stopped_epoch, (info.best_epoch, info.stopped_epoch)
    shipped = poll()
    assert "model.keras" in shipped  # the restored weights travel to the server too
    assert shipped["model.keras"][1] == (store.path(info.run_id) / "model.keras").read_bytes()

    # On the server every shipped file lands through a sink of the server's own, as the local
    # back-end's worker writes: the server's folder is the worker's, and nothing else wrote it.
    class Recording(FolderSink):
        received: list[str] = []

        def receive(self, name: str, content: bytes) -> None:
            self.received.append(name)
            super().receive(name, content)

        def save(self, status) -> None:
            self.received.append("status.json")
            super().save(status)

    server = RunStore(tmp_path / "server")
    server_sink = Recording(server, info.run_id)
    server.path(info.run_id).mkdir(parents=True)
    (server.path(info.run_id) / "config.json").write_bytes((store.path(info.run_id) / "config.json").read_bytes())
    everything = sink.changed_since({})
    everything["../escaped.txt"] = (1, b"a name no worker may ship")
    received = receive_shipped(server_sink, everything, {})
    assert received.best_epoch == info.best_epoch and server.load(info.run_id).checkpoint_epoch == info.best_epoch
    on_server = {p.relative_to(server.path(info.run_id)).as_posix() for p in server.path(info.run_id).rglob("*")}
    on_server = {name for name in on_server if (server.path(info.run_id) / name).is_file()}
    assert on_server == set(server_sink.received) | {"config.json"}, on_server ^ set(server_sink.received)
    assert not (tmp_path / "server" / "escaped.txt").exists()
    for name in ("model.keras", "history.jsonl", "predictions.npz"):
        assert (server.path(info.run_id) / name).read_bytes() == (store.path(info.run_id) / name).read_bytes()
    assert timeline.epochs(server, info.run_id) == timeline.epochs(store, info.run_id)  # thinned alike
    with pytest.raises(ValueError):  # the sink itself refuses a name that leaves the run's folder
        server_sink.receive("../escaped.txt", b"")


def test_a_worker_node_killed_mid_run_leaves_it_interrupted_and_resumable(cluster, tmp_path):
    from classifier.engine.cluster import ClusterEngine

    ray_cluster, workers = cluster
    store = RunStore(tmp_path / "runs")
    engine = ClusterEngine(store, ray_cluster.address)
    job = engine.submit(Config(epochs=6, **LONG))
    wait_for(lambda: store.load(job.run_id).checkpoint_epoch >= 1, timeout=240, interval=0.2)
    node_id = store.load(job.run_id).node
    doomed = next(worker for worker in workers if worker.node_id == node_id)
    ray_cluster.remove_node(doomed, allow_graceful=False)  # its raylet and workers are killed
    assert job.wait(120)
    info = store.load(job.run_id)
    assert info.status == "interrupted" and info.reason.code == "cluster.node_lost"
    assert 1 <= info.checkpoint_epoch < 6
    keras.saving.load_model(store.model_path(job.run_id))  # the checkpoint the server has is whole

    resumed = engine.resume(job.run_id)  # Ray places it on the node that is left
    assert resumed.wait(300)
    info = store.load(job.run_id)
    assert (info.status, info.epochs_completed) == ("finished", 6)
    assert info.node not in ("", node_id)
    assert [record["epoch"] for record in store.history(job.run_id)] == [1, 2, 3, 4, 5, 6]
