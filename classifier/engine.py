"""The training engine: runs `model.fit` in background threads that no page owns.

A page (or the CLI) submits a Config and gets a TrainingJob back at once. Jobs wait in a
queue until one of `max_concurrent` slots is free. While a job trains, one Keras callback
keeps a thread-safe record of its progress (throttled batch points, every epoch, speed,
ETA) that anyone may poll with `job.snapshot()`, and writes history and an atomic
checkpoint to the run directory after every epoch. `job.request_stop()` ends training
after the current batch.
"""

from __future__ import annotations

import functools
import math
import os
import threading
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from classifier import data as data_module
from classifier.config import Config
from classifier.runs import ACTIVE, PROCESS_TOKEN, RunError, RunInfo, RunStore, can_modify

# Keras warns that it cannot shuffle a tf.data pipeline; ours shuffles itself.
warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed", category=UserWarning)
BATCH_REPORT_SECONDS = 0.25  # batch points are recorded at most this often: reporting stays cheap
DEFAULT_MAX_CONCURRENT = max(1, (os.cpu_count() or 2) // 2)


@dataclass(frozen=True)
class BatchPoint:
    epoch: float  # fractional epochs since the run began (1.5 = half-way through epoch 2)
    loss: float  # Keras's running mean over this epoch's batches so far
    accuracy: float
    epoch_index: int = 0  # the epoch this point belongs to, from 0
    step: int = 0  # batches done in that epoch


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of a job's progress, safe to read without locks."""

    run_id: str
    status: str
    message: str
    epoch: int  # the epoch in progress, from 1
    epochs: int
    step: int  # batches done in this epoch
    steps_per_epoch: int
    batches: tuple[BatchPoint, ...]
    epochs_done: tuple[dict[str, Any], ...]
    images_per_second: float | None
    elapsed: float
    eta: float | None
    loading: float | None  # data-loading progress 0..1 while loading, else None
    queue_position: int | None
    test_accuracy: float | None
    test_loss: float | None
    reason: str
    warnings: tuple[str, ...]

    @property
    def done(self) -> bool:
        return self.status not in ACTIVE

    @property
    def progress(self) -> float:
        """Share of the planned training done, 0..1."""
        if not self.epochs or not self.steps_per_epoch:
            return 0.0
        return min(1.0, ((self.epoch - 1) + self.step / self.steps_per_epoch) / self.epochs)


def smoothed_batches(snapshot: Snapshot, span: int = 5) -> tuple[list[float], list[float], list[float]]:
    """Training loss and accuracy per reporting interval, lightly smoothed, for live charts.

    Keras reports running means that restart every epoch (a sawtooth); the mean over the
    batches between two reports is (m2*k2 - m1*k1) / (k2 - k1), which tracks the present
    instead of the whole epoch so far. An exponential moving average then calms the noise."""
    xs: list[float] = []
    losses: list[float] = []
    accuracies: list[float] = []
    previous_epoch, previous_step, previous = -1, 0, (0.0, 0.0)
    weight = 2 / (span + 1)
    for point in snapshot.batches:
        epoch, step = point.epoch_index, point.step
        if epoch != previous_epoch:
            previous_step, previous = 0, (0.0, 0.0)
        span_steps = step - previous_step
        if span_steps <= 0 or not math.isfinite(point.loss):
            continue
        loss = (point.loss * step - previous[0] * previous_step) / span_steps
        accuracy = (point.accuracy * step - previous[1] * previous_step) / span_steps
        if losses:
            loss = weight * loss + (1 - weight) * losses[-1]
            accuracy = weight * accuracy + (1 - weight) * accuracies[-1]
        xs.append(point.epoch)
        losses.append(loss)
        accuracies.append(min(max(accuracy, 0.0), 1.0))
        previous_epoch, previous_step, previous = epoch, step, (point.loss, point.accuracy)
    return xs, losses, accuracies


@dataclass
class _Record:
    status: str = "queued"
    message: str = ""
    epoch: int = 0
    epochs: int = 0
    step: int = 0
    steps_per_epoch: int = 0
    batches: list[BatchPoint] = field(default_factory=list)
    epochs_done: list[dict[str, Any]] = field(default_factory=list)
    images_per_second: float | None = None
    started: float | None = None
    finished: float | None = None
    eta: float | None = None
    loading: float | None = None
    test_accuracy: float | None = None
    test_loss: float | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


class TrainingJob:
    """One training run: its record, its stop switch, and the code that trains it."""

    def __init__(self, info: RunInfo, store: RunStore, resume: bool = False, verbose: int = 0):
        self.info = info
        self.store = store
        self.resume = resume
        self.verbose = verbose
        self._lock = threading.Lock()
        self._record = _Record(epochs=info.config.epochs, epoch=info.epochs_completed)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._engine: Engine | None = None
        self.batches_started = 0  # counted on the training thread itself, so always exact
        if resume:
            self._record.epochs_done = list(store.history(info.run_id)[: info.checkpoint_epoch])

    @property
    def run_id(self) -> str:
        return self.info.run_id

    @property
    def config(self) -> Config:
        return self.info.config

    def snapshot(self) -> Snapshot:
        with self._lock:
            r = self._record
            elapsed = ((r.finished or time.time()) - r.started) if r.started else 0.0
            position = self._engine.queue_position(self.run_id) if self._engine and r.status == "queued" else None
            return Snapshot(
                run_id=self.run_id,
                status=r.status,
                message=r.message,
                epoch=max(r.epoch, 1),
                epochs=r.epochs,
                step=r.step,
                steps_per_epoch=r.steps_per_epoch,
                batches=tuple(r.batches),
                epochs_done=tuple(r.epochs_done),
                images_per_second=r.images_per_second,
                elapsed=elapsed,
                eta=r.eta,
                loading=r.loading,
                queue_position=position,
                test_accuracy=r.test_accuracy,
                test_loss=r.test_loss,
                reason=r.reason,
                warnings=tuple(r.warnings),
            )

    def request_stop(self) -> None:
        """Stop after the current batch (or leave the queue, if not started yet)."""
        self._stop.set()
        if self._engine is not None:
            self._engine._cancel_if_queued(self)

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def _update(self, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(self._record, key, value)

    def _warn(self, message: str) -> None:
        with self._lock:
            self._record.warnings.append(message)
        self.info.warnings = (*self.info.warnings, message)

    def _save_info(self, **changes: Any) -> None:
        """Update the status file; a failing disk becomes a warning, never a crash."""
        for key, value in changes.items():
            setattr(self.info, key, value)
        try:
            self.store.save(self.info)
        except OSError as error:
            message = f"could not write the run's status file: {error.strerror or error}"
            if message not in self.info.warnings:
                self._warn(message)

    # -- the work ------------------------------------------------------------------------------

    def run(self) -> None:
        """Train to the end (or a stop, or an error). Blocking; the engine calls it in a thread."""
        try:
            if self._stop.is_set():
                self._finish("stopped", reason="stopped before it started")
                return
            self._update(status="running", started=time.time(), message="Loading data")
            self._save_info(
                status="running",
                started=self.info.started or time.time(),
                pid=os.getpid(),
                process=PROCESS_TOKEN,
                reason="",
            )
            self._train()
        except (data_module.DatasetError, RunError, ValueError) as error:
            self._finish("failed", reason=str(error))
        except MemoryError:
            self._finish("failed", reason="out of memory: try a smaller batch size, network or subset")
        except Exception as error:  # noqa: BLE001 - any failure must end as a readable status
            self._finish("failed", reason=f"unexpected error: {type(error).__name__}: {error}")
        finally:
            self._done.set()
            if self._engine is not None:
                self._engine._job_ended(self)

    def _train(self) -> None:
        import keras

        from classifier import pipeline
        from classifier.model import build_model

        config = self.config
        dataset = data_module.load_dataset(
            config.dataset,
            config.limit,
            progress=lambda fraction, message: self._update(loading=fraction, message=message),
        )
        dataset = dataset.train_share(config.train_fraction, config.random_seed)  # a learning curve's point
        self._update(loading=None, message="Building the model")
        validation = None
        if config.validation == "holdout":
            dataset, x_val, y_val = dataset.holdout(config.holdout_fraction, config.random_seed)
            validation = pipeline.evaluation_batches(x_val, y_val)
        elif config.validation == "test":
            validation = pipeline.evaluation_batches(dataset.x_test, dataset.y_test)
        if len(dataset.y_train) == 0:
            raise ValueError("the training split is empty")
        steps = math.ceil(len(dataset.y_train) / config.batch_size)
        self._save_info(
            dataset_name=self.info.dataset_name or dataset.name,
            classes=dataset.classes,
            train_images=len(dataset.y_train),
        )
        for note in dataset.notes:
            self._warn(note)
        initial_epoch = self.info.checkpoint_epoch if self.resume else 0
        if initial_epoch:
            model = keras.saving.load_model(self.store.model_path(self.run_id))
        else:
            model = build_model(config, dataset.num_classes, steps_per_epoch=steps)
        if self.resume:  # epochs after the checkpoint are trained again
            self.store.truncate_history(self.run_id, initial_epoch)
            self._save_info(epochs_completed=initial_epoch)
        self._update(steps_per_epoch=steps, epoch=initial_epoch + 1, message="Training")
        recorder = _recorder(self, len(dataset.y_train), config.batch_size, initial_epoch)
        model.fit(
            pipeline.training_batches(dataset.x_train, dataset.y_train, config, seed=config.random_seed),
            epochs=config.epochs,
            initial_epoch=initial_epoch,
            validation_data=validation,
            callbacks=[recorder],
            verbose=self.verbose,
        )
        if recorder.nan_at is not None:
            self._finish(
                "failed",
                reason=(
                    f"the loss became NaN (not a number) during epoch {int(recorder.nan_at) + 1}: training diverged. "
                    f"The learning rate ({config.learning_rate:g}) is probably too high; try 10x smaller."
                ),
            )
            return
        stopped = self._stop.is_set()
        if self.info.epochs_completed or not stopped:
            self._update(message="Testing")
            probabilities = model.predict(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
            self._record_test(dataset.y_test, probabilities)
        if stopped:
            self._finish("stopped", reason=f"stopped by request after {self.info.epochs_completed} epoch(s)")
        else:
            self._finish("finished")

    def _record_test(self, y_true: np.ndarray, probabilities: np.ndarray) -> None:
        eps = 1e-7
        loss = float(-np.mean(np.log(np.clip(probabilities[np.arange(len(y_true)), y_true], eps, 1.0))))
        accuracy = float(np.mean(probabilities.argmax(axis=1) == y_true))
        self._update(test_accuracy=accuracy, test_loss=loss)
        self.info.test_accuracy, self.info.test_loss = accuracy, loss
        try:
            self.store.save_predictions(self.run_id, y_true, probabilities)
        except OSError as error:
            self._warn(f"could not save test predictions: {error.strerror or error}")

    def _finish(self, status: str, reason: str = "") -> None:
        now = time.time()
        self._update(
            status=status,
            reason=reason,
            finished=now,
            eta=None,
            loading=None,
            message={"finished": "Finished", "stopped": "Stopped"}.get(status, reason),
        )
        self._save_info(status=status, reason=reason, finished=now)

    def _epoch_finished(self, record: dict[str, Any], model) -> None:
        """Record the epoch, then replace the checkpoint; a failing disk costs a warning, never the
        previous checkpoint (the new one is written beside it and swapped in atomically)."""
        with self._lock:
            self._record.epochs_done.append(record)
        epoch = record["epoch"]
        try:
            self.store.append_history(self.run_id, record)
            self.store.save_model(self.run_id, model)
            checkpoint = epoch
        except Exception as error:  # noqa: BLE001 - disk full, read-only folder, h5py errors...
            kept = self.info.checkpoint_epoch
            self._warn(
                f"could not save epoch {epoch} ({getattr(error, 'strerror', None) or error}); "
                + (f"the checkpoint from epoch {kept} is kept" if kept else "no checkpoint is saved yet")
            )
            checkpoint = kept
        best = max(filter(None, [self.info.best_val_accuracy, record.get("val_accuracy")]), default=None)
        self._save_info(epochs_completed=epoch, checkpoint_epoch=checkpoint, best_val_accuracy=best)


@functools.cache
def _keras_callback(logic: type) -> type:
    """`logic` as a keras.callbacks.Callback, made on first use so that importing this module
    (as every page does) does not import TensorFlow."""
    import keras

    return type(logic.__name__, (logic, keras.callbacks.Callback), {})


def _recorder(job: TrainingJob, images: int, batch_size: int, initial_epoch: int):
    return _keras_callback(_Recorder)(job, images, batch_size, initial_epoch)


class _Recorder:
    """Keras callback logic: cheap per batch (a flag and a clock check), thorough per epoch.

    Batch ends run on the training thread (not Keras's async callback pool) so that a stop
    request is seen right after the batch in flight."""

    def __init__(self, job: TrainingJob, images: int, batch_size: int, initial_epoch: int):
        super().__init__()
        self.job = job
        self.images = images  # training images per epoch (the last batch may be short)
        self.steps = math.ceil(images / batch_size)
        self.batch_size = batch_size
        self.epoch = initial_epoch
        self.initial_epoch = initial_epoch
        self.nan_at: float | None = None
        self._last_report = 0.0
        self._epoch_start = time.time()
        self._run_start = time.time()

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self.epoch = epoch
        self._epoch_start = time.time()
        self._last_report = 0.0  # report the first batch of every epoch at once
        self.job._update(epoch=epoch + 1, step=0)

    def on_train_batch_begin(self, batch: int, logs=None) -> None:
        self.job.batches_started += 1

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        if self.job.stop_requested:
            self.model.stop_training = True  # Keras checks this as soon as we return
        now = time.time()
        if now - self._last_report < BATCH_REPORT_SECONDS:
            return
        self._last_report = now
        logs = logs or {}
        loss, accuracy = float(logs.get("loss", math.nan)), float(logs.get("accuracy", math.nan))
        done = batch + 1
        position = self.epoch + done / self.steps
        if not math.isfinite(loss):
            self.nan_at = position
            self.model.stop_training = True
        rate = min(done * self.batch_size, self.images) / max(now - self._epoch_start, 1e-9)
        remaining_steps = (self.job.config.epochs - self.epoch) * self.steps - done
        with self.job._lock:
            record = self.job._record
            record.step = max(record.step, done)
            record.batches.append(BatchPoint(position, loss, accuracy, self.epoch, done))
            record.images_per_second = rate
            record.eta = remaining_steps * self.batch_size / rate if rate else None

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        logs = logs or {}
        seconds = time.time() - self._epoch_start
        complete = not self.job.stop_requested and self.nan_at is None
        record = {
            "epoch": epoch + 1,
            **{key: float(value) for key, value in logs.items() if isinstance(value, (int, float))},
            "seconds": round(seconds, 3),
            "images_per_second": round(self.images / seconds, 1) if complete else None,
            "elapsed": round(time.time() - self._run_start, 3),
        }
        if not all(math.isfinite(record.get(k, 0.0)) for k in ("loss", "accuracy")):
            self.nan_at = self.nan_at or float(epoch + 1)
            return
        if complete:
            self.job._epoch_finished(record, self.model)
            self.job._update(step=self.steps)


class Engine:
    """A process-wide queue of training jobs with a limit on how many train at once."""

    def __init__(self, store: RunStore | None = None, max_concurrent: int = DEFAULT_MAX_CONCURRENT):
        self.store = store or RunStore()
        self.max_concurrent = max(1, int(max_concurrent))
        self._lock = threading.Lock()
        self._jobs: dict[str, TrainingJob] = {}
        self._queue: list[TrainingJob] = []
        self._running: set[str] = set()

    def submit(
        self,
        config: Config,
        owner: str | None = None,
        public: bool = False,
        verbose: int = 0,
        dataset_label: str = "",
    ) -> TrainingJob:
        """Queue a run and return its job at once; it starts when a slot is free.
        `verbose` is passed to Keras's fit (progress on stdout), for the CLI; `dataset_label`
        names an uploaded data set as its owner knows it (uploads are stored under random names)."""
        config.validate()
        info = self.store.create(config, owner=owner, public=public)
        if dataset_label:
            info.dataset_name = dataset_label
            self.store.save(info)
        return self._enqueue(TrainingJob(info, self.store, verbose=verbose))

    def resume(self, run_id: str, viewer: str | None = None, verbose: int = 0) -> TrainingJob:
        """Continue an interrupted or stopped run from its last checkpoint to its planned epochs."""
        info = self.store.load(run_id, viewer)
        if not can_modify(info, viewer):
            raise RunError("only the person who started this run can resume it")
        if run_id in self._jobs and not self._jobs[run_id]._done.is_set():
            raise RunError("this run is already training or queued")
        if info.status in ACTIVE:
            raise RunError("this run is still training")
        if info.epochs_completed >= info.config.epochs:
            raise RunError("this run has already trained all its planned epochs")
        if self.store.model_path(run_id) is None:
            info.checkpoint_epoch = 0  # nothing to continue from: start again, same run
        info = replace(
            info,
            status="queued",
            reason="",
            finished=None,
            test_accuracy=None,
            test_loss=None,
            pid=os.getpid(),
            process=PROCESS_TOKEN,
        )
        self.store.save(info)
        return self._enqueue(TrainingJob(info, self.store, resume=True, verbose=verbose))

    def job(self, run_id: str) -> TrainingJob | None:
        with self._lock:
            return self._jobs.get(run_id)

    def active_jobs(self) -> list[TrainingJob]:
        with self._lock:
            return [job for job in self._jobs.values() if not job._done.is_set()]

    def stop(self, run_id: str, viewer: str | None = None) -> None:
        job = self.job(run_id)
        if job is None or job._done.is_set():
            raise RunError("this run is not training")
        if not can_modify(job.info, viewer):
            raise RunError("only the person who started this run can stop it")
        job.request_stop()

    def queue_position(self, run_id: str) -> int | None:
        """1 for the next job to start; None when not queued."""
        with self._lock:
            for position, job in enumerate(self._queue, start=1):
                if job.run_id == run_id:
                    return position
        return None

    def _enqueue(self, job: TrainingJob) -> TrainingJob:
        job._engine = self
        with self._lock:
            self._jobs[job.run_id] = job
            self._queue.append(job)
        self._start_ready()
        return job

    def _start_ready(self) -> None:
        with self._lock:
            while self._queue and len(self._running) < self.max_concurrent:
                job = self._queue.pop(0)
                self._running.add(job.run_id)
                threading.Thread(target=job.run, name=f"train-{job.run_id}", daemon=True).start()

    def _cancel_if_queued(self, job: TrainingJob) -> None:
        with self._lock:
            if job not in self._queue:
                return
            self._queue.remove(job)
        job._finish("stopped", reason="cancelled while waiting in the queue")
        job._done.set()

    def _job_ended(self, job: TrainingJob) -> None:
        with self._lock:
            self._running.discard(job.run_id)
        self._start_ready()
