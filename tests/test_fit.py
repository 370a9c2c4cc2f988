"""Training's one fit path (classifier/training/fit.py) without the engine: a listener of the test's
own is told of every epoch and batch, can stop it, and nothing is written anywhere."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from classifier.core.config import Config
from classifier.core.messages import ClassifierError
from classifier.training import fit

SMALL = Config(dataset="shapes", epochs=2, batch_size=16, precision="float32")


class Listener:
    """A FitListener that keeps what it is told; `stop_after` batch reports it asks to stop."""

    def __init__(self, stop_after: int | None = None):
        self.stop_after = stop_after
        self.batches: list[dict[str, Any]] = []
        self.epochs: list[dict[str, Any]] = []
        self.started: list[int] = []
        self.snapshots: list[int] = []

    def stop_requested(self) -> bool:
        return self.stop_after is not None and len(self.batches) >= self.stop_after

    def batch_report_seconds(self) -> float:
        return 0.0  # every batch

    def epoch_started(self, epoch: int) -> None:
        self.started.append(epoch)

    def batch_done(self, point: dict[str, Any], images_per_second: float, eta: float | None) -> None:
        self.batches.append(point)

    def epoch_done(self, record: dict[str, Any], model, steps: int) -> None:
        self.epochs.append({**record, "steps": steps})

    def snapshot(self, epoch: int, model) -> None:
        self.snapshots.append(epoch)


def test_the_fit_path_reports_each_epoch_and_batch_to_its_listener_and_writes_nothing(
    shapes_data, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    prepared = fit.prepare(SMALL, shapes_data)
    assert prepared.steps == math.ceil(len(shapes_data.y_train) / SMALL.batch_size)
    model = fit.network(SMALL, prepared)
    listener = Listener()
    result = fit.fit(model, SMALL, prepared, listener)
    assert result.nan_at is None and result.outcome is not None and result.outcome.stopped_epoch is None
    assert listener.snapshots == [0] and listener.started == [0, 1]
    assert [r["epoch"] for r in listener.epochs] == [1, 2]
    assert all({"loss", "accuracy", "val_loss", "val_accuracy"} <= set(r) for r in listener.epochs)
    assert all(r["steps"] == prepared.steps for r in listener.epochs)
    assert len(listener.batches) == 2 * prepared.steps  # reported every batch, as asked
    assert listener.batches[-1]["epoch"] == pytest.approx(2.0)
    tested = fit.evaluate(model, prepared.dataset, SMALL.tta)
    assert tested.probabilities.shape == (len(shapes_data.y_test), shapes_data.num_classes)
    assert 0 <= tested.accuracy <= 1 and tested.loss > 0
    assert list(tmp_path.iterdir()) == []  # files are the listener's business, not training's


def test_a_stop_request_ends_fit_after_the_batch_in_flight(shapes_data):
    prepared = fit.prepare(SMALL, shapes_data)
    listener = Listener(stop_after=1)
    result = fit.fit(fit.network(SMALL, prepared), SMALL, prepared, listener)
    # Asked after the first batch's report, while the second was in flight: it ends after that one.
    assert len(listener.batches) == 2 and listener.epochs == []  # the stopped epoch is not a whole one
    assert result.nan_at is None


def test_a_training_split_with_no_image_is_refused_before_any_network_is_built(shapes_data):
    empty = dataclasses.replace(shapes_data, x_train=shapes_data.x_train[:0], y_train=shapes_data.y_train[:0])
    with pytest.raises(ClassifierError) as refused:
        fit.prepare(SMALL, empty)
    assert refused.value.message.code == "engine.empty_training_split"
