"""Helpers for tests that reach inside the training worker (shared by the engine and schedule tests)."""

from __future__ import annotations

import threading

from classifier.core.config import Config
from classifier.core.runs import RunStore
from classifier.engine import worker

# What a finished run's folder holds, and nothing else.
FINISHED_RUN_FILES = {
    "config.json",
    "status.json",
    "history.jsonl",
    "model.keras",
    "predictions.npz",
    "batches.json",
    "timeline",  # filters and feature maps from initialisation on (tests/test_timeline.py)
    "tensorboard",  # TensorBoard scalars (classifier/training/schedules.py)
}


def train_in_this_process(
    store: RunStore, config: Config, on_event=None, stop=None, owner: str | None = None
) -> tuple[worker.Worker, list]:
    """The worker's own code, run here (not in a child process), so a test can reach inside."""
    events = []
    stop = stop or threading.Event()
    info = store.create(config, owner=owner)

    def emit(event):
        events.append(event)
        if on_event:
            on_event(event, stop)

    trainer = worker.Worker(worker.FolderSink(store, info.run_id), emit, stop, resume=False)
    trainer.run()
    return trainer, events
