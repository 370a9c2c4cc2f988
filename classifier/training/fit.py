"""The one fit path of a run: its data split, its network, `model.fit` with the project's callbacks,
and the test pass.

Whoever runs a run (the engine's worker, `classifier/engine/worker.py`, on this machine or in a
Ray actor) calls these in order: `prepare` the data, make the `network` (built, or loaded from a
checkpoint to resume), `fit` it, and `evaluate` it on the test split. While it trains, `fit`
tells a `FitListener` of every epoch and batch and asks it whether to stop; the listener keeps
the run's record and files (through its sink). Nothing here writes a file, knows of an engine or
a process, or imports anything above training/.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from classifier.core.config import Config
from classifier.core.data import Dataset
from classifier.core.messages import ClassifierError
from classifier.core.model import build_model, load_for_training
from classifier.core.predict import with_flip_averaging
from classifier.training import pipeline, schedules
from classifier.training.schedules import Outcome, current_rate

# Keras warns that it cannot shuffle a tf.data pipeline; ours shuffles itself.
warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed", category=UserWarning)


class FitListener(Protocol):
    """What `fit` tells the one who runs it, and asks of it."""

    def stop_requested(self) -> bool:
        """True once training should end after the batch in flight."""

    def batch_report_seconds(self) -> float:
        """The least time between two batch reports."""

    def epoch_started(self, epoch: int) -> None:
        """An epoch begins (counted from 0)."""

    def batch_done(self, point: dict[str, Any], images_per_second: float | None, eta: float | None) -> None:
        """A batch point: where the run is (`point["epoch"]`, fractional), its loss and accuracy."""

    def epoch_done(self, record: dict[str, Any], model, steps: int) -> None:
        """A whole epoch finished with finite loss and no stop: its record, the model after it."""

    def snapshot(self, epoch: int, model) -> None:
        """The network after `epoch` epochs (0: as initialised), for the run's timeline."""


@dataclass(frozen=True)
class Prepared:
    """A run's data as training uses it: its training share (after any hold-out), the validation
    batches (None: no validation) and the steps of one epoch."""

    dataset: Dataset
    validation: Any
    steps: int


@dataclass(frozen=True)
class FitResult:
    """How `fit` ended: where the loss stopped being a number (fractional epochs; None: it never
    did), and where early stopping stopped and whose weights the model holds (None after a NaN)."""

    nan_at: float | None
    outcome: Outcome | None


@dataclass(frozen=True)
class Tested:
    """The test split's loss and accuracy and every test image's probabilities."""

    accuracy: float
    loss: float
    probabilities: np.ndarray


def prepare(config: Config, dataset: Dataset) -> Prepared:
    """The training share (a learning curve's point), the validation split the config asks for,
    and the steps per epoch; an empty training split is refused."""
    dataset = dataset.train_share(config.train_fraction, config.random_seed)
    validation = None
    if config.validation == "holdout":
        dataset, x_val, y_val = dataset.holdout(config.holdout_fraction, config.random_seed)
        validation = pipeline.evaluation_batches(x_val, y_val)
    elif config.validation == "test":
        validation = pipeline.evaluation_batches(dataset.x_test, dataset.y_test)
    if len(dataset.y_train) == 0:
        raise ClassifierError("engine.empty_training_split")
    return Prepared(dataset, validation, math.ceil(len(dataset.y_train) / config.batch_size))


def network(config: Config, prepared: Prepared, checkpoint: Path | None = None):
    """A fresh network for the config, or the checkpoint's (with its optimizer) to resume from."""
    if checkpoint is not None:
        return load_for_training(checkpoint)
    return build_model(config, prepared.dataset.num_classes, steps_per_epoch=prepared.steps)


def fit(
    model,
    config: Config,
    prepared: Prepared,
    listener: FitListener,
    initial_epoch: int = 0,
    tensorboard_dir: str | None = None,
    verbose: int = 0,
) -> FitResult:
    """`model.fit` from `initial_epoch` to `config.epochs` with the run's callbacks: the listener's
    reports, then plateau, early stopping with the best weights and TensorBoard (schedules.Watch).
    When early stopping restored the best epoch's weights, the model holds them on return."""
    dataset = prepared.dataset
    reports = progress_callback(listener, len(dataset.y_train), config, initial_epoch)
    watch = schedules.Watch(config, prepared.steps, tensorboard_dir)
    model.fit(
        pipeline.training_batches(dataset.x_train, dataset.y_train, config, seed=config.random_seed),
        epochs=config.epochs,
        initial_epoch=initial_epoch,
        validation_data=prepared.validation,
        callbacks=[reports, *watch.callbacks],
        verbose=verbose,
    )
    nan_at = reports.nan_at
    return FitResult(nan_at, watch.outcome() if nan_at is None else None)


def evaluate(model, dataset: Dataset, tta: str = "none") -> Tested:
    """Test metrics and the predictions kept for the results page, from one pass over the test
    split; with tta="flip" each prediction is the mean of the image's and its mirror's."""
    import keras

    tested = with_flip_averaging(model) if tta == "flip" else model
    probabilities = tested.predict(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
    # Keras's own loss and accuracy functions, as evaluate() would apply them batch by batch.
    loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(dataset.y_test, probabilities))
    accuracy = keras.ops.mean(keras.metrics.sparse_categorical_accuracy(dataset.y_test, probabilities))
    return Tested(float(accuracy), float(loss), probabilities)


def progress_callback(listener: FitListener, images: int, config: Config, initial_epoch: int):
    """The Keras callback that reports a run to its listener: cheap per batch (a flag and a clock
    check), thorough per epoch. Its `nan_at` says where the loss stopped being a number.

    Batch ends run on the training thread (not Keras's async callback pool) so that a stop
    request is seen right after the batch in flight."""
    import keras

    batch_size = config.batch_size

    class Reports(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.steps = math.ceil(images / batch_size)
            self.epoch = initial_epoch
            self.nan_at: float | None = None
            self.last_report = 0.0
            self.epoch_start = self.run_start = time.time()
            # Speed and time left are timed from the end of the run's first batch, which also traces
            # and compiles the step (a minute on a busy machine): timed from the start, the first
            # figures promised an hour for a run of a few minutes. Later epochs time from their start.
            self.timed_since: float | None = None
            self.timed_from = 0

        def on_train_begin(self, logs=None) -> None:
            if initial_epoch == 0:  # the network as initialised: the timeline's epoch 0
                listener.snapshot(0, self.model)

        def on_epoch_begin(self, epoch: int, logs=None) -> None:
            self.epoch = epoch
            self.epoch_start = time.time()
            if self.timed_since is not None:  # past the run's first batch
                self.timed_since, self.timed_from = self.epoch_start, 0
            self.epoch_rate = current_rate(self.model.optimizer)  # the rate this epoch starts with
            self.last_report = 0.0  # report the first batch of every epoch at once
            listener.epoch_started(epoch)

        def on_train_batch_end(self, batch: int, logs=None) -> None:
            if listener.stop_requested():
                self.model.stop_training = True  # Keras checks this as soon as we return
            now = time.time()
            if self.timed_since is None:
                self.timed_since, self.timed_from = now, batch + 1
            if now - self.last_report < listener.batch_report_seconds():
                return
            self.last_report = now
            logs = logs or {}
            loss, accuracy = float(logs.get("loss", math.nan)), float(logs.get("accuracy", math.nan))
            done = batch + 1
            position = self.epoch + done / self.steps
            if not math.isfinite(loss):
                self.nan_at = position
                self.model.stop_training = True
            timed_images = min(done * batch_size, images) - self.timed_from * batch_size
            rate = timed_images / max(now - self.timed_since, 1e-9) if timed_images > 0 else None
            remaining_steps = (config.epochs - self.epoch) * self.steps - done
            point = {
                "epoch": position,
                "loss": loss,
                "accuracy": accuracy,
                "epoch_index": self.epoch,
                "step": done,
                "learning_rate": current_rate(self.model.optimizer),
            }
            listener.batch_done(point, rate, remaining_steps * batch_size / rate if rate else None)

        def on_epoch_end(self, epoch: int, logs=None) -> None:
            logs = logs or {}
            seconds = time.time() - self.epoch_start
            complete = not listener.stop_requested() and self.nan_at is None
            record = {
                "epoch": epoch + 1,
                **{key: float(value) for key, value in logs.items() if isinstance(value, (int, float))},
                "seconds": round(seconds, 3),
                "images_per_second": round(images / seconds, 1) if complete else None,
                "elapsed": round(time.time() - self.run_start, 3),
                "learning_rate": self.epoch_rate,
            }
            if not all(math.isfinite(record.get(k, 0.0)) for k in ("loss", "accuracy")):
                self.nan_at = self.nan_at or float(epoch + 1)
                return
            if complete:
                listener.epoch_done(record, self.model, self.steps)

    return Reports()
