"""What the commands share: printing results, the runs folder, models by name, and the one place
the command line makes an engine (`open_engine`)."""

from __future__ import annotations

import argparse
import json
import platform
import sys
from typing import Any

from classifier.core.predict import LoadedModel, resolve
from classifier.core.runs import RunStore
from classifier.engine import Engine, LocalEngine, TrainingJob, create_engine


def emit(values: dict[str, Any]) -> None:
    print(json.dumps(values), flush=True)


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def store(args: argparse.Namespace) -> RunStore:
    return RunStore(args.runs_dir)


def resolve_model(name: str, runs_dir: str | None) -> LoadedModel:
    """'default', a path, or a run id -> LoadedModel (the pages find a run's model the same way)."""
    return resolve(name, RunStore(runs_dir))


def open_engine(args: argparse.Namespace, address: str | None = None, here: bool = False) -> Engine:
    """The command line's engine: one run at a time, no spare worker kept warm, on the Ray cluster
    that `address`, --ray or CLASSIFIER_RAY_ADDRESS names (a run there is a detached actor: it
    trains on if this process is killed), else a worker process here. `here`: always this machine
    (a sweep's runs, with a spare worker for the next point)."""
    if here:
        return LocalEngine(store(args), max_concurrent=1)
    return create_engine(store(args), 1, address or getattr(args, "ray", None), keep_spare=False, adopt=False)


def follow(job: TrainingJob, engine: Engine, quiet: bool = False) -> int:
    """Wait for a job, showing Keras's progress on stderr (on Ray: a line per epoch); Ctrl-C stops it cleanly."""
    print(f"run {job.run_id}: {engine.store.path(job.run_id)}", file=sys.stderr)
    shown = len(job.snapshot().history)
    try:
        while not job.wait(0.5):
            history = job.snapshot().history
            if engine.backend == "ray" and not quiet and len(history) > shown:
                for record in history[shown:]:
                    print(json.dumps(record), file=sys.stderr)
                shown = len(history)
    except KeyboardInterrupt:
        print("stopping after this batch...", file=sys.stderr)
        job.request_stop(viewer=None)  # the person at the terminal runs the server
        job.wait()
    return final_line(engine.store, job.run_id)


def final_line(store: RunStore, run_id: str) -> int:
    """The one JSON line train, resume and attach end with."""
    info = store.load(run_id)
    history = store.history(run_id)
    emit(
        {
            "run_id": info.run_id,
            "run_dir": str(store.path(info.run_id).resolve()),
            "status": info.status,
            "reason": str(info.reason or ""),
            "dataset": info.dataset_name,
            "epochs_completed": info.epochs_completed,
            "epoch_seconds": [record["seconds"] for record in history],
            "val_accuracy": [record.get("val_accuracy") for record in history],
            "test_accuracy": info.test_accuracy,
            "test_loss": info.test_loss,
            "precision": info.precision,
            # Schedules and early stopping: the rate each epoch started with, the epoch after which
            # early stopping ended training (null: it did not), the epoch whose weights the model holds.
            "learning_rate": [record.get("learning_rate") for record in history],
            "stopped_epoch": info.stopped_epoch,
            "best_epoch": info.best_epoch or info.checkpoint_epoch or None,
            "warnings": [str(warning) for warning in info.warnings],
            "backend": info.backend,
            "node": info.node or platform.node(),  # the Ray node that trained it; this machine if local
        }
    )
    if info.status == "failed":
        print(f"error: the run failed: {info.reason}", file=sys.stderr)
    return 0 if info.status in ("finished", "stopped") else 1
