"""The training worker: one process trains one run, so no web server's interpreter ever trains.

    python -m classifier.engine.worker      (started by classifier.engine.local, never by hand)

The process imports TensorFlow at once (so a spare one is warm before anyone presses Start), then
reads one job as a JSON line on stdin: {"run_id", "runs_root", "resume", "verbose"}. It trains
the run, writing everything to the run's folder as it goes (status, history, checkpoints, test
predictions), and streams progress events as JSON lines on its stdout. Later lines on stdin:
"stop" ends training after the batch in flight; end of input means the engine is gone, and the
worker leaves at once (the run then reads as interrupted, resumable from its last checkpoint).
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import patches
from classifier.core import data as data_module
from classifier.core.messages import ClassifierError, Message, as_message
from classifier.core.model import build_model, load_for_training, resolved_precision
from classifier.core.predict import with_flip_averaging
from classifier.core.runs import PROCESS_TOKEN, RunError, RunInfo, RunStore
from classifier.engine.progress import BATCHES_FILE, Progress, encode_batches
from classifier.training import pipeline, schedules, timeline
from classifier.training.schedules import TENSORBOARD_DIR, current_rate

# Training yields the CPU to the web server: workers run this much nicer than the server (0: as
# nice as the server). Each worker is the leader of its own session, so with Linux's autogroup
# scheduling (the default on desktops and most servers) the worker's group gets the same low
# priority (`/proc/self/autogroup`); a plain nice would only count inside the server's own group.
NICE_ENV = "CLASSIFIER_WORKER_NICE"
DEFAULT_NICE = 10

BATCH_REPORT_SECONDS = 0.25  # a batch point at most this often (times the record's stride)

# Keras warns that it cannot shuffle a tf.data pipeline; ours shuffles itself.
warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed", category=UserWarning)


class FolderSink:
    """Where a worker's files go: the run's folder under a RunStore, each write atomic as runs.py does it.

    The local back-end gives the worker the real runs/<id>/; the Ray back-end gives it a scratch
    folder on the worker's machine and ships what changed back to the server (engine/cluster.py),
    so the training code below is the same on both."""

    def __init__(self, store: RunStore, run_id: str):
        self.store, self.run_id = store, run_id

    def load(self) -> RunInfo:
        return self.store.load(self.run_id)

    def save(self, info: RunInfo) -> None:
        self.store.save(info)

    def history(self) -> list[dict[str, Any]]:
        return self.store.history(self.run_id)

    def append_history(self, record: dict[str, Any]) -> None:
        self.store.append_history(self.run_id, record)

    def truncate_history(self, epochs: int) -> None:
        self.store.truncate_history(self.run_id, epochs)

    def model_path(self) -> Path | None:
        return self.store.model_path(self.run_id)

    def save_model(self, model) -> None:
        self.store.save_model(self.run_id, model)

    def save_predictions(self, y_true, probabilities) -> None:
        self.store.save_predictions(self.run_id, y_true, probabilities)

    def write_file(self, name: str, text: str) -> None:
        self.store.write_file(self.run_id, name, text)

    def write_timeline(self, epoch: int, arrays: dict[str, Any]) -> str:
        """One epoch's filters and feature maps (classifier/training/timeline.py); returns the file's name."""
        return timeline.write(self.store, self.run_id, epoch, arrays)

    def truncate_timeline(self, epoch: int) -> None:
        timeline.truncate(self.store, self.run_id, epoch)

    def folder(self) -> Path:
        """The run's folder, for writers that need a directory of their own (TensorBoard's events);
        a shipping sink sends what appears there too."""
        return self.store.path(self.run_id)


class Worker:
    """Trains one run; `emit` sends each progress event to whoever watches, `sink` takes every file
    it writes (the run's folder, or on Ray a scratch folder shipped back to the server: the worker
    never writes anywhere else), `load_data(progress)` gives its data set (default: read it here,
    from the config's source)."""

    def __init__(
        self,
        sink: FolderSink,
        emit,
        stop: threading.Event,
        resume: bool,
        verbose: int = 0,
        load_data: Callable[..., data_module.Dataset] | None = None,
    ):
        self.sink = sink
        self.info = self.sink.load()
        self._load_data = load_data
        self.resume = resume
        self.verbose = verbose
        self.stop = stop
        self._emit = emit
        self._lock = threading.Lock()  # data decoding reports progress from several threads
        self.progress = Progress(sink.run_id, epochs=self.info.config.epochs)
        self.probe = None  # the fixed image whose feature maps are recorded each epoch (timeline)
        self._timeline = None  # its Recorder, made for the model being trained

    @property
    def config(self):
        return self.info.config

    def emit(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.progress = self.progress.apply(event)
            self._emit(event)

    def update(self, **fields: Any) -> None:
        plain = {k: v.to_dict() if isinstance(v, Message) else v for k, v in fields.items()}
        self.emit({"kind": "update", "fields": plain})

    def warn(self, message: Message) -> None:
        self.info.warnings = (*self.info.warnings, message)
        self.emit({"kind": "warning", "message": message.to_dict()})

    def save_info(self, **changes: Any) -> None:
        """Update the status file; a failing disk becomes a warning, never a crash."""
        for key, value in changes.items():
            setattr(self.info, key, value)
        try:
            # The owner may share or unshare the run while it trains: keep what the folder says.
            on_disk = self.sink.load()
            self.info.public, self.info.shared_as = on_disk.public, on_disk.shared_as
        except RunError:
            pass
        try:
            self.sink.save(self.info)
        except OSError as error:
            message = Message("engine.status_unwritable", {"detail": error.strerror or str(error)})
            if message not in self.info.warnings:
                self.warn(message)

    # -- the run ----------------------------------------------------------------------------------

    def run(self) -> None:
        """Train to the end (or a stop, or an error); every ending is written as a status."""
        try:
            if self.stop.is_set():
                self.finish("stopped", Message("engine.stopped_before_start"))
                return
            started = time.time()
            self.update(status="running", started=started, phase=Message("engine.phase_loading"), loading=0.0)
            self.save_info(
                status="running",
                started=self.info.started or started,
                pid=os.getpid(),
                process=PROCESS_TOKEN,
                reason=None,
            )
            self.train()
        except ClassifierError as error:
            self.finish("failed", error.message)
        except MemoryError:
            self.finish("failed", Message("engine.out_of_memory"))
        except Exception as error:  # noqa: BLE001 - any failure must end as a readable status
            self.finish("failed", as_message(error))

    def train(self) -> None:
        config = self.config
        report = lambda fraction, message: self.update(loading=fraction, phase=message)  # noqa: E731
        if self._load_data is not None:
            dataset = self._load_data(report)
        else:
            dataset = data_module.load_dataset(config.dataset, config.limit, progress=report)
        dataset = dataset.train_share(config.train_fraction, config.random_seed)  # a learning curve's point
        self.update(loading=None, phase=Message("engine.phase_building"))
        validation = None
        if config.validation == "holdout":
            dataset, x_val, y_val = dataset.holdout(config.holdout_fraction, config.random_seed)
            validation = pipeline.evaluation_batches(x_val, y_val)
        elif config.validation == "test":
            validation = pipeline.evaluation_batches(dataset.x_test, dataset.y_test)
        if len(dataset.y_train) == 0:
            raise ClassifierError("engine.empty_training_split")
        steps = math.ceil(len(dataset.y_train) / config.batch_size)
        precision = resolved_precision(config)
        self.save_info(
            dataset_name=self.info.dataset_name or dataset.name,
            classes=dataset.classes,
            train_images=len(dataset.y_train),
            precision=precision,
        )
        for note in dataset.notes:
            self.warn(note)
        initial_epoch = self.info.checkpoint_epoch if self.resume else 0
        if initial_epoch:
            model = load_for_training(self.sink.model_path())
        else:
            model = build_model(config, dataset.num_classes, steps_per_epoch=steps)
        if self.resume:  # epochs after the checkpoint are trained again
            self.sink.truncate_history(initial_epoch)
            self.sink.truncate_timeline(initial_epoch)
            self.save_info(epochs_completed=initial_epoch, stopped_epoch=None, best_epoch=None)
        history = self.sink.history()
        self.probe = (dataset.x_test if len(dataset.x_test) else dataset.x_train)[0]
        self.update(
            steps_per_epoch=steps,
            epoch=initial_epoch + 1,
            history=history,
            precision=precision,
            phase=Message("engine.phase_training"),
        )
        recorder = keras_recorder(self, len(dataset.y_train), config.batch_size, initial_epoch)
        watch = schedules.Watch(config, steps, self.tensorboard_dir())  # plateau, early stopping, TensorBoard
        model.fit(
            pipeline.training_batches(dataset.x_train, dataset.y_train, config, seed=config.random_seed),
            epochs=config.epochs,
            initial_epoch=initial_epoch,
            validation_data=validation,
            callbacks=[recorder, *watch.callbacks],
            verbose=self.verbose,
        )
        self.save_batch_points()
        outcome = watch.outcome() if recorder.nan_at is None else None
        if outcome is not None:
            self.keep_best(model, outcome)
        if recorder.nan_at is not None:
            self.finish(
                "failed",
                Message("engine.diverged", {"epoch": int(recorder.nan_at) + 1, "learning_rate": config.learning_rate}),
            )
            return
        stopped = self.stop.is_set()
        if self.info.epochs_completed or not stopped:
            self.update(phase=Message("engine.phase_testing"))
            self.test(model, dataset)
        if stopped:
            self.finish("stopped", Message("engine.stopped_by_request", {"epochs": self.info.epochs_completed}))
        else:
            self.finish("finished", outcome.reason if outcome else None)

    def tensorboard_dir(self) -> str | None:
        """runs/<id>/tensorboard, for keras.callbacks.TensorBoard; None (and a warning) if it cannot be made."""
        folder = self.sink.folder() / TENSORBOARD_DIR
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            self.warn(Message("schedules.tensorboard_unwritable", {"detail": error.strerror or str(error)}))
            return None
        return str(folder)

    def keep_best(self, model, outcome) -> None:
        """Record where early stopping stopped; when Keras put back the best epoch's weights, the
        checkpoint becomes that epoch's (a resumed run then goes on from there)."""
        self.update(stopped_epoch=outcome.stopped_epoch, best_epoch=outcome.best_epoch)
        self.save_info(stopped_epoch=outcome.stopped_epoch, best_epoch=outcome.best_epoch)
        if outcome.best_epoch is None or outcome.best_epoch == self.info.checkpoint_epoch:
            return
        try:
            self.sink.save_model(model)
        except Exception as error:  # noqa: BLE001 - as in epoch_finished: a warning, never the run
            detail = getattr(error, "strerror", None) or str(error)
            kept = self.info.checkpoint_epoch
            self.warn(
                Message(
                    "engine.checkpoint_unwritable_kept", {"epoch": outcome.best_epoch, "detail": detail, "kept": kept}
                )
            )
            return
        self.save_info(checkpoint_epoch=outcome.best_epoch)

    def test(self, model, dataset) -> None:
        """Test metrics and the predictions kept for the results page, from one pass over the test
        split; with tta="flip" each prediction is the mean of the image's and its mirror's."""
        import keras

        tested = with_flip_averaging(model) if self.config.tta == "flip" else model
        probabilities = tested.predict(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
        # Keras's own loss and accuracy functions, as evaluate() would apply them batch by batch.
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(dataset.y_test, probabilities))
        accuracy = keras.ops.mean(keras.metrics.sparse_categorical_accuracy(dataset.y_test, probabilities))
        self.info.test_accuracy, self.info.test_loss = float(accuracy), float(loss)
        self.update(test_accuracy=float(accuracy), test_loss=float(loss))
        try:
            self.sink.save_predictions(dataset.y_test, probabilities)
        except OSError as error:
            self.warn(Message("engine.predictions_unwritable", {"detail": error.strerror or str(error)}))

    def finish(self, status: str, reason: Message | None = None) -> None:
        now = time.time()
        self.update(status=status, reason=reason, finished=now, eta=None, loading=None, phase=None)
        self.save_info(status=status, reason=reason, finished=now)

    def save_batch_points(self) -> None:
        try:
            self.sink.write_file(BATCHES_FILE, encode_batches(self.progress.batches))
        except OSError:
            pass  # the batch curve is a nicety; the history and checkpoint are what count

    def epoch_finished(self, record: dict[str, Any], model) -> None:
        """Record the epoch, then replace the checkpoint; a failing disk costs a warning, never the
        previous checkpoint (the new one is written beside it and swapped in atomically)."""
        self.emit({"kind": "epoch", "record": record})
        epoch = record["epoch"]
        try:
            self.sink.append_history(record)
            self.sink.save_model(model)
            checkpoint = epoch
        except Exception as error:  # noqa: BLE001 - disk full, read-only folder, h5py errors...
            kept = self.info.checkpoint_epoch
            detail = getattr(error, "strerror", None) or str(error)
            code = "engine.checkpoint_unwritable_kept" if kept else "engine.checkpoint_unwritable_none"
            self.warn(Message(code, {"epoch": epoch, "detail": detail, "kept": kept}))
            checkpoint = kept
        self.save_batch_points()
        self.record_timeline(epoch, model)
        best = max(filter(None, [self.info.best_val_accuracy, record.get("val_accuracy")]), default=None)
        self.save_info(epochs_completed=epoch, checkpoint_epoch=checkpoint, best_val_accuracy=best)

    def record_timeline(self, epoch: int, model) -> None:
        """The first filters and the probe image's feature maps after `epoch` (0: before training);
        a failure costs one warning, never the run."""
        try:
            if self._timeline is None or self._timeline.model is not model:
                self._timeline = timeline.Recorder(model, self.probe)
            self.sink.write_timeline(epoch, self._timeline.snapshot())
        except Exception as error:  # noqa: BLE001 - disk full, a model the recorder cannot read...
            message = Message("timeline.unwritable", {"detail": getattr(error, "strerror", None) or str(error)})
            if not any(w.code == message.code for w in self.info.warnings):
                self.warn(message)


def keras_recorder(worker: Worker, images: int, batch_size: int, initial_epoch: int):
    """The one Keras callback of a run: cheap per batch (a flag and a clock check), thorough per epoch.

    Batch ends run on the training thread (not Keras's async callback pool) so that a stop
    request is seen right after the batch in flight."""
    import keras

    class Recorder(keras.callbacks.Callback):
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
                worker.record_timeline(0, self.model)

        def on_epoch_begin(self, epoch: int, logs=None) -> None:
            self.epoch = epoch
            self.epoch_start = time.time()
            if self.timed_since is not None:  # past the run's first batch
                self.timed_since, self.timed_from = self.epoch_start, 0
            self.epoch_rate = current_rate(self.model.optimizer)  # the rate this epoch starts with
            self.last_report = 0.0  # report the first batch of every epoch at once
            worker.update(epoch=epoch + 1, step=0)

        def on_train_batch_end(self, batch: int, logs=None) -> None:
            if worker.stop.is_set():
                self.model.stop_training = True  # Keras checks this as soon as we return
            now = time.time()
            if self.timed_since is None:
                self.timed_since, self.timed_from = now, batch + 1
            if now - self.last_report < BATCH_REPORT_SECONDS * worker.progress.batch_stride:
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
            remaining_steps = (worker.config.epochs - self.epoch) * self.steps - done
            point = {
                "epoch": position,
                "loss": loss,
                "accuracy": accuracy,
                "epoch_index": self.epoch,
                "step": done,
                "learning_rate": current_rate(self.model.optimizer),
            }
            worker.emit(
                {
                    "kind": "batch",
                    "point": point,
                    "images_per_second": rate,
                    "eta": remaining_steps * batch_size / rate if rate else None,
                }
            )

        def on_epoch_end(self, epoch: int, logs=None) -> None:
            logs = logs or {}
            seconds = time.time() - self.epoch_start
            complete = not worker.stop.is_set() and self.nan_at is None
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
                worker.epoch_finished(record, self.model)
                worker.update(step=self.steps)

    return Recorder()


# --- the process -----------------------------------------------------------------------------------


def _listen(stop: threading.Event) -> None:
    """Lines from the engine: "stop" ends training after this batch; end of input means the engine
    is gone (killed, say), and the run must not go on without anyone to watch or record it."""
    for line in sys.stdin:
        if line.strip() == "stop":
            stop.set()
    os._exit(3)


def lower_priority(nice: int) -> None:
    """Yield the CPU to the web server: `nice` more than now for this process, and the same for its
    scheduling autogroup (this process leads its own session: the engine starts it so), which is
    what Linux's scheduler weighs against the server's group. Best effort: never fails the run."""
    if nice <= 0:
        return
    try:
        os.nice(nice)
    except OSError:
        pass
    if os.getsid(0) != os.getpid():
        return  # the group is shared with whoever started us (the server, say): leave it alone
    try:
        with open("/proc/self/autogroup", "w") as handle:
            handle.write(str(min(19, nice)))
    except OSError:
        pass  # no autogroup scheduling here (or not our own group): the process nice is what counts


def main() -> None:
    try:
        lower_priority(int(os.environ.get(NICE_ENV, DEFAULT_NICE)))
    except ValueError:
        lower_priority(DEFAULT_NICE)
    events = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # Keras's progress and TF's logs go to stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the engine, which asks us to stop
    patches.install_keras()  # imports Keras too: warm up now, this process may be the spare that waits for a job

    events.write(json.dumps({"kind": "ready"}) + "\n")
    line = sys.stdin.readline()
    if not line.strip():
        return
    job = json.loads(line)
    stop = threading.Event()
    threading.Thread(target=_listen, args=(stop,), name="engine-listener", daemon=True).start()

    def send(event: dict[str, Any]) -> None:
        events.write(json.dumps(event) + "\n")

    store = RunStore(job["runs_root"])
    sink = FolderSink(store, job["run_id"])
    Worker(sink, send, stop, resume=job["resume"], verbose=job.get("verbose", 0)).run()
    events.flush()
    os._exit(0)  # skip TensorFlow's slow teardown: everything is on disk


if __name__ == "__main__":
    main()
