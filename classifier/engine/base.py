"""What every back-end of the engine shares: the abstract queue of runs and the jobs in it.

`Engine` takes runs in (limits, shared trainings, resume), keeps the jobs of the runs it has in
flight and works out when each will end; where and how a run trains is a back-end's: `LocalEngine`
(local.py: a worker process per run on this machine) or `ClusterEngine` (cluster.py: a Ray actor per
run). A back-end brings its own `TrainingJob` and fills in the abstract methods below; nothing else.

A job tells its engine that it ended (`Engine.job_ended`, `Engine.entry_ended`), and a student's
entry asks to leave (`Engine.leave`): that is the whole protocol between the two.
"""

from __future__ import annotations

import abc
import dataclasses
import os
import statistics
import threading
import time

from classifier.core import teachers
from classifier.core.config import Config
from classifier.core.limits import Limits
from classifier.core.messages import ClassifierError
from classifier.core.runs import ACTIVE, RunError, RunInfo, RunStore, can_modify, can_view, process_token
from classifier.engine import plan, sharing
from classifier.engine.progress import Progress
from classifier.training import estimate

STARTUP_SECONDS = 5.0  # a run's loading, building and testing, until one has been measured here
PLAN_SECONDS = 1.0  # many pages ask for the queue's times at once: worked out once a second


class Job:
    """What every job of the engine has: its run's record, a stop switch and an end to wait for."""

    info: RunInfo
    stop_event: threading.Event
    done_event: threading.Event

    @property
    def run_id(self) -> str:
        return self.info.run_id

    @property
    def config(self) -> Config:
        return self.info.config

    @property
    def stop_requested(self) -> bool:
        return self.stop_event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self.done_event.wait(timeout)

    @property
    def done(self) -> bool:
        return self.done_event.is_set()


class TrainingJob(Job, abc.ABC):
    """One run as the engine sees it: its live record (`record`, kept up to date by the back-end)
    and its stop switch. A back-end says how a run is stopped (`halt`)."""

    def __init__(self, engine: Engine, info: RunInfo, resume: bool, verbose: int, teacher: bool = False):
        self.engine = engine
        self.info = info
        self.resume = resume
        self.verbose = verbose
        self.teacher = teacher  # goes before the students' runs in the queue
        self.crowded = False  # another run of this engine trained beside it at some point
        self.warm_start = False  # handed a spare worker that had TensorFlow loaded already
        self.arrival = engine.next_arrival()
        history = engine.store.history(info.run_id)[: info.checkpoint_epoch] if resume else []
        self.record = Progress.from_info(info, history)
        self.stop_event = threading.Event()
        self.done_event = threading.Event()

    def snapshot(self) -> Progress:
        """The record as it stands, with the queue's expectations (immutable: safe to keep and read
        without locks)."""
        progress = self.record
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
        self.stop_event.set()
        self.halt()

    @abc.abstractmethod
    def halt(self) -> None:
        """Stop the training after the batch in flight, or take the run out of the queue."""

    def finish(self) -> None:
        """The run has ended and its record is final: tell the engine."""
        self.engine._learn_timing(self)  # before anyone waiting on the run reads what it taught
        self.done_event.set()
        self.engine.job_ended(self)


class FollowerJob(Job):
    """A student's entry on a shared training (classifier/engine/sharing.py), as the engine sees it: the
    training's live record under the entry's own id, and a Stop that is the student's alone (it
    leaves; the training stops only when the last student has left)."""

    def __init__(self, engine: Engine, info: RunInfo, training: TrainingJob | None):
        self.engine = engine
        self.info = info
        self.training = training
        self.stop_event = threading.Event()
        self.done_event = threading.Event()
        if training is None:
            self.done_event.set()

    @property
    def training_id(self) -> str:
        return self.info.shared

    def snapshot(self) -> Progress:
        students = len(sharing.followers(self.engine.store, self.training_id))
        training = self.training
        if training is not None and not self.done_event.is_set():
            progress = training.snapshot()
        else:
            progress = Progress.from_store(self.engine.store, self.run_id)
        return dataclasses.replace(progress, run_id=self.run_id, students=students)

    def request_stop(self, viewer: str | None) -> None:
        """Leave the shared training: this entry keeps what was trained so far. Only the entry's
        owner may (`run.not_owner_stop` for anyone else); the training itself has no owner to ask."""
        if not can_modify(self.info, viewer):
            raise RunError("run.not_owner_stop")
        if not self.stop_event.is_set():
            self.stop_event.set()
            self.engine.leave(self)

    def finish(self) -> None:
        self.done_event.set()
        self.engine.entry_ended(self)


class Engine(abc.ABC):
    """A process-wide queue of training runs. A back-end says where runs train (`new_job`,
    `enqueue`), what waits (`waiting`), and how many train at once (`slots`, `training`)."""

    backend = ""  # written into each run's status: "local" or "ray"

    def __init__(self, store: RunStore | None = None, limits: Limits | None = None, share: bool | None = None):
        self.store = store or RunStore()
        self.limits = limits or Limits.from_env()
        self._admit_lock = threading.Lock()  # a limit's check and the run it admits are one step
        self.share = sharing.enabled() if share is None else share  # the same training done once
        self._lock = threading.Lock()
        self._share_lock = threading.RLock()  # joining and leaving shared trainings, one at a time
        self._jobs: dict[str, TrainingJob] = {}  # queued and training; ended jobs are dropped
        self._entries: dict[str, FollowerJob] = {}  # students' entries on a live shared training
        self._finished_recipes: dict[str, str] | None = None  # recipe -> finished training, read once
        self._arrivals = 0
        # Seconds per training image measured here, by network: in a run's first epoch (it traces the
        # graph) and in each later one; a short run is mostly its first epoch.
        self._epoch_rates: dict[str, tuple[float, float]] = {}
        self._startup: float | None = None  # a run's seconds outside its epochs, measured here
        self._plan: tuple[float, dict[str, tuple[float, float] | None], list[str]] = (0.0, {}, [])

    # -- what a back-end brings -------------------------------------------------------------------

    @abc.abstractmethod
    def new_job(self, info: RunInfo, resume: bool, verbose: int, teacher: bool = False) -> TrainingJob:
        """This back-end's job for a run (not started yet: `enqueue` starts it)."""

    @abc.abstractmethod
    def enqueue(self, job: TrainingJob) -> TrainingJob:
        """Take the job in: it trains when the back-end has room."""

    @abc.abstractmethod
    def waiting(self) -> list[TrainingJob]:
        """The jobs waiting for a slot here, next first (empty where another scheduler queues them)."""

    @abc.abstractmethod
    def running(self) -> list[TrainingJob]:
        """The jobs that hold a slot (training, or placed and starting)."""

    @abc.abstractmethod
    def slots(self) -> int:
        """How many runs may train at once."""

    @abc.abstractmethod
    def training(self) -> int:
        """How many runs are training now."""

    @abc.abstractmethod
    def queue_position(self, run_id: str) -> int | None:
        """1 for the next job to start; None when not waiting."""

    @abc.abstractmethod
    def wait_ready(self, timeout: float | None = None) -> bool:
        """True when the back-end can start a run at once."""

    @abc.abstractmethod
    def close(self) -> None:
        """Let go of what waits for runs (running jobs train on)."""

    def released(self, job: TrainingJob) -> None:  # noqa: B027 - a hook: most back-ends need nothing
        """A job has ended and left `_jobs`: a back-end frees its slot here."""

    # -- taking runs in ---------------------------------------------------------------------------

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
        `lesson`: the lesson it comes from (classifier.teach.lessons.Lesson.tag), kept with the run;
        `allowance`: how many of the owner's runs may be queued or training with this one
        (default: `limits.active_runs`; a sweep asks for its own size). A student over a limit
        gets `limits.active_runs` or `limits.kept_runs` and nothing is created.
        `teacher`: the run goes before the students' in the queue, as does a lesson run of the
        owner who made that lesson's class (classifier/core/teachers.py). A lesson run whose recipe is
        already queued, training or trained in its class follows that training (a FollowerJob)."""
        teacher = teacher or teachers.teaches(self.store, lesson, owner)
        with self._admit_lock:
            if owner is not None:
                self._check_limits(owner, allowance or self.limits.active_runs, new_run=True)
            recipe = sharing.recipe_key(config, lesson) if self.share and not dataset_label else None
            if recipe is not None:
                return self._join(recipe, config, owner, public, lesson, teacher, verbose)
            info = self.store.create(config, owner=owner, public=public, dataset_name=dataset_label, lesson=lesson)
            return self.enqueue(self.new_job(info, resume=False, verbose=verbose, teacher=teacher))

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
                self.follow_again(training)
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
            process=process_token(),
            backend=self.backend,
            node="",
        )
        self.store.save(info)
        return self.enqueue(self.new_job(info, resume=True, verbose=verbose))

    def next_arrival(self) -> int:
        """The submission order of a new job."""
        with self._lock:
            self._arrivals += 1
            return self._arrivals

    # -- reading runs -----------------------------------------------------------------------------

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

    def expected_times(self, run_id: str) -> tuple[float | None, float | None]:
        """(expected start, expected end) of a queued run, or (None, expected end) of a training
        one, as times since the epoch; None where this server cannot tell yet."""
        times = self._planned()[1].get(run_id)
        return times if times is not None else (None, None)

    def replan(self) -> None:
        """The queue moved: work the times out again at the next question."""
        self._plan = (0.0, {}, [])

    def _planned(self) -> tuple[float, dict[str, tuple[float, float] | None], list[str]]:
        checked = self._plan[0]
        if time.time() - checked < PLAN_SECONDS:
            return self._plan
        with self._lock:
            queue, running = self.waiting(), self.running()
        now = time.time()
        remaining = [self._remaining(job) for job in running]
        times = plan.expected_times(self.slots(), remaining, [self._duration(job) for job in queue], now)
        planned: dict[str, tuple[float, float] | None] = dict(zip((job.run_id for job in queue), times))
        for job, left in zip(running, remaining):
            planned[job.run_id] = (job.record.started or now, now + left) if left is not None else None
        self._plan = (now, planned, [job.run_id for job in queue])
        return self._plan

    # -- how long runs take here ------------------------------------------------------------------

    def _network(self, config: Config) -> str:
        sizes = plan.planned_images(config)
        return estimate.cache_key(config, sizes[2] if sizes else 10)

    def _duration(self, job: TrainingJob) -> float | None:
        """Seconds a queued run will take from its start: its epochs at the times measured here (the
        first, which traces the graph, apart from the later ones), else at the estimate's, plus start-up."""
        sizes = plan.planned_images(job.config)
        if sizes is None:
            return None
        trained, validated, classes = sizes
        epochs = job.config.epochs - (job.info.checkpoint_epoch if job.resume else 0)
        startup = self._startup if self._startup is not None else STARTUP_SECONDS
        learnt = self._epoch_rates.get(self._network(job.config))
        if learnt is not None:
            first, later = (rate * trained for rate in learnt)
            return (first + (epochs - 1) * later if epochs > 0 else 0.0) + startup
        rates = estimate.cached_rates(job.config, classes)
        if rates is None:
            return None
        return epochs * estimate.epoch_seconds(rates, trained, validated) + startup

    def _remaining(self, job: TrainingJob) -> float | None:
        progress = job.record
        if progress.eta is not None:
            return progress.eta
        duration = self._duration(job)
        if duration is None:
            return None
        return max(0.0, duration - progress.elapsed)

    def _learn_timing(self, job: TrainingJob) -> None:
        """A finished run's epochs teach the plan how fast this machine trains this network."""
        progress = job.record
        epochs = [r for r in progress.history if r.get("images_per_second")]
        if not epochs or progress.status != "finished" or not job.info.train_images:
            return
        seconds = [r["seconds"] for r in epochs]
        later = statistics.median(seconds[1:]) if len(seconds) > 1 else seconds[0]
        self._epoch_rates[self._network(job.config)] = (
            seconds[0] / job.info.train_images,
            later / job.info.train_images,
        )
        if progress.started and progress.finished and job.warm_start:
            # Learnt from warm starts only: a queued run starts on the spare worker, TensorFlow
            # loaded; a cold start's import (a minute on a busy machine) made every queued run late.
            outside = (progress.finished - progress.started) - sum(r["seconds"] for r in progress.history)
            self._startup = max(0.0, outside)
        sizes = plan.planned_images(job.config)
        if self.backend == "local" and not job.crowded and sizes is not None:
            # Its epochs ran alone on this machine: the truth replaces the timed-step estimate.
            validated, classes = sizes[1:]
            estimate.correct(job.config, classes, job.info.train_images, validated, [r["seconds"] for r in epochs])

    # -- a job's end ------------------------------------------------------------------------------

    def job_ended(self, job: TrainingJob) -> None:
        """Called by the job once its record is final."""
        with self._lock:
            self._jobs.pop(job.run_id, None)
            entries = [entry for entry in self._entries.values() if entry.training is job]
        self.released(job)
        if job.info.recipe and job.record.status == "finished" and self._finished_recipes is not None:
            self._finished_recipes[job.info.recipe] = job.run_id
        for entry in entries:  # their status is the training's, read from its folder from now on
            entry.finish()
        self.replan()

    # -- the same training done once (classifier/engine/sharing.py) --------------------------------

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
                training = self.new_job(info, resume=False, verbose=verbose, teacher=teacher)
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
                    entry.finish()
            if new:
                self.enqueue(training)
            self.replan()
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

    def leave(self, entry: FollowerJob) -> None:
        """A student stops their entry: it keeps a copy of what was trained so far; the training
        stops only when no one follows it any more."""
        with self._share_lock:
            if entry.done:
                return  # the training ended first: the entry has its results
            training_id = entry.training_id
            staying = [i for i in sharing.followers(self.store, training_id) if i != entry.run_id]
            sharing.write_followers(self.store, training_id, staying)
            training = entry.training
            queued = training is not None and training.record.status == "queued"
            epochs = sharing.keep_copy(self.store, entry.run_id)
            info = self.store.load(entry.run_id)
            self.store.save(sharing.left_at(info, epochs, queued))
            entry.info = self.store.load(entry.run_id)
        if training is not None and not staying:
            training.request_stop(None)  # the last one to leave: the engine's own request
        entry.finish()
        self.replan()

    def entry_ended(self, entry: FollowerJob) -> None:
        """Called by a student's entry once it has ended."""
        with self._lock:
            if self._entries.get(entry.run_id) is entry:
                del self._entries[entry.run_id]

    def follow_again(self, training: TrainingJob) -> None:
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
