"""The training worker: one process trains one run, so no web server's interpreter ever trains.

    python -m classifier.engine.worker      (by hand; the engine forks `main` from its fork server)

The engine's workers are forked from classifier/engine/forkserver.py, which has imported
TensorFlow already, so a spare one is warm before anyone presses Start. The process reads one
job as a JSON line on stdin: {"run_id", "runs_root", "resume", "verbose"}. It trains the run
through training's one fit path (classifier/training/fit.py, this worker its listener), writing
everything to the run's folder as it goes (status, history, checkpoints, test predictions), and
streams progress events as JSON lines on its stdout. Later lines on stdin: "stop" ends training
after the batch in flight; end of input means the engine is gone, and the worker leaves at once
(the run then reads as interrupted, resumable from its last checkpoint).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import patches
from classifier.core import data as data_module
from classifier.core.files import write_bytes_atomic
from classifier.core.messages import ClassifierError, Message, as_message
from classifier.core.model import resolved_precision
from classifier.core.runs import RunError, RunInfo, RunStore, process_token
from classifier.engine.progress import BATCHES_FILE, Progress, encode_batches
from classifier.training import fit, timeline
from classifier.training.schedules import TENSORBOARD_DIR

# Training yields the CPU to the web server: workers run this much nicer than the server (0: as
# nice as the server). Each worker is the leader of its own session, so with Linux's autogroup
# scheduling (the default on desktops and most servers) the worker's group gets the same low
# priority (`/proc/self/autogroup`); a plain nice would only count inside the server's own group.
NICE_ENV = "CLASSIFIER_WORKER_NICE"
DEFAULT_NICE = 10

BATCH_REPORT_SECONDS = 0.25  # a batch point at most this often (times the record's stride)


class FolderSink:
    """Where a worker's files go: the run's folder under a RunStore, each write atomic as runs.py does it.

    The one way a run's folder is written while it trains, on both back-ends. The local back-end
    gives the worker the real runs/<id>/; the Ray back-end gives it a scratch folder on the worker's
    machine, ships what changed back, and the server puts each shipped file into runs/<id>/ through
    a FolderSink of its own (`receive`, `save`, engine/cluster.py), so the training code (the Worker
    below, classifier/training/fit.py) is the same on both and no other code writes a training run's
    files."""

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

    def receive(self, name: str, content: bytes) -> None:
        """A file another sink wrote (a Ray worker's, shipped to the server), replaced atomically
        under the same relative name; a timeline snapshot is thinned as `write_timeline` does.
        The caller admits only the names a worker may ship; a name that would leave the run's
        folder is refused here as well."""
        folder = self.folder().resolve()
        path = (folder / name).resolve()
        if folder not in path.parents:
            raise ValueError(f"a shipped file stays inside its run's folder: {name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, content)
        if path.parent.name == timeline.FOLDER and path.parent.parent == folder:
            timeline.thin(self.store, self.run_id)


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
                process=process_token(),
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
        """The run through training's one fit path (classifier/training/fit.py), this worker its
        listener: every phase, epoch and batch becomes an event, a status and files in the sink."""
        config = self.config
        report = lambda fraction, message: self.update(loading=fraction, phase=message)  # noqa: E731
        if self._load_data is not None:
            dataset = self._load_data(report)
        else:
            dataset = data_module.load_dataset(config.dataset, config.limit, progress=report)
        self.update(loading=None, phase=Message("engine.phase_building"))
        prepared = fit.prepare(config, dataset)
        dataset = prepared.dataset
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
        model = fit.network(config, prepared, self.sink.model_path() if initial_epoch else None)
        if self.resume:  # epochs after the checkpoint are trained again
            self.sink.truncate_history(initial_epoch)
            self.sink.truncate_timeline(initial_epoch)
            self.save_info(epochs_completed=initial_epoch, stopped_epoch=None, best_epoch=None)
        history = self.sink.history()
        self.probe = (dataset.x_test if len(dataset.x_test) else dataset.x_train)[0]
        self.update(
            steps_per_epoch=prepared.steps,
            epoch=initial_epoch + 1,
            history=history,
            precision=precision,
            phase=Message("engine.phase_training"),
        )
        result = fit.fit(model, config, prepared, self, initial_epoch, self.tensorboard_dir(), self.verbose)
        self.save_batch_points()
        if result.outcome is not None:
            self.keep_best(model, result.outcome)
        if result.nan_at is not None:
            self.finish(
                "failed",
                Message("engine.diverged", {"epoch": int(result.nan_at) + 1, "learning_rate": config.learning_rate}),
            )
            return
        stopped = self.stop.is_set()
        if self.info.epochs_completed or not stopped:
            self.update(phase=Message("engine.phase_testing"))
            self.test(model, dataset)
        if stopped:
            self.finish("stopped", Message("engine.stopped_by_request", {"epochs": self.info.epochs_completed}))
        else:
            self.finish("finished", result.outcome.reason if result.outcome else None)

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
        """The test pass (training's `evaluate`): its metrics in the record, its predictions in the sink."""
        tested = fit.evaluate(model, dataset, self.config.tta)
        self.info.test_accuracy, self.info.test_loss = tested.accuracy, tested.loss
        self.update(test_accuracy=tested.accuracy, test_loss=tested.loss)
        try:
            self.sink.save_predictions(dataset.y_test, tested.probabilities)
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

    # -- training's FitListener (classifier/training/fit.py) ----------------------------------

    def stop_requested(self) -> bool:
        return self.stop.is_set()

    def batch_report_seconds(self) -> float:
        return BATCH_REPORT_SECONDS * self.progress.batch_stride

    def epoch_started(self, epoch: int) -> None:
        self.update(epoch=epoch + 1, step=0)

    def batch_done(self, point: dict[str, Any], images_per_second: float | None, eta: float | None) -> None:
        self.emit({"kind": "batch", "point": point, "images_per_second": images_per_second, "eta": eta})

    def epoch_done(self, record: dict[str, Any], model, steps: int) -> None:
        self.epoch_finished(record, model)
        self.update(step=steps)

    def snapshot(self, epoch: int, model) -> None:
        self.record_timeline(epoch, model)

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
