"""One record of a training run's progress, the same wherever the run trains.

The worker's Keras callback produces small events (a batch point, an epoch's metrics, a status
change); `Progress.apply` folds one event into a new, immutable record. The worker keeps its own
record (and persists its batch points beside the history); the engine keeps a mirror built from
the same events streamed back, so a page reads a live run and a finished one the same way, and
`Progress.from_store` rebuilds the record of any run from its folder (after a restart, say).

Batch points are bounded: past `MAX_BATCH_POINTS` every other point is dropped and the worker
reports half as often, so the live figure stays small however long the run.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass, field
from typing import Any

from classifier.core.messages import Message
from classifier.core.runs import ACTIVE, RunInfo, RunStore
from classifier.engine.sharing import followers

MAX_BATCH_POINTS = 400  # the live chart never carries more than this many batch points
BATCHES_FILE = "batches.json"


@dataclass(frozen=True)
class BatchPoint:
    epoch: float  # fractional epochs since the run began (1.5 = half-way through epoch 2)
    loss: float  # Keras's running mean over this epoch's batches so far
    accuracy: float
    epoch_index: int = 0  # the epoch this point belongs to, from 0
    step: int = 0  # batches done in that epoch
    learning_rate: float | None = None  # the optimizer's rate after this batch (None in older runs)


@dataclass(frozen=True)
class Progress:
    """Where a run stands. Immutable: each event makes a new record, so readers need no lock."""

    run_id: str
    status: str = "queued"
    phase: Message | None = None  # what the worker is doing now (loading data, testing, ...)
    reason: Message | None = None  # why it failed or stopped
    epoch: int = 1  # the epoch in progress, from 1
    epochs: int = 0
    step: int = 0  # batches done in this epoch
    steps_per_epoch: int = 0
    batches: tuple[BatchPoint, ...] = ()
    batch_stride: int = 1  # every how many reports a batch point is kept (doubles when full)
    history: tuple[dict[str, Any], ...] = ()  # one record per finished epoch
    images_per_second: float | None = None
    started: float | None = None
    finished: float | None = None
    eta: float | None = None
    loading: float | None = None  # data-loading progress 0..1 while loading, else None
    queue_position: int | None = None
    expected_start: float | None = None  # while queued: when it should start (time since the epoch)
    expected_end: float | None = None  # while queued or training: when it should end
    students: int = 0  # a shared training's entry: how many students follow that training
    test_accuracy: float | None = None
    test_loss: float | None = None
    precision: str = ""  # the arithmetic the run really used: float32 or bfloat16
    stopped_epoch: int | None = None  # early stopping ended training after this epoch
    best_epoch: int | None = None  # the epoch whose weights were restored (restore best)
    warnings: tuple[Message, ...] = field(default=())

    @property
    def done(self) -> bool:
        return self.status not in ACTIVE

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.time()) - self.started

    @property
    def fraction_done(self) -> float:
        """Share of the planned training done, 0..1."""
        if not self.epochs:
            return 0.0
        if not self.steps_per_epoch:  # read from a folder: whole epochs only
            return min(1.0, len(self.history) / self.epochs)
        return min(1.0, ((self.epoch - 1) + self.step / self.steps_per_epoch) / self.epochs)

    # -- events ---------------------------------------------------------------------------------

    def apply(self, event: dict[str, Any]) -> Progress:
        """The record after one event: {"kind": "update" | "batch" | "epoch" | "warning", ...}."""
        kind = event["kind"]
        if kind == "update":
            changes = {k: _field_value(k, v) for k, v in event["fields"].items()}
            return dataclasses.replace(self, **changes)
        if kind == "batch":
            point = BatchPoint(**event["point"])
            batches, stride = self.batches + (point,), self.batch_stride
            if len(batches) > MAX_BATCH_POINTS:  # thin out: keep every other point, report half as often
                batches, stride = batches[::2], stride * 2
            return dataclasses.replace(
                self,
                batches=batches,
                batch_stride=stride,
                step=max(self.step, point.step),
                images_per_second=event.get("images_per_second", self.images_per_second),
                eta=event.get("eta", self.eta),
            )
        if kind == "epoch":
            record = event["record"]
            kept = tuple(r for r in self.history if r["epoch"] < record["epoch"])
            return dataclasses.replace(self, history=kept + (record,))
        if kind == "warning":
            return dataclasses.replace(self, warnings=self.warnings + (Message.from_dict(event["message"]),))
        raise ValueError(f"unknown progress event {kind!r}")

    # -- from a run's folder --------------------------------------------------------------------

    @classmethod
    def from_store(cls, store: RunStore, run_id: str, viewer: str | None = None) -> Progress:
        """The record of a run as its folder has it (status, history, saved batch points)."""
        info = store.load(run_id, viewer)
        progress = cls.from_info(info, store.history(run_id), load_batches(store, run_id))
        if info.shared:  # a student's entry on a shared training: how many shared it
            progress = dataclasses.replace(progress, students=len(followers(store, info.shared)))
        return progress

    @classmethod
    def from_info(cls, info: RunInfo, history: list[dict[str, Any]], batches: tuple[BatchPoint, ...] = ()) -> Progress:
        epochs_completed = len(history)
        return cls(
            run_id=info.run_id,
            status=info.status,
            reason=info.reason,
            epoch=min(epochs_completed + 1, info.config.epochs) if info.status in ACTIVE else epochs_completed,
            epochs=info.config.epochs,
            batches=batches,
            history=tuple(history),
            started=info.started,
            finished=info.finished,
            test_accuracy=info.test_accuracy,
            test_loss=info.test_loss,
            precision=info.precision,
            stopped_epoch=info.stopped_epoch,
            best_epoch=info.best_epoch,
            warnings=info.warnings,
        )


def encode_batches(batches: tuple[BatchPoint, ...]) -> str:
    """The decimated batch points as the worker saves them beside the history (BATCHES_FILE), so a
    finished run's chart stays whole."""
    return json.dumps([dataclasses.astuple(p) for p in batches])


def load_batches(store: RunStore, run_id: str) -> tuple[BatchPoint, ...]:
    text = store.read_file(run_id, BATCHES_FILE)
    if not text:
        return ()
    try:
        return tuple(BatchPoint(*values) for values in json.loads(text))
    except (ValueError, TypeError):
        return ()  # a damaged file costs the batch curve, never the page


def _field_value(name: str, value: Any) -> Any:
    if name in ("phase", "reason") and value is not None:
        return Message.from_dict(value)
    if name == "warnings":
        return tuple(Message.from_dict(v) for v in value)
    if name == "history":
        return tuple(value)
    return value
