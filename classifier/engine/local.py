"""The local back-end: each run trains in its own worker process on this machine.

A worker is `python -m classifier.engine.worker`: it imports TensorFlow, waits for one job on
stdin, streams JSON progress events on stdout and writes the run's folder itself. The engine
keeps one spare worker warm (TensorFlow imported) so Start answers as fast as an in-process run,
and a reader thread per worker that folds its events into the job's record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORKER_MODULE = "classifier.engine.worker"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Training yields the CPU to the web server: workers run this much nicer than the server (0: as
# nice as the server). Each worker is the leader of its own session, so with Linux's autogroup
# scheduling (the default on desktops and most servers) the worker's group gets the same low
# priority (`/proc/self/autogroup`); a plain nice would only count inside the server's own group.
NICE_ENV = "CLASSIFIER_WORKER_NICE"
DEFAULT_NICE = 10


class WorkerProcess:
    """One worker process: started at once (warming up), given exactly one job later."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.setdefault(NICE_ENV, str(DEFAULT_NICE))
        self.process = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            env=env,
            cwd=os.getcwd(),
            start_new_session=True,  # its own scheduling group, which lower_priority makes nicer
        )
        self._stdin_lock = threading.Lock()
        self._ready = threading.Event()
        self._on_event: Callable[[dict[str, Any]], None] | None = None
        self._on_exit: Callable[[int], None] | None = None
        self._reader = threading.Thread(target=self._read, name=f"worker-{self.pid}", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once the worker has imported TensorFlow and waits for its job."""
        return self._ready.wait(timeout)

    def start(self, job: dict[str, Any], on_event: Callable[[dict[str, Any]], None], on_exit: Callable[[int], None]):
        """Hand the worker its job; events and the exit code arrive on the reader thread."""
        self._on_event, self._on_exit = on_event, on_exit
        self._send(json.dumps(job))

    def stop(self) -> None:
        """Ask for a stop after the batch in flight (a no-op once the worker has ended)."""
        self._send("stop")

    def discard(self) -> None:
        """An unused spare: closing its input ends it."""
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
        code = self.process.wait()
        if self._on_exit is not None:
            self._on_exit(code)
