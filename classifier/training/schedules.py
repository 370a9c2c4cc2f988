"""Learning-rate schedules, early stopping and TensorBoard logs: Keras's own callbacks, made visible.

`model.make_optimizer` turns the schedules that are a function of the step into the optimizer's
rate (constant; step: ExponentialDecay with staircase=True; cosine with warm-up: CosineDecay).
This module adds what acts between epochs, as Keras callbacks:

- "plateau": `keras.callbacks.ReduceLROnPlateau` multiplies the rate by `lr_drop_factor` when
  `monitor` has not improved for `lr_patience` epochs;
- early stopping: `keras.callbacks.EarlyStopping` ends training when `monitor` has not improved
  for `early_stopping` epochs, and with `restore_best` puts back the best epoch's weights;
- TensorBoard: `keras.callbacks.TensorBoard` writes loss, accuracy and the learning rate per epoch,
  and per batch every `tensorboard_every(steps)` batches, to runs/<id>/tensorboard, so
  `tensorboard --logdir runs/` shows every run beside the app.

`Watch.outcome` reads back where training stopped and which epoch's weights the model holds;
`rate_drops` finds where the rate fell, from the per-epoch records (no TensorFlow needed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from classifier.core.config import Config
from classifier.core.messages import Message

TENSORBOARD_DIR = "tensorboard"  # inside a run's folder
TENSORBOARD_POINTS_PER_EPOCH = 20  # batch-level scalars per epoch: enough for a curve, cheap to write


def tensorboard_every(steps_per_epoch: int) -> int:
    """TensorBoard's update_freq: write the batch scalars every this many batches."""
    return max(1, steps_per_epoch // TENSORBOARD_POINTS_PER_EPOCH)


def current_rate(optimizer) -> float:
    """The learning rate the optimizer applies at its next step (a schedule evaluated at its step count)."""
    import keras

    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


@dataclass(frozen=True)
class Outcome:
    """How a run ended, for its status and the chart (epochs counted from 1)."""

    stopped_epoch: int | None  # the epoch after which early stopping ended training; None: it did not
    best_epoch: int | None  # the epoch whose weights were put back (restore_best); None: the last epoch's
    reason: Message | None  # a sentence for the run's status, None when there is nothing to say


class Watch:
    """The between-epoch callbacks of one run, and what they did."""

    def __init__(self, config: Config, steps_per_epoch: int, tensorboard_dir: str | None = None):
        import keras

        self.config = config
        self.callbacks: list = []
        self.early_stopping = None
        if tensorboard_dir is not None:  # first: its epoch scalars show the rate the epoch trained with
            self.callbacks.append(tensorboard(tensorboard_dir, steps_per_epoch))
        if config.lr_schedule == "plateau":
            self.callbacks.append(
                keras.callbacks.ReduceLROnPlateau(
                    monitor=config.monitor, factor=config.lr_drop_factor, patience=config.lr_patience
                )
            )
        if config.early_stopping or config.restore_best:
            # Without early stopping, "restore best" still needs EarlyStopping's bookkeeping: a
            # patience longer than the run never stops it.
            patience = config.early_stopping or config.epochs + 1
            self.early_stopping = _whole_epochs_early_stopping()(
                monitor=config.monitor, patience=patience, restore_best_weights=config.restore_best
            )
            self.callbacks.append(self.early_stopping)

    def outcome(self) -> Outcome:
        stopping, config = self.early_stopping, self.config
        if stopping is None:
            return Outcome(None, None, None)
        stopped = stopping.stopped_epoch + 1 if config.early_stopping and stopping.stopped_epoch > 0 else None
        best = stopping.best_epoch + 1 if config.restore_best and stopping.best_weights is not None else None
        params = {"monitor": config.monitor, "patience": config.early_stopping, "epoch": stopped, "best": best}
        if stopped is not None and best is not None:
            reason = Message("schedules.early_stopped_kept", params)
        elif stopped is not None:
            reason = Message("schedules.early_stopped", params)
        elif best is not None:
            reason = Message("schedules.kept_best", params)
        else:
            reason = None
        return Outcome(stopped, best, reason)


def _whole_epochs_early_stopping():
    """Keras's EarlyStopping, judging whole epochs only: an epoch cut short by Stop (or a diverging
    loss) is not a candidate for the best weights."""
    import keras

    class WholeEpochsEarlyStopping(keras.callbacks.EarlyStopping):
        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            if self.model.stop_training:  # set before us only by a Stop request or a NaN loss
                return
            super().on_epoch_end(epoch, logs)

    return WholeEpochsEarlyStopping


def tensorboard(log_dir: str, steps_per_epoch: int):
    """keras.callbacks.TensorBoard writing scalars only (no graph, histograms or profiler), per
    epoch and every `tensorboard_every` batches; the batch scalars include the learning rate."""
    import keras

    class TensorBoardWithRate(keras.callbacks.TensorBoard):
        """Keras's TensorBoard, touching only the batches it logs. Keras switches its summary writer
        to the new step before every batch, logged or not, and hands every batch's numbers to
        tf.summary: about a millisecond a batch, 4% of a seed-network epoch on 2 cores (bench/tensorboard.py).
        Here the unlogged batches only count, and the logged ones also get the learning rate (Keras
        logs the rate per epoch itself, per batch only what fit() reports)."""

        def _logged(self, step: int) -> bool:
            return step % self.update_freq == 0

        def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            if self._logged(self._global_train_batch + 1):
                super().on_train_batch_begin(batch, logs)  # counts the batch and points the writer at it
            else:
                self._global_train_batch += 1

        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            if self._logged(self._global_train_batch):
                if isinstance(logs, dict):
                    logs = {**logs, "learning_rate": current_rate(self.model.optimizer)}
                super().on_train_batch_end(batch, logs)

        def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            self._global_test_batch += 1  # no validation scalars per batch: no writer to switch

    return TensorBoardWithRate(
        log_dir=log_dir,
        update_freq=tensorboard_every(steps_per_epoch),
        write_graph=False,
        write_images=False,
        histogram_freq=0,
        profile_batch=0,
    )


def rate_drops(history: list[dict[str, Any]] | tuple[dict[str, Any], ...], schedule: str) -> list[int]:
    """Epochs (from 1) that began with a lower learning rate than the epoch before: the drops of
    "step" and "plateau" (each record's `learning_rate` is the rate the epoch started with). Cosine
    decay falls a little every batch; its curve shows that, so it has no drops to mark."""
    if schedule not in ("step", "plateau"):
        return []
    drops = []
    for before, after in zip(history, history[1:]):
        old, new = before.get("learning_rate"), after.get("learning_rate")
        if old is not None and new is not None and math.isfinite(old) and math.isfinite(new) and new < old:
            drops.append(int(after["epoch"]))
    return drops
