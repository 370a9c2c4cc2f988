"""The Ray back-end: each run is a detached, named Ray actor, placed by the cluster's scheduler.

    CLASSIFIER_RAY_ADDRESS=auto | ray://host:10001 | host:6379 | local     (local: an embedded Ray)

`ClusterEngine` is the Engine (base.py) over Ray, a sibling of LocalEngine (local.py), so pages and
the CLI do not change. What differs is where the training happens and how its results come back:

1. The data set is put into Ray's object store once per data set and version (`dataset_ref`);
   each run's actor receives the reference, so worker machines need no copy of CIFAR-10 and no
   shared file system.
2. Each run is an actor named "run-<id>" in the namespace "cnn-classroom", asking for
   CLASSIFIER_RAY_CPUS CPUs (default 1) and CLASSIFIER_RAY_GPUS GPUs (default 0). Until Ray finds
   room for it, it is pending in Ray, and the queue position a student sees is its rank among the
   cluster's pending runs (read from Ray's own actor table).
3. Inside the actor the same `Worker` trains (worker.py), writing its files into a scratch folder
   on that machine through a `ShippingSink`, which numbers each file's versions. The server polls
   the actor twice a second: new progress events, and the files that changed (the checkpoint once
   per epoch), which it writes into runs/<id>/ atomically. Stop is an actor call that sets the
   worker's stop flag, seen after the batch in flight.
4. The actor is detached: it trains on when the server or the CLI that started it dies. A new
   server (or `python -m classifier attach RUN_ID`) finds it by name and follows it from the
   start of its event log. A finished actor waits for someone to collect its results, then is
   killed. If the machine under an actor dies, the run is marked interrupted with the last
   checkpoint the server received; `resume` continues it on whichever node has room (not
   automatically: a student decides).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import ray

import patches
from classifier.core import data as data_module
from classifier.core.limits import Limits
from classifier.core.messages import ClassifierError, Message
from classifier.core.runs import ACTIVE, RunError, RunInfo, RunStore
from classifier.engine.base import Engine, TrainingJob
from classifier.engine.progress import Progress
from classifier.engine.ray_address import RAY_ADDRESS_ENV, is_loopback
from classifier.engine.worker import FolderSink, Worker
from classifier.training.schedules import TENSORBOARD_DIR

CPUS_ENV = "CLASSIFIER_RAY_CPUS"
GPUS_ENV = "CLASSIFIER_RAY_GPUS"
NAMESPACE = "cnn-classroom"
ACTOR_PREFIX = "run-"
POLL_SECONDS = 0.5  # how often the server asks a run's actor for news
UNREACHABLE_SECONDS = 120  # an actor silent this long is taken for lost
PENDING = ("DEPENDENCIES_UNREADY", "PENDING_CREATION")  # Ray's states of an actor waiting for room
# The files a run's actor ships back, in the order the server writes them: the checkpoint before
# the status that names its epoch. Only these names are ever written (never a name from the wire).
SHIPPED = ("model.keras", "predictions.npz", "history.jsonl", "batches.json", "status.json")
# ... and the replay's snapshots (classifier/training/timeline.py), matched by this pattern alone.
TIMELINE_NAME = re.compile(r"^timeline/epoch-\d{4,}\.npz$")
TENSORBOARD_NAME = re.compile(r"^tensorboard/(?:[A-Za-z0-9_]+/)?events\.out\.tfevents\.[A-Za-z0-9_.-]+$")
PACKAGE_DIR = Path(__file__).resolve().parents[1]


# --- connecting ------------------------------------------------------------------------------------


def connect(address: str) -> None:
    """Join the cluster at `address` once per process ("local" starts an embedded one here)."""
    if ray.is_initialized():
        return
    if is_loopback(address) and patches.ray_rewrites_loopback():
        # Ray was imported before prepare_ray(): it would now aim at the machine's network address.
        raise ClassifierError("cluster.loopback_too_late", address=address)
    # The package travels with the job (uploaded once, cached by its hash): worker machines need
    # Python and the pinned requirements, not a copy of this project.
    common = {
        "namespace": NAMESPACE,
        "log_to_driver": False,
        "runtime_env": {"py_modules": [str(PACKAGE_DIR), patches.__file__], "env_vars": {"TF_CPP_MIN_LOG_LEVEL": "2"}},
    }
    try:
        if address == "local":
            ray.init(include_dashboard=False, node_ip_address="127.0.0.1", **common)
        else:
            ray.init(address=address, **common)
    except Exception as error:  # noqa: BLE001 - ConnectionError, RuntimeError, ValueError...
        raise ClassifierError("cluster.unreachable", address=address, detail=str(error)[:300]) from None


def resources() -> dict[str, float]:
    """What one run asks the scheduler for."""
    return {
        "num_cpus": float(os.environ.get(CPUS_ENV) or 1),
        "num_gpus": float(os.environ.get(GPUS_ENV) or 0),
    }


# --- the data set, once per data set and version ---------------------------------------------------

_data_refs: dict[tuple[str, str], Any] = {}
_data_lock = threading.Lock()


def data_version(source: str) -> str:
    """What changes when the data set's content does: the file's size and time (or the generator)."""
    if source == "shapes":
        return "generated"
    path = Path(os.environ.get(data_module.CIFAR10_ENV, "")) if source == "cifar10" else Path(source)
    try:
        stat = path.stat()
    except OSError:
        return "unknown"  # load_dataset will say what is wrong with it
    return f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def dataset_ref(source: str):
    """The whole data set (every image, no limit) in the object store, put there once."""
    key = (source, data_version(source))
    with _data_lock:  # a second run of the same set waits for the first put, then shares it
        if key not in _data_refs:
            _data_refs[key] = ray.put(data_module.load_dataset(source))
        return _data_refs[key]


# --- the worker side: an actor per run -------------------------------------------------------------


class ShippingSink(FolderSink):
    """A FolderSink on the worker's scratch folder that numbers each file's versions, so the server
    can ask for exactly what changed since it last looked."""

    def __init__(self, store: RunStore, run_id: str):
        super().__init__(store, run_id)
        self.versions: dict[str, int] = {}

    def _changed(self, name: str) -> None:
        self.versions[name] = self.versions.get(name, 0) + 1

    def save(self, info: RunInfo) -> None:
        super().save(info)
        self._changed("status.json")

    def append_history(self, record: dict[str, Any]) -> None:
        super().append_history(record)
        self._changed("history.jsonl")

    def truncate_history(self, epochs: int) -> None:
        super().truncate_history(epochs)
        self._changed("history.jsonl")

    def save_model(self, model) -> None:
        super().save_model(model)
        self._changed("model.keras")

    def save_predictions(self, y_true, probabilities) -> None:
        super().save_predictions(y_true, probabilities)
        self._changed("predictions.npz")

    def write_file(self, name: str, text: str) -> None:
        super().write_file(name, text)
        self._changed(name)

    def write_timeline(self, epoch: int, arrays: dict[str, Any]) -> str:
        name = super().write_timeline(epoch, arrays)
        self._changed(name)
        return name

    def changed_since(self, known: dict[str, int]) -> dict[str, tuple[int, bytes]]:
        folder = self.store.path(self.run_id)
        # TensorBoard's event files are written by Keras's callback, not through the sink: they
        # only grow, so their size is their version.
        for path in (folder / TENSORBOARD_DIR).rglob("events.out.tfevents.*"):
            self.versions[path.relative_to(folder).as_posix()] = path.stat().st_size
        return {
            name: (version, (folder / name).read_bytes())
            for name, version in list(self.versions.items())
            if version > known.get(name, 0) and (folder / name).exists()
        }


@ray.remote(max_restarts=0)
class RunActor:
    """One run on whichever node Ray chose: the Worker trains in a thread; the server polls."""

    def __init__(self, run_id: str, files: dict[str, bytes], resume: bool):
        patches.install_keras()  # this Ray worker process trains: the fused batch-norm kernel
        self.resume = resume
        self.root = Path(tempfile.mkdtemp(prefix="cnn-classroom-"))
        folder = self.root / run_id
        folder.mkdir()
        for name, content in files.items():
            (folder / name).write_bytes(content)
        self.run_id = run_id
        self.sink = ShippingSink(RunStore(self.root), run_id)
        self.node = ray.get_runtime_context().get_node_id()
        self.events: list[dict[str, Any]] = []
        self.stop_flag = threading.Event()
        self.started = self.done = False

    def start(self, dataset: data_module.Dataset, cpus: int) -> None:
        """Begin training (a second call, from a server that took over, changes nothing)."""
        if self.started:
            return
        self.started = True
        info = self.sink.load()
        info.backend, info.node = "ray", self.node
        self.sink.save(info)
        # Our own copy: the object store's buffers belong to the server that put them, which may die.
        own = dataclasses.replace(
            dataset, **{k: getattr(dataset, k).copy() for k in ("x_train", "y_train", "x_test", "y_test")}
        )
        limit = info.config.limit
        threading.Thread(target=self._train, args=(own.subset(limit), cpus), daemon=True).start()

    def _train(self, dataset: data_module.Dataset, cpus: int) -> None:
        import tensorflow as tf

        # TensorFlow would size its thread pools to the whole machine, not to the CPUs Ray gave us.
        tf.config.threading.set_intra_op_parallelism_threads(max(1, cpus))
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(cpus, 2)))
        worker = Worker(
            self.sink, self.events.append, self.stop_flag, resume=self.resume, load_data=lambda report: dataset
        )
        try:
            worker.run()
        finally:
            self.done = True

    def poll(self, cursor: int, known: dict[str, int]) -> dict[str, Any]:
        done = self.done  # read first: once done, every file below is final
        return {
            "node": self.node,
            "started": self.started,
            "done": done,
            "cursor": len(self.events),
            "events": self.events[cursor:],
            "files": self.sink.changed_since(known),
        }

    def stop(self) -> None:
        self.stop_flag.set()

    def clean_up(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


# --- the server side -------------------------------------------------------------------------------


def receive_shipped(sink: FolderSink, files: dict[str, tuple[int, bytes]], known: dict[str, int]) -> RunInfo | None:
    """What a run's actor shipped, into the server's runs/<id>/ through the server's own sink (each
    file replaced atomically, as the local back-end's worker writes it): the one way a training
    run's folder is written on both back-ends. Only names SHIPPED, TIMELINE_NAME or
    TENSORBOARD_NAME admit are written, TensorBoard's events and the replay's snapshots first (the
    status that follows names their epoch), the checkpoint before the status. The owner's sharing
    choice, made on the server while the run trains, is kept. Returns the shipped status, if any."""
    names = sorted(name for name in files if TENSORBOARD_NAME.match(name))
    names += sorted(name for name in files if TIMELINE_NAME.match(name))
    names += [name for name in SHIPPED if name in files]
    status = None
    for name in names:
        version, content = files[name]
        if name == "status.json":
            status = RunInfo.from_json(content.decode())
            try:
                here = sink.load()
                status.public, status.shared_as = here.public, here.shared_as
            except RunError:
                pass
            sink.save(status)
        else:
            sink.receive(name, content)
        known[name] = version
    return status


class ClusterJob(TrainingJob):
    """A run on the cluster as the server sees it: its actor, a follower thread, the live record."""

    def __init__(self, engine: ClusterEngine, info: RunInfo, resume: bool, verbose: int, teacher: bool = False):
        super().__init__(engine, info, resume, verbose, teacher)
        self.engine: ClusterEngine = engine
        self.actor = None
        self.training_started = False  # the actor exists and has begun (no longer pending in Ray)
        self._cancelled = False
        self._pending_poll = None  # the poll call in flight (it waits while the actor is pending)

    @property
    def node(self) -> str:
        return self.info.node

    def halt(self) -> None:
        """After the batch in flight; a run still pending in Ray leaves the queue at once."""
        if self.actor is None:
            return
        if self.training_started:
            self.actor.stop.remote()
        else:
            self._cancelled = True
            ray.kill(self.actor)

    # -- following the actor ------------------------------------------------------------------------

    def launch(self) -> None:
        """Create the actor (Ray queues it until a node has room) and follow it."""
        store = self.engine.store
        folder = store.path(self.run_id)
        if self.resume:  # the epochs after the checkpoint are trained (and recorded) again
            FolderSink(store, self.run_id).truncate_timeline(store.load(self.run_id).epochs_completed)
        names = ["config.json", "status.json"] + (["history.jsonl", "model.keras"] if self.resume else [])
        files = {name: (folder / name).read_bytes() for name in names if (folder / name).exists()}
        wanted = resources()
        self.actor = RunActor.options(
            name=ACTOR_PREFIX + self.run_id,
            namespace=NAMESPACE,
            lifetime="detached",
            **wanted,
        ).remote(self.run_id, files, self.resume)
        threading.Thread(target=self._follow, args=(int(wanted["num_cpus"]),), daemon=True).start()

    def adopt(self, actor) -> None:
        """Follow an actor that someone else started (a server before a restart, the CLI)."""
        self.actor = actor
        threading.Thread(target=self._follow, args=(int(resources()["num_cpus"]),), daemon=True).start()

    def _follow(self, cpus: int) -> None:
        cursor, known, start_sent, unreachable_since = 0, {}, False, None
        try:
            while True:
                try:
                    reply = self._poll(cursor, known)
                    unreachable_since = None
                except ray.exceptions.ActorUnavailableError:
                    # A network hiccup, or a dying node: Ray says ActorDiedError once it is sure.
                    self._pending_poll, unreachable_since = None, unreachable_since or time.time()
                    if time.time() - unreachable_since > UNREACHABLE_SECONDS:
                        raise
                    time.sleep(POLL_SECONDS)
                    continue
                if reply is None:  # still pending in Ray
                    if not start_sent and not self.training_started:
                        self._send_start(cpus)
                        start_sent = True
                    continue
                if not reply["started"] and not start_sent:
                    self._send_start(cpus)  # a server that died before its start call arrived
                    start_sent = True
                self.training_started = self.training_started or reply["started"]
                for event in reply["events"]:
                    self.record = self.record.apply(event)
                cursor = reply["cursor"]
                self._write(reply["files"], known)
                self.info = dataclasses.replace(self.info, node=reply["node"], backend="ray")
                if reply["done"]:
                    self._collected()
                    return
                time.sleep(POLL_SECONDS)
        except ray.exceptions.RayActorError:
            self.lost()
        except Exception as error:  # noqa: BLE001 - the follower must always end the job
            self.lost(Message("error.unexpected", {"kind": type(error).__name__, "detail": str(error)[:300]}))

    def _send_start(self, cpus: int) -> None:
        data = dataset_ref(self.config.dataset)
        self.actor.start.remote(data, cpus)

    def _poll(self, cursor: int, known: dict[str, int]) -> dict[str, Any] | None:
        """The actor's news, or None while it waits for a node (checked once a second)."""
        if self._pending_poll is None:
            self._pending_poll = self.actor.poll.remote(cursor, known)
        ready, _ = ray.wait([self._pending_poll], timeout=1.0)
        if not ready:
            return None
        reference, self._pending_poll = self._pending_poll, None
        return ray.get(reference)

    def _write(self, files: dict[str, tuple[int, bytes]], known: dict[str, int]) -> None:
        shipped = receive_shipped(FolderSink(self.engine.store, self.run_id), files, known)
        if shipped is not None:
            self.info = shipped

    def _collected(self) -> None:
        """Everything is on the server: the actor may go (it held its CPUs until now)."""
        try:
            ray.get(self.actor.clean_up.remote(), timeout=30)
        except Exception:  # noqa: BLE001 - only a scratch folder is at stake
            pass
        ray.kill(self.actor)
        self._ended()

    def lost(self, reason: Message | None = None) -> None:
        """The actor is gone: cancelled in the queue, collected by another follower, or its machine
        died (then the run is interrupted at the last checkpoint the server has)."""
        store = self.engine.store
        try:
            info = store.load(self.run_id)
        except RunError:
            self._ended()
            return
        if info.status in ACTIVE:
            if self._cancelled:
                info.status, info.reason, info.finished = "stopped", Message("engine.cancelled_in_queue"), time.time()
            elif reason is not None:
                info.status, info.reason, info.finished = "failed", reason, time.time()
            else:
                info.status = "interrupted"
                info.reason = (
                    Message(
                        "cluster.node_lost", {"epoch": info.epochs_completed + 1, "checkpoint": info.checkpoint_epoch}
                    )
                    if info.checkpoint_epoch
                    else Message("cluster.node_lost_first_epoch")
                )
            store.save(info)
        self._ended()

    def _ended(self) -> None:
        store = self.engine.store
        try:
            self.info = store.load(self.run_id)
            self.record = Progress.from_store(store, self.run_id)
        except (RunError, OSError):
            pass
        self.finish()


class ClusterEngine(Engine):
    """The Engine over a Ray cluster: no queue here (Ray's scheduler is the queue); every job the
    server follows holds a slot."""

    backend = "ray"

    def __init__(
        self,
        store: RunStore | None = None,
        address: str | None = None,
        adopt: bool = True,
        limits: Limits | None = None,
        share: bool | None = None,
    ):
        super().__init__(store, limits, share)
        self.address = address or os.environ.get(RAY_ADDRESS_ENV) or "auto"
        connect(self.address)
        self._pending: tuple[float, list[str]] = (0.0, [])
        if adopt:
            self.adopt_all()
            for job in list(self._jobs.values()):  # students on a shared training follow it again
                self.follow_again(job)

    # -- the queue is Ray's -------------------------------------------------------------------------

    def new_job(self, info: RunInfo, resume: bool, verbose: int, teacher: bool = False) -> ClusterJob:
        return ClusterJob(self, info, resume, verbose, teacher)

    def enqueue(self, job: TrainingJob) -> TrainingJob:
        job.info.backend, job.info.node = "ray", ""
        self.store.save(job.info)
        with self._lock:
            self._jobs[job.run_id] = job
        job.launch()
        return job

    def waiting(self) -> list[TrainingJob]:
        return []  # nothing waits here: Ray starts each actor when a node has room

    def running(self) -> list[TrainingJob]:
        return list(self._jobs.values())

    def slots(self) -> int:
        return max(1, len(self._jobs))

    def training(self) -> int:
        with self._lock:
            jobs = list(self._jobs.values())
        return sum(1 for job in jobs if job.training_started and not job.done)

    def queue_position(self, run_id: str) -> int | None:
        """1 for the run Ray will place next (oldest first); None when not pending in Ray."""
        job = self.job(run_id)
        if job is None or job.training_started:
            return None  # ended, or placed: not waiting (whatever a second-old look at the table said)
        order = self._pending_runs()
        name = ACTOR_PREFIX + run_id
        return order.index(name) + 1 if name in order else None

    def _pending_runs(self) -> list[str]:
        checked, order = self._pending
        if time.time() - checked < 1.0:  # many pages ask at once: one look at the table a second
            return order
        try:
            actors = patches.ray_actor_table().values()  # from Ray's control store (no dashboard needed)
            pending = sorted(
                (actor["Timestamp"], actor["Name"])
                for actor in actors
                if actor["State"] in PENDING and actor["Name"].startswith(ACTOR_PREFIX)
            )
            order = [name for _, name in pending]
        except patches.PatchTargetMoved:
            raise  # an upgrade moved Ray's table: say so, never a silent fallback
        except Exception:  # noqa: BLE001 - e.g. Ray Client, which cannot read the table: our own
            with self._lock:
                jobs = list(self._jobs.values())
            order = [ACTOR_PREFIX + job.run_id for job in jobs if not job.training_started]
        self._pending = (time.time(), order)
        return order

    def wait_ready(self, timeout: float | None = None) -> bool:
        return ray.is_initialized()

    def close(self) -> None:
        pass  # runs on the cluster train on; their actors outlive this process by design

    # -- finding runs again -------------------------------------------------------------------------

    def attach(self, run_id: str, viewer: str | None = None) -> ClusterJob:
        """Follow a run's actor (started by another process) from the start of its record."""
        job = self.job(run_id)
        if job is not None:
            return job
        info = self.store.load(run_id, viewer)
        try:
            actor = ray.get_actor(ACTOR_PREFIX + run_id, namespace=NAMESPACE)
        except ValueError:
            raise ClassifierError("cluster.no_actor", run_id=run_id, status=info.status) from None
        job = ClusterJob(self, info, resume=False, verbose=0)
        with self._lock:
            self._jobs[run_id] = job
        job.adopt(actor)
        return job

    def adopt_all(self) -> list[ClusterJob]:
        """After a restart: follow every Ray run of this store still training on the cluster; those
        whose actor is gone (its machine died while no one watched) become interrupted."""
        adopted = []
        for info in self.store.list():
            if info.backend != "ray" or info.status not in ACTIVE:
                continue
            try:
                adopted.append(self.attach(info.run_id))
            except ClassifierError:
                job = ClusterJob(self, info, resume=False, verbose=0)
                job.lost()
        return adopted
