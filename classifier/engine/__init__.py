"""The training engine: a queue of runs, each trained by a worker process that no page owns.

A page (or the CLI) submits a Config and gets a TrainingJob back at once. Jobs wait in a queue
until one of `max_concurrent` slots is free; then a worker process (classifier/engine/worker.py)
trains the run and writes its folder, while its progress events stream back into the job's
`Progress` record, which anyone may read at any time (`job.snapshot()`, or `engine.progress(id)`,
which also serves runs this engine never saw, from their folders). `job.request_stop(viewer)` ends
training after the batch in flight (its owner's request only).

The web server never trains in its own interpreter: Streamlit's script runs (which clear
Keras's state after every rerun) and the live charts cannot hold the training back.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from typing import Any

from classifier import machine
from classifier.config import Config
from classifier.engine.local import WorkerProcess
from classifier.engine.progress import BatchPoint, Progress
from classifier.limits import Limits
from classifier.messages import ClassifierError, Message
from classifier.runs import ACTIVE, PROCESS_TOKEN, RunError, RunInfo, RunStore, can_modify, can_view

__all__ = ["BatchPoint", "Engine", "Progress", "TrainingJob", "create_engine"]

DEFAULT_MAX_CONCURRENT = max(1, machine.usable_cores() // 2)


class TrainingJob:
    """One run as the engine sees it: its live record, its stop switch, its worker."""

    def __init__(self, engine: Engine, info: RunInfo, resume: bool, verbose: int):
        self.engine = engine
        self.info = info
        self.resume = resume
        self.verbose = verbose
        history = engine.store.history(info.run_id)[: info.checkpoint_epoch] if resume else []
        self._progress = Progress.from_info(info, history)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._worker: WorkerProcess | None = None

    @property
    def run_id(self) -> str:
        return self.info.run_id

    @property
    def config(self) -> Config:
        return self.info.config

    def snapshot(self) -> Progress:
        """The record as it stands (immutable: safe to keep and read without locks)."""
        progress = self._progress
        if progress.status == "queued":
            return dataclasses.replace(progress, queue_position=self.engine.queue_position(self.run_id))
        return progress

    def request_stop(self, viewer: str | None) -> None:
        """Stop after the batch in flight (or leave the queue, if not started yet). Only the run's
        owner may: any other viewer gets `run.not_owner_stop`, whatever the page showed them
        (`viewer=None` is the server's own code: the CLI, a sweep stopping its own runs)."""
        if not can_modify(self.info, viewer):
            raise RunError("run.not_owner_stop")
        self._stop.set()
        self._halt()

    def _halt(self) -> None:
        if not self.engine._cancel_if_queued(self) and self._worker is not None:
            self._worker.stop()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    # -- called by the engine ---------------------------------------------------------------------

    def _start(self, worker: WorkerProcess) -> None:
        self._worker = worker
        self._progress = dataclasses.replace(self._progress, status="running", started=time.time())
        job = {
            "run_id": self.run_id,
            "runs_root": str(self.engine.store.root.resolve()),
            "resume": self.resume,
            "verbose": self.verbose,
        }
        worker.start(job, self._on_event, self._on_exit)
        if self._stop.is_set():
            worker.stop()

    def _on_event(self, event: dict[str, Any]) -> None:
        self._progress = self._progress.apply(event)

    def _on_exit(self, code: int) -> None:
        """The worker has ended. Its folder says how; a worker that died without saying gets a reason."""
        store = self.engine.store
        try:
            info = store.load(self.run_id)
            if info.status in ACTIVE or info.status == "interrupted":
                info.status, info.reason, info.finished = "failed", Message("engine.worker_died", {"code": code}), None
                store.save(info)
            self.info = info
            self._progress = Progress.from_store(store, self.run_id)
        except (RunError, OSError):
            self._progress = dataclasses.replace(
                self._progress, status="failed", reason=Message("engine.worker_died", {"code": code})
            )
        self._finished()

    def _finished(self) -> None:
        self._done.set()
        self.engine._job_ended(self)


class Engine:
    """A process-wide queue of training runs, with a limit on how many train at once."""

    job_type = TrainingJob  # the Ray back-end (cluster.py) brings its own
    backend = "local"

    def __init__(
        self,
        store: RunStore | None = None,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        keep_spare: bool = True,
        limits: Limits | None = None,
    ):
        self.store = store or RunStore()
        self.max_concurrent = max(1, int(max_concurrent))
        self.keep_spare = keep_spare
        self.limits = limits or Limits.from_env()
        self._admit_lock = threading.Lock()  # a limit's check and the run it admits are one step
        self._lock = threading.Lock()
        self._jobs: dict[str, TrainingJob] = {}  # queued and training; ended jobs are dropped
        self._queue: list[TrainingJob] = []
        self._running: set[str] = set()
        self._spare: WorkerProcess | None = WorkerProcess() if keep_spare else None

    def submit(
        self,
        config: Config,
        owner: str | None = None,
        public: bool = False,
        verbose: int = 0,
        dataset_label: str = "",
        lesson: dict[str, str] | None = None,
        allowance: int | None = None,
    ) -> TrainingJob:
        """Queue a run and return its job at once; it starts when a slot is free.
        `verbose` is passed to Keras's fit (progress on stderr), for the CLI; `dataset_label`
        names an uploaded data set as its owner knows it (uploads are stored under random names);
        `lesson`: the lesson it comes from (classifier.lessons.Lesson.tag), kept with the run;
        `allowance`: how many of the owner's runs may be queued or training with this one
        (default: `limits.active_runs`; a sweep asks for its own size). A student over a limit
        gets `limits.active_runs` or `limits.kept_runs` and nothing is created."""
        with self._admit_lock:
            if owner is not None:
                self._check_limits(owner, allowance or self.limits.active_runs, new_run=True)
            info = self.store.create(config, owner=owner, public=public, dataset_name=dataset_label, lesson=lesson)
            return self._enqueue(self.job_type(self, info, resume=False, verbose=verbose))

    def active_runs(self, owner: str) -> int:
        """How many of this owner's runs are queued or training here."""
        with self._lock:
            return sum(job.info.owner == owner for job in self._jobs.values())

    def _check_limits(self, owner: str, allowance: int, new_run: bool) -> None:
        active = self.active_runs(owner)
        if active >= allowance:
            raise ClassifierError("limits.active_runs", count=active, limit=allowance)
        if new_run:
            kept = sum(info.owner == owner for info in self.store.list(owner))
            if kept >= self.limits.kept_runs:
                raise ClassifierError("limits.kept_runs", count=kept, limit=self.limits.kept_runs)

    def resume(self, run_id: str, viewer: str | None = None, verbose: int = 0) -> TrainingJob:
        """Continue an interrupted or stopped run from its last checkpoint to its planned epochs."""
        info = self.store.load(run_id, viewer)
        if not can_modify(info, viewer):
            raise RunError("run.not_owner_resume")
        if self.job(run_id) is not None or info.status in ACTIVE:
            raise RunError("run.still_training")
        if info.epochs_completed >= info.config.epochs:
            raise RunError("run.all_epochs_done")
        if viewer is not None:
            self._check_limits(viewer, self.limits.active_runs, new_run=False)
        if self.store.model_path(run_id) is None:
            info.checkpoint_epoch = 0  # nothing to continue from: start again, same run
        info = dataclasses.replace(
            info,
            status="queued",
            reason=None,
            finished=None,
            test_accuracy=None,
            test_loss=None,
            pid=os.getpid(),
            process=PROCESS_TOKEN,
            backend=self.backend,
            node="",
        )
        self.store.save(info)
        return self._enqueue(self.job_type(self, info, resume=True, verbose=verbose))

    def job(self, run_id: str) -> TrainingJob | None:
        """The job of a queued or training run of this engine; None once it has ended."""
        with self._lock:
            return self._jobs.get(run_id)

    def progress(self, run_id: str, viewer: str | None = None) -> Progress:
        """A run's record: live while this engine trains it, else from its folder."""
        job = self.job(run_id)
        if job is not None and can_view(job.info, viewer):
            return job.snapshot()
        return Progress.from_store(self.store, run_id, viewer)

    def training(self) -> int:
        """How many runs are training now."""
        with self._lock:
            return len(self._running)

    def queue_position(self, run_id: str) -> int | None:
        """1 for the next job to start; None when not queued."""
        with self._lock:
            for position, job in enumerate(self._queue, start=1):
                if job.run_id == run_id:
                    return position
        return None

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True when a spare worker has TensorFlow loaded (what a server has soon after it starts)."""
        spare = self._spare
        return spare is not None and spare.wait_ready(timeout)

    def close(self) -> None:
        """Drop the spare worker (running jobs train on; their workers end with them)."""
        with self._lock:
            spare, self._spare, self.keep_spare = self._spare, None, False
        if spare is not None:
            spare.discard()

    # -- the queue --------------------------------------------------------------------------------

    def _enqueue(self, job: TrainingJob) -> TrainingJob:
        with self._lock:
            self._jobs[job.run_id] = job
            self._queue.append(job)
        self._start_ready()
        return job

    def _start_ready(self) -> None:
        with self._lock:
            while self._queue and len(self._running) < self.max_concurrent:
                job = self._queue.pop(0)
                self._running.add(job.run_id)
                worker, self._spare = self._spare, None
                if worker is None or not worker.alive():
                    worker = WorkerProcess()
                job._start(worker)
            if self.keep_spare and self._spare is None:
                self._spare = WorkerProcess()

    def _cancel_if_queued(self, job: TrainingJob) -> bool:
        with self._lock:
            if job not in self._queue:
                return False
            self._queue.remove(job)
        info = job.info
        info.status, info.reason, info.finished = "stopped", Message("engine.cancelled_in_queue"), time.time()
        try:
            self.store.save(info)
        except OSError:
            pass
        job._progress = Progress.from_info(info, [])
        job._finished()
        return True

    def _job_ended(self, job: TrainingJob) -> None:
        with self._lock:
            self._running.discard(job.run_id)
            self._jobs.pop(job.run_id, None)
        self._start_ready()


RAY_ADDRESS_ENV = "CLASSIFIER_RAY_ADDRESS"
LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


def is_loopback(address: str) -> bool:
    host = address.split("://")[-1]
    return address == "local" or host.startswith(("127.", "localhost"))


def prepare_ray(address: str) -> None:
    """Call before the first `import ray`: Ray reads RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER once, on
    import, and unless it is 0 it swaps a loopback address for the machine's network address
    (see ../shared/NOTES.md). A cluster on this machine must stay on 127.0.0.1."""
    if is_loopback(address):
        os.environ.setdefault(LOOPBACK_ENV, "0")


def create_engine(
    store: RunStore | None = None, max_concurrent: int | None = None, address: str | None = None
) -> Engine:
    """The configured back-end: Ray when an address is given (or CLASSIFIER_RAY_ADDRESS is set:
    `auto`, `ray://host:10001`, `host:port`, or `local` for an embedded Ray), else worker
    processes on this machine. Ray is imported only here, so the default install does not need it."""
    address = address or os.environ.get(RAY_ADDRESS_ENV)
    if address:
        prepare_ray(address)
        try:
            from classifier.engine.cluster import ClusterEngine
        except ImportError:
            raise ClassifierError("cluster.ray_missing") from None
        return ClusterEngine(store, address)
    return Engine(store, max_concurrent=max_concurrent or DEFAULT_MAX_CONCURRENT)
