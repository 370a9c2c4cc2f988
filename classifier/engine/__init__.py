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

from classifier import machine, sharing, teachers
from classifier.config import Config
from classifier.engine import plan
from classifier.engine.local import WorkerProcess
from classifier.engine.progress import BatchPoint, Progress
from classifier.limits import Limits
from classifier.messages import ClassifierError, Message
from classifier.runs import ACTIVE, PROCESS_TOKEN, RunError, RunInfo, RunStore, can_modify, can_view

__all__ = ["BatchPoint", "Engine", "FollowerJob", "Progress", "TrainingJob", "create_engine"]

DEFAULT_MAX_CONCURRENT = max(1, machine.usable_cores() // 2)
STARTUP_SECONDS = 5.0  # a run's loading, building and testing, until one has been measured here
PLAN_SECONDS = 1.0  # many pages ask for the queue's times at once: worked out once a second
FAIR_WINDOW_S = 3 * 3600  # runs started this recently count towards a student's turn (about a lesson)


class _Job:
    """What every job of the engine has: its run's record, a stop switch and an end to wait for."""

    info: RunInfo
    _stop: threading.Event
    _done: threading.Event

    @property
    def run_id(self) -> str:
        return self.info.run_id

    @property
    def config(self) -> Config:
        return self.info.config

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()


class TrainingJob(_Job):
    """One run as the engine sees it: its live record, its stop switch, its worker."""

    def __init__(self, engine: Engine, info: RunInfo, resume: bool, verbose: int, teacher: bool = False):
        self.engine = engine
        self.info = info
        self.resume = resume
        self.verbose = verbose
        self.teacher = teacher  # goes before the students' runs in the queue
        self.crowded = False  # another run of this engine trained beside it at some point
        self.warm_start = False  # handed a spare worker that had TensorFlow loaded already
        self.arrival = engine._next_arrival()
        history = engine.store.history(info.run_id)[: info.checkpoint_epoch] if resume else []
        self._progress = Progress.from_info(info, history)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._worker: WorkerProcess | None = None

    def snapshot(self) -> Progress:
        """The record as it stands (immutable: safe to keep and read without locks)."""
        progress = self._progress
        if progress.status == "queued":
            start, end = self.engine.expected_times(self.run_id)
            return dataclasses.replace(
                progress,
                queue_position=self.engine.queue_position(self.run_id),
                expected_start=start,
                expected_end=end,
            )
        if not progress.done:
            return dataclasses.replace(progress, expected_end=self.engine.expected_times(self.run_id)[1])
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
        self.engine._learn_timing(self)  # before anyone waiting on the run reads what it taught
        self._done.set()
        self.engine._job_ended(self)


class FollowerJob(_Job):
    """A student's entry on a shared training (classifier/sharing.py), as the engine sees it: the
    training's live record under the entry's own id, and a Stop that is the student's alone (it
    leaves; the training stops only when the last student has left)."""

    def __init__(self, engine: Engine, info: RunInfo, training: TrainingJob | None):
        self.engine = engine
        self.info = info
        self.training = training
        self._stop = threading.Event()
        self._done = threading.Event()
        if training is None:
            self._done.set()

    @property
    def training_id(self) -> str:
        return self.info.shared

    def snapshot(self) -> Progress:
        students = len(sharing.followers(self.engine.store, self.training_id))
        training = self.training
        if training is not None and not self._done.is_set():
            progress = training.snapshot()
        else:
            progress = Progress.from_store(self.engine.store, self.run_id)
        return dataclasses.replace(progress, run_id=self.run_id, students=students)

    def request_stop(self, viewer: str | None) -> None:
        """Leave the shared training: this entry keeps what was trained so far. Only the entry's
        owner may (`run.not_owner_stop` for anyone else); the training itself has no owner to ask."""
        if not can_modify(self.info, viewer):
            raise RunError("run.not_owner_stop")
        if not self._stop.is_set():
            self._stop.set()
            self.engine._leave(self)

    def _finished(self) -> None:
        self._done.set()
        self.engine._entry_ended(self)


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
        share: bool | None = None,
    ):
        self.store = store or RunStore()
        self.max_concurrent = max(1, int(max_concurrent))
        self.keep_spare = keep_spare
        self.limits = limits or Limits.from_env()
        self._admit_lock = threading.Lock()  # a limit's check and the run it admits are one step
        self.share = sharing.enabled() if share is None else share  # the same training done once
        self._lock = threading.Lock()
        self._share_lock = threading.RLock()  # joining and leaving shared trainings, one at a time
        self._jobs: dict[str, TrainingJob] = {}  # queued and training; ended jobs are dropped
        self._entries: dict[str, FollowerJob] = {}  # students' entries on a live shared training
        self._finished_recipes: dict[str, str] | None = None  # recipe -> finished training, read once
        self._queue: list[TrainingJob] = []
        self._running: set[str] = set()
        self._arrivals = 0
        self._started: list[tuple[float, frozenset[str]]] = []  # (when, whom for) of runs started here
        self._epoch_rates: dict[str, float] = {}  # seconds per training image, measured here, by network
        self._startup: float | None = None  # a run's seconds outside its epochs, measured here
        self._plan: tuple[float, dict[str, tuple[float, float] | None], list[str]] = (0.0, {}, [])
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
        teacher: bool = False,
    ) -> TrainingJob | FollowerJob:
        """Queue a run and return its job at once; it starts when a slot is free.
        `verbose` is passed to Keras's fit (progress on stderr), for the CLI; `dataset_label`
        names an uploaded data set as its owner knows it (uploads are stored under random names);
        `lesson`: the lesson it comes from (classifier.lessons.Lesson.tag), kept with the run;
        `allowance`: how many of the owner's runs may be queued or training with this one
        (default: `limits.active_runs`; a sweep asks for its own size). A student over a limit
        gets `limits.active_runs` or `limits.kept_runs` and nothing is created.
        `teacher`: the run goes before the students' in the queue, as does a lesson run of the
        owner who made that lesson's class (classifier/teachers.py). A lesson run whose recipe is
        already queued, training or trained in its class follows that training (a FollowerJob)."""
        teacher = teacher or teachers.teaches(self.store, lesson, owner)
        with self._admit_lock:
            if owner is not None:
                self._check_limits(owner, allowance or self.limits.active_runs, new_run=True)
            recipe = sharing.recipe_key(config, lesson) if self.share and not dataset_label else None
            if recipe is not None:
                return self._join(recipe, config, owner, public, lesson, teacher, verbose)
            info = self.store.create(config, owner=owner, public=public, dataset_name=dataset_label, lesson=lesson)
            return self._enqueue(self.job_type(self, info, resume=False, verbose=verbose, teacher=teacher))

    def active_runs(self, owner: str) -> int:
        """How many of this owner's runs are queued or training here (entries on shared trainings too)."""
        with self._lock:
            jobs = [*self._jobs.values(), *self._entries.values()]
        return sum(job.info.owner == owner for job in jobs)

    def _check_limits(self, owner: str, allowance: int, new_run: bool) -> None:
        active = self.active_runs(owner)
        if active >= allowance:
            raise ClassifierError("limits.active_runs", count=active, limit=allowance)
        if new_run:
            kept = sum(info.owner == owner for info in self.store.list(owner))
            if kept >= self.limits.kept_runs:
                raise ClassifierError("limits.kept_runs", count=kept, limit=self.limits.kept_runs)

    def resume(self, run_id: str, viewer: str | None = None, verbose: int = 0) -> TrainingJob | FollowerJob:
        """Continue an interrupted or stopped run from its last checkpoint to its planned epochs
        (a student's entry on a shared training resumes that training, for everyone on it)."""
        info = self.store.load(run_id, viewer)
        if not can_modify(info, viewer):
            raise RunError("run.not_owner_resume")
        if self.job(run_id) is not None or info.status in ACTIVE:
            raise RunError("run.still_training")
        if info.follows:
            if viewer is not None:
                self._check_limits(viewer, self.limits.active_runs, new_run=False)
            with self._share_lock:
                training = self.resume(info.follows, None, verbose)
                self._follow_again(training)
                return self._entries.get(run_id) or FollowerJob(self, info, None)
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

    def job(self, run_id: str) -> TrainingJob | FollowerJob | None:
        """The job of a queued or training run of this engine (or a student's entry on a shared
        training); None once it has ended."""
        with self._lock:
            return self._jobs.get(run_id) or self._entries.get(run_id)

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
            order = [job.run_id for job in self._ordered_queue()]
        return order.index(run_id) + 1 if run_id in order else None

    def expected_times(self, run_id: str) -> tuple[float | None, float | None]:
        """(expected start, expected end) of a queued run, or (None, expected end) of a training
        one, as times since the epoch; None where this server cannot tell yet."""
        times = self._planned()[1].get(run_id)
        return times if times is not None else (None, None)

    def replan(self) -> None:
        """Work the queue's times out afresh at the next look (they are kept for PLAN_SECONDS): for
        a caller that needs them as of now, e.g. right after a run of the queue learnt its time."""
        self._plan = (0.0, {}, [])

    def _planned(self) -> tuple[float, dict[str, tuple[float, float] | None], list[str]]:
        checked = self._plan[0]
        if time.time() - checked < PLAN_SECONDS:
            return self._plan
        with self._lock:
            queue, running = self._ordered_queue(), [self._jobs[i] for i in self._running if i in self._jobs]
        now = time.time()
        remaining = [self._remaining(job) for job in running]
        times = plan.expected_times(self.max_concurrent, remaining, [self._duration(job) for job in queue], now)
        planned: dict[str, tuple[float, float] | None] = dict(zip((job.run_id for job in queue), times))
        for job, left in zip(running, remaining):
            planned[job.run_id] = (job._progress.started or now, now + left) if left is not None else None
        self._plan = (now, planned, [job.run_id for job in queue])
        return self._plan

    # -- how long runs take here ------------------------------------------------------------------

    def _network(self, config: Config) -> str:
        from classifier import estimate

        sizes = plan.planned_images(config)
        return estimate.cache_key(config, sizes[2] if sizes else 10)

    def _duration(self, job: TrainingJob) -> float | None:
        """Seconds a queued run will take from its start: epochs × the epoch time measured here."""
        sizes = plan.planned_images(job.config)
        if sizes is None:
            return None
        trained, validated, classes = sizes
        rate = self._epoch_rates.get(self._network(job.config))
        if rate is not None:
            epoch = rate * trained
        else:
            from classifier import estimate

            rates = estimate.cached_rates(job.config, classes)
            if rates is None:
                return None
            epoch = estimate.epoch_seconds(rates, trained, validated)
        epochs = job.config.epochs - (job.info.checkpoint_epoch if job.resume else 0)
        return epochs * epoch + (self._startup if self._startup is not None else STARTUP_SECONDS)

    def _remaining(self, job: TrainingJob) -> float | None:
        progress = job._progress
        if progress.eta is not None:
            return progress.eta
        duration = self._duration(job)
        if duration is None:
            return None
        return max(0.0, duration - progress.elapsed)

    def _learn_timing(self, job: TrainingJob) -> None:
        """A finished run's epochs teach the plan how fast this machine trains this network."""
        progress = job._progress
        epochs = [r for r in progress.history if r.get("images_per_second")]
        if not epochs or progress.status != "finished" or not job.info.train_images:
            return
        seconds = sorted(r["seconds"] for r in epochs)[len(epochs) // 2]
        self._epoch_rates[self._network(job.config)] = seconds / job.info.train_images
        if progress.started and progress.finished and job.warm_start:
            # Learnt from warm starts only: a queued run starts on the spare worker, TensorFlow
            # loaded; a cold start's import (a minute on a busy machine) made every queued run late.
            outside = (progress.finished - progress.started) - sum(r["seconds"] for r in progress.history)
            self._startup = max(0.0, outside)
        sizes = plan.planned_images(job.config)
        if self.backend == "local" and not job.crowded and sizes is not None:
            # Its epochs ran alone on this machine: the truth replaces the timed-step estimate.
            from classifier import estimate

            validated, classes = sizes[1:]
            estimate.correct(job.config, classes, job.info.train_images, validated, [r["seconds"] for r in epochs])

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

    def _next_arrival(self) -> int:
        with self._lock:
            self._arrivals += 1
            return self._arrivals

    def _owners(self, job: TrainingJob) -> frozenset[str]:
        """Whom a run is for: its owner, or every student following a shared training."""
        if job.info.recipe:
            owners = {e.info.owner or "" for e in self._entries.values() if e.training is job}
            return frozenset(owners) or frozenset({job.run_id})
        return frozenset({job.info.owner or job.run_id})

    def _ordered_queue(self) -> list[TrainingJob]:
        """The queue in fair order (classifier/engine/plan.py); call with the lock held."""
        by_id = {job.run_id: job for job in self._queue}
        waiting = [plan.Waiting(job.run_id, self._owners(job), job.teacher, job.arrival) for job in self._queue]
        recent = time.time() - FAIR_WINDOW_S
        self._started = [(when, owners) for when, owners in self._started if when >= recent]
        return [by_id[w.run_id] for w in plan.fair_order(waiting, [owners for _, owners in self._started])]

    def _start_ready(self) -> None:
        with self._lock:
            while self._queue and len(self._running) < self.max_concurrent:
                job = self._ordered_queue()[0]
                self._queue.remove(job)
                self._started.append((time.time(), self._owners(job)))
                self._running.add(job.run_id)
                if len(self._running) > 1:  # their epochs share the cores: not this machine's figure
                    for running in self._running:
                        if running in self._jobs:
                            self._jobs[running].crowded = True
                worker, self._spare = self._spare, None
                if worker is None or not worker.alive():
                    worker = WorkerProcess()
                job.warm_start = worker.wait_ready(0)
                job._start(worker)
            if self.keep_spare and self._spare is None:
                self._spare = WorkerProcess()
        self._plan = (0.0, {}, [])  # the queue moved: work the times out again

    def _cancel_if_queued(self, job: TrainingJob) -> bool:
        with self._lock:
            if job not in self._queue:
                return False
            self._queue.remove(job)
        self._plan = (0.0, {}, [])
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
            entries = [entry for entry in self._entries.values() if entry.training is job]
        if job.info.recipe and job._progress.status == "finished" and self._finished_recipes is not None:
            self._finished_recipes[job.info.recipe] = job.run_id
        for entry in entries:  # their status is the training's, read from its folder from now on
            entry._finished()
        self._start_ready()

    # -- the same training done once (classifier/sharing.py) --------------------------------------

    def _join(self, recipe, config, owner, public, lesson, teacher, verbose) -> FollowerJob:
        """A student's entry on the training of `recipe`: the live one, a finished one, or a new one."""
        with self._share_lock:
            training = self._live_training(recipe)
            finished = None if training is not None else self._finished_training(recipe)
            new = training is None and finished is None
            if new:
                info = self.store.create(config, owner=sharing.SHARED_OWNER)
                info.recipe = recipe
                self.store.save(info)
                training = self.job_type(self, info, resume=False, verbose=verbose, teacher=teacher)
            training_id = training.run_id if training is not None else finished
            entry_info = self.store.create(config, owner=owner, public=public, lesson=lesson)
            entry_info.follows = entry_info.shared = training_id
            self.store.save(entry_info)
            sharing.link(self.store, entry_info.run_id, training_id)
            sharing.write_followers(
                self.store, training_id, [*sharing.followers(self.store, training_id), entry_info.run_id]
            )
            entry = FollowerJob(self, self.store.load(entry_info.run_id), training)
            if training is not None:
                training.teacher = training.teacher or teacher
                with self._lock:
                    self._entries[entry.run_id] = entry
                if training.done:  # it ended as we joined: the entry reads it from its folder
                    entry._finished()
            if new:
                self._enqueue(training)
            self._plan = (0.0, {}, [])
            return entry

    def _live_training(self, recipe: str) -> TrainingJob | None:
        with self._lock:
            jobs = list(self._jobs.values())
        return next((j for j in jobs if j.info.recipe == recipe and not j.stop_requested and not j.done), None)

    def _finished_training(self, recipe: str) -> str | None:
        if self._finished_recipes is None:  # once per engine: the trainings finished before it started
            self._finished_recipes = {
                info.recipe: info.run_id
                for info in reversed(self.store.list())
                if info.recipe and info.owner == sharing.SHARED_OWNER and info.status == "finished"
            }
        return self._finished_recipes.get(recipe)

    def _leave(self, entry: FollowerJob) -> None:
        """A student stops their entry: it keeps a copy of what was trained so far; the training
        stops only when no one follows it any more."""
        with self._share_lock:
            if entry.done:
                return  # the training ended first: the entry has its results
            training_id = entry.training_id
            staying = [i for i in sharing.followers(self.store, training_id) if i != entry.run_id]
            sharing.write_followers(self.store, training_id, staying)
            training = entry.training
            queued = training is not None and training._progress.status == "queued"
            epochs = sharing.keep_copy(self.store, entry.run_id)
            info = self.store.load(entry.run_id)
            self.store.save(sharing.left_at(info, epochs, queued))
            entry.info = self.store.load(entry.run_id)
        if training is not None and not staying:
            training.request_stop(None)  # the last one to leave: the engine's own request
        entry._finished()
        self._plan = (0.0, {}, [])

    def _entry_ended(self, entry: FollowerJob) -> None:
        with self._lock:
            if self._entries.get(entry.run_id) is entry:
                del self._entries[entry.run_id]

    def _follow_again(self, training: TrainingJob) -> None:
        """The students still on a training (after a restart, or a resume) follow it live again."""
        for entry_id in sharing.followers(self.store, training.run_id):
            try:
                info = self.store.load(entry_id)
            except RunError:
                continue
            if info.follows == training.run_id:
                with self._lock:
                    if entry_id not in self._entries:
                        self._entries[entry_id] = FollowerJob(self, info, training)


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
