"""The local back-end: each run trains in its own worker process on this machine.

`LocalEngine` keeps the queue itself: runs wait in fair order (plan.py) until one of
`max_concurrent` slots is free.

A worker is `python -m classifier.engine.worker`, forked from a process that has imported
TensorFlow already (forkserver.py): it waits for one job on stdin, streams JSON progress events
on stdout and writes the run's folder itself. The engine keeps one spare worker ready so Start
answers at once, and a reader thread per worker that folds its events into the job's record.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from classifier.core import machine
from classifier.core.limits import Limits
from classifier.core.messages import Message
from classifier.core.runs import ACTIVE, RunError, RunInfo, RunStore
from classifier.engine import forkserver, plan
from classifier.engine.base import Engine, TrainingJob
from classifier.engine.progress import Progress

DEFAULT_MAX_CONCURRENT = max(1, machine.usable_cores() // 2)
FAIR_WINDOW_S = 3 * 3600  # runs started this recently count towards a student's turn (about a lesson)


class WorkerProcess:
    """One worker process: forked at once (forkserver.py: TensorFlow already imported), given
    exactly one job later."""

    def __init__(self) -> None:
        self.process = forkserver.ForkedProcess("worker", stdin=True, stdout=True)
        self._stdin_lock = threading.Lock()
        self._ready = threading.Event()
        self._on_event: Callable[[dict[str, Any]], None] | None = None
        self._on_exit: Callable[[int], None] | None = None
        self._reported = False
        self._reader = threading.Thread(target=self._read, name="worker", daemon=True)
        self._reader.start()

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once the worker has imported what it needs and waits for its job (False once it
        has ended, or its fork server died and its end can no longer be known)."""
        return self._ready.wait(timeout) and self.alive()

    def start(self, job: dict[str, Any], on_event: Callable[[dict[str, Any]], None], on_exit: Callable[[int], None]):
        """Hand the worker its job; events and the exit code arrive on the reader thread."""
        with self._stdin_lock:
            self._on_event, self._on_exit = on_event, on_exit
            code = self._claim_exit()
        if code is not None:  # it ended before it was handed its job (its fork failed, say)
            on_exit(code)
        else:
            self._send(json.dumps(job))

    def stop(self) -> None:
        """Ask for a stop after the batch in flight (a no-op once the worker has ended)."""
        self._send("stop")

    def discard(self) -> None:
        """An unused spare: closing its input ends it."""
        with self._stdin_lock:
            try:
                self.process.stdin.close()
            except OSError:
                pass

    def _send(self, line: str) -> None:
        with self._stdin_lock:
            try:
                self.process.stdin.write(line + "\n")
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass  # the worker has ended; its exit is reported by the reader

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # not ours (a library printing to the real stdout): ignore it
            if event.get("kind") == "ready":
                self._ready.set()
            elif self._on_event is not None:
                self._on_event(event)
        self.process.wait()
        with self._stdin_lock:
            code = self._claim_exit()
        if code is not None:
            self._on_exit(code)

    def _claim_exit(self) -> int | None:
        """The exit code, to whichever of `start` and the reader comes first once the worker has
        ended and has a job to report it to (call with the lock held)."""
        if self._reported or self._on_exit is None or self.process.poll() is None:
            return None
        self._reported = True
        return self.process.poll()


class LocalJob(TrainingJob):
    """A run trained by a worker process here: its events fold into the record as they arrive."""

    def __init__(self, engine: LocalEngine, info: RunInfo, resume: bool, verbose: int, teacher: bool = False):
        super().__init__(engine, info, resume, verbose, teacher)
        self.engine: LocalEngine = engine
        self.worker: WorkerProcess | None = None

    def halt(self) -> None:
        if not self.engine.withdraw(self) and self.worker is not None:
            self.worker.stop()

    def start(self, worker: WorkerProcess) -> None:
        """Hand the run to a worker (called by the engine when a slot is free)."""
        self.worker = worker
        self.record = dataclasses.replace(self.record, status="running", started=time.time())
        job = {
            "run_id": self.run_id,
            "runs_root": str(self.engine.store.root.resolve()),
            "resume": self.resume,
            "verbose": self.verbose,
        }
        worker.start(job, self._on_event, self._on_exit)
        if self.stop_requested:
            worker.stop()

    def cancelled_in_queue(self) -> None:
        """The run left the queue before it started (called by the engine)."""
        info = self.info
        info.status, info.reason, info.finished = "stopped", Message("engine.cancelled_in_queue"), time.time()
        try:
            self.engine.store.save(info)
        except OSError:
            pass
        self.record = Progress.from_info(info, [])
        self.finish()

    def _on_event(self, event: dict[str, Any]) -> None:
        self.record = self.record.apply(event)

    def _on_exit(self, code: int) -> None:
        """The worker has ended. Its folder says how; a worker that died without saying gets a reason."""
        store = self.engine.store
        try:
            info = store.load(self.run_id)
            if info.status in ACTIVE or info.status == "interrupted":
                info.status, info.reason, info.finished = "failed", Message("engine.worker_died", {"code": code}), None
                store.save(info)
            self.info = info
            self.record = Progress.from_store(store, self.run_id)
        except (RunError, OSError):
            self.record = dataclasses.replace(
                self.record, status="failed", reason=Message("engine.worker_died", {"code": code})
            )
        self.finish()


class LocalEngine(Engine):
    """The queue on this machine: at most `max_concurrent` worker processes train at once, in fair
    order; one spare worker is kept warm (TensorFlow imported) so Start answers at once."""

    backend = "local"

    def __init__(
        self,
        store: RunStore | None = None,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        keep_spare: bool = True,
        limits: Limits | None = None,
        share: bool | None = None,
    ):
        super().__init__(store, limits, share)
        self.max_concurrent = max(1, int(max_concurrent))
        self.keep_spare = keep_spare
        self._queue: list[LocalJob] = []
        self._running: set[str] = set()
        self._started: list[tuple[float, frozenset[str]]] = []  # (when, whom for) of runs started here
        self._spare: WorkerProcess | None = WorkerProcess() if keep_spare else None

    def new_job(self, info: RunInfo, resume: bool, verbose: int, teacher: bool = False) -> LocalJob:
        return LocalJob(self, info, resume, verbose, teacher)

    def enqueue(self, job: TrainingJob) -> TrainingJob:
        with self._lock:
            self._jobs[job.run_id] = job
            self._queue.append(job)
        self._start_ready()
        return job

    def waiting(self) -> list[TrainingJob]:
        return self._ordered_queue()

    def running(self) -> list[TrainingJob]:
        return [self._jobs[i] for i in self._running if i in self._jobs]

    def slots(self) -> int:
        return self.max_concurrent

    def training(self) -> int:
        with self._lock:
            return len(self._running)

    def queue_position(self, run_id: str) -> int | None:
        with self._lock:
            order = [job.run_id for job in self._ordered_queue()]
        return order.index(run_id) + 1 if run_id in order else None

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

    def released(self, job: TrainingJob) -> None:
        with self._lock:
            self._running.discard(job.run_id)
        self._start_ready()

    def withdraw(self, job: LocalJob) -> bool:
        """Take a job out of the queue before it started (False if it was not waiting)."""
        with self._lock:
            if job not in self._queue:
                return False
            self._queue.remove(job)
        self.replan()
        job.cancelled_in_queue()
        return True

    # -- the queue --------------------------------------------------------------------------------

    def _owners(self, job: TrainingJob) -> frozenset[str]:
        """Whom a run is for: its owner, or every student following a shared training."""
        if job.info.recipe:
            owners = {e.info.owner or "" for e in self._entries.values() if e.training is job}
            return frozenset(owners) or frozenset({job.run_id})
        return frozenset({job.info.owner or job.run_id})

    def _ordered_queue(self) -> list[LocalJob]:
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
                    if worker is not None:
                        worker.discard()  # its fork server died: it may live on, waiting for input
                    worker = WorkerProcess()
                job.warm_start = worker.wait_ready(0)
                job.start(worker)
            if self.keep_spare and self._spare is None:
                self._spare = WorkerProcess()
        self.replan()
