"""A long piece of work on its own thread: progress anyone may poll, a stop switch, a result.

The Challenges page uses it for work that is not a training run of the engine's queue (measuring
exported models, a Flower simulation): the page starts a Task, keeps only the object in a
process-wide registry, and redraws from `task.snapshot()` until it is done.

    task = Task(lambda report, stopped: work(progress=report, should_stop=stopped))
    task.start()
    task.snapshot()   # TaskSnapshot(status="running", fraction=0.4, message=Message(...), ...)
    task.request_stop()
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from classifier.core.messages import Message, as_message

Report = Callable[[float, Message, Any], None]  # (fraction done 0..1, what is happening, partial result)
Work = Callable[[Report, Callable[[], bool]], Any]


@dataclass(frozen=True)
class TaskSnapshot:
    status: str  # "running", "finished", "stopped", "failed"
    fraction: float
    message: Message | None
    partial: Any  # what the work has reported so far (e.g. the rounds done)
    result: Any
    error: Message | None
    elapsed: float

    @property
    def done(self) -> bool:
        return self.status != "running"


@dataclass
class Task:
    """Runs `work(report, stopped)` on a daemon thread; `stopped()` turns True after request_stop."""

    work: Work
    name: str = "task"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    _state: dict[str, Any] = field(default_factory=dict, repr=False)

    def start(self) -> Task:
        self._state.update(
            status="running", fraction=0.0, message=None, partial=None, result=None, error=None, started=time.time()
        )
        threading.Thread(target=self._run, name=self.name, daemon=True).start()
        return self

    def _report(self, fraction: float, message: Message, partial: Any = None) -> None:
        with self._lock:
            self._state.update(fraction=min(max(float(fraction), 0.0), 1.0), message=message)
            if partial is not None:
                self._state["partial"] = partial

    def _run(self) -> None:
        try:
            result = self.work(self._report, self._stop.is_set)
            status = "stopped" if self._stop.is_set() else "finished"
            with self._lock:
                self._state.update(status=status, result=result, fraction=1.0 if status == "finished" else None)
        except Exception as error:  # noqa: BLE001 - any failure ends as a readable status
            with self._lock:
                self._state.update(status="failed", error=as_message(error))
        finally:
            with self._lock:
                self._state["finished"] = time.time()
            self._done.set()

    def snapshot(self) -> TaskSnapshot:
        with self._lock:
            s = dict(self._state)
        end = s.get("finished") or time.time()
        return TaskSnapshot(
            status=s["status"],
            fraction=s["fraction"] if s["fraction"] is not None else 0.0,
            message=s["message"],
            partial=s["partial"],
            result=s["result"],
            error=s["error"],
            elapsed=end - s["started"],
        )

    def request_stop(self) -> None:
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)
