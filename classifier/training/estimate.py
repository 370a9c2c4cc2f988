"""How long an epoch will take on this machine: measured, not guessed.

A fixed rate calibrated on one machine was several times off on another (bfloat16 hardware or
not, two cores or sixteen). So the estimate times a few real training steps of the configured
network, through the same input pipeline and with the same precision, plus a few evaluation
batches for the validation pass, and scales them to the data set. Results are cached on disk per
network shape, batch size, precision and CPU, so each network is measured once per machine.

Two rules keep the cached figure true. A measurement taken while something else kept this
machine's cores busy (another run training, another server, a test suite) is served but not
cached: it would be served, too slow, long after the machine went quiet; the next request measures
again. And once a run's epochs really ran here with no other run of its engine beside it, their
measured time replaces the timed-step figure (`correct`): the truth beats the estimate, and only a
later such run changes it again, so the queue's times stay put between runs.

    python -m classifier.training.estimate CONFIG_JSON TRAIN_IMAGES VALIDATION_IMAGES NUM_CLASSES

measures one and prints the seconds. The app runs it in a child forked from the engine's fork
server (classifier/engine/forkserver.py, TensorFlow imported there once), never in the server.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import patches
from classifier.core import machine
from classifier.core.config import NOT_STEP_TIME, Config
from classifier.core.data import cache_dir
from classifier.core.files import write_text_atomic
from classifier.core.model import build_model, resolved_precision
from classifier.training import pipeline

WARMUP_STEPS = 8  # graph tracing and allocator warm-up, not timed
# The timed stretch: at least TIMED_STEPS steps and TIMED_SECONDS of wall-clock time (the speed
# preset's 24 steps took about 0.5 s, so one pause of the machine moved its estimate by a third),
# at most MAX_TIMED_STEPS steps.
TIMED_STEPS = 24
TIMED_SECONDS = 3.0
MAX_TIMED_STEPS = 400
VALIDATION_BATCHES = 4
# Cores that other processes kept busy, on average, during the timed steps, above which the
# measurement is contended: served, not cached (a quarter of this process's cores).
CONTENDED_SHARE = 0.25
ESTIMATES_FILE = "epoch-estimates.json"
# Part of every cache key: raised when the training step itself gets faster or slower (2: batch
# normalisation through TensorFlow's fused kernel), so rates measured before are not reused. 3: the
# command line's `train --dry-run` and `rehearse` had timed Keras's own, unfused batch norm (about
# 1.4x the CPU time of the fused step the workers run) and cached it for every caller. 4: the
# timed stretch lasts at least TIMED_SECONDS.
STEP_VERSION = 4


def cache_key(config: Config, num_classes: int) -> str:
    """What the step time depends on: the network, the batch, the arithmetic, the machine."""
    network = {
        name: value
        for name, value in config.to_dict().items()
        if name not in NOT_STEP_TIME  # declared with step_time=False in classifier/core/config.py
    }
    network.update(
        precision=resolved_precision(config),
        classes=num_classes,
        cpu=machine.cpu_name(),
        cores=machine.usable_cores(),
        step_version=STEP_VERSION,
    )
    return hashlib.sha256(json.dumps(network, sort_keys=True).encode()).hexdigest()[:20]


def _rates_file() -> Path:
    return cache_dir() / ESTIMATES_FILE


def _read_rates() -> dict[str, dict[str, float]]:
    try:
        return json.loads(_rates_file().read_text())
    except (OSError, ValueError):
        return {}


def cached_rates(config: Config, num_classes: int = 10) -> dict[str, float] | None:
    """{"train_image": s, "validate_image": s} measured earlier for this network here, or None."""
    return _read_rates().get(cache_key(config, num_classes))


def epoch_images(config: Config, train_images: int, test_images: int) -> tuple[int, int]:
    """(images trained, images validated) per epoch, as the engine splits them."""
    if config.validation == "holdout":
        held = round(train_images * config.holdout_fraction)
        return train_images - held, held
    return train_images, test_images if config.validation == "test" else 0


def epoch_seconds(rates: dict[str, float], train_images: int, validation_images: int) -> float:
    """An epoch: every training image through a training step, then the validation pass."""
    return train_images * rates["train_image"] + validation_images * rates["validate_image"]


class CpuWatch:
    """How many cores *other* processes kept busy between `start()` and `busy_elsewhere()`:
    the busy time of this process's cores (/proc/stat) less this process's own CPU time (and, with
    `children`, that of the child processes it waited for meanwhile: a bench's training runs)."""

    def __init__(self, children: bool = False) -> None:
        self._children = children
        self.start()

    def start(self) -> None:
        self._machine, self._own, self._wall = _busy_seconds(), self._own_seconds(), time.perf_counter()

    def busy_elsewhere(self) -> float:
        wall = time.perf_counter() - self._wall
        machine_busy = _busy_seconds()
        if machine_busy is None or self._machine is None or wall <= 0:
            return 0.0  # no /proc/stat: nothing to tell
        return max(0.0, (machine_busy - self._machine) - (self._own_seconds() - self._own)) / wall

    def _own_seconds(self) -> float:
        own = os.times()
        children = own.children_user + own.children_system if self._children else 0.0
        return own.user + own.system + children


def _busy_seconds() -> float | None:
    """Seconds the cores this process may use spent busy since boot (not idle, not waiting on I/O)."""
    cores = {f"cpu{n}" for n in os.sched_getaffinity(0)} if hasattr(os, "sched_getaffinity") else None
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return None
    ticks = 0
    for line in lines:
        name, *fields = line.split()
        if not name.startswith("cpu") or name == "cpu" or (cores is not None and name not in cores):
            continue
        values = [int(value) for value in fields[:8]]
        ticks += sum(values) - values[3] - values[4]  # idle, iowait
    return ticks / os.sysconf("SC_CLK_TCK")


def contended(rates: dict[str, float]) -> bool:
    """Whether other processes kept a good share of this process's cores busy while `rates` were timed."""
    return rates.get("busy_elsewhere", 0.0) > CONTENDED_SHARE * machine.usable_cores()


def measure_rates(config: Config, num_classes: int = 10) -> dict[str, float]:
    """Seconds per image of a training step and of an evaluation, timed on random images, and
    `busy_elsewhere`: the cores other processes used meanwhile (see `contended`).

    The timed steps are timed as one stretch of wall-clock time, pauses between steps included,
    as an epoch is; a median of single steps leaves out the slow ones, and an epoch has them all.

    The process must have installed `patches.install_keras()` first, as every training worker does:
    without it batch normalisation runs Keras's own kernels, and the speed and strong presets' steps
    took about 1.4x the time of the fused steps their epochs really run."""
    import keras

    if not patches.keras_installed():
        raise RuntimeError(
            "the epoch estimate must time the training step the workers run: "
            "call patches.install_keras() at this process's start"
        )

    steps = WARMUP_STEPS + TIMED_STEPS  # distinct random batches; the pass repeats them as needed
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(steps * config.batch_size, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, num_classes, size=len(x)).astype(np.int32)
    most = WARMUP_STEPS + MAX_TIMED_STEPS
    model = build_model(config, num_classes, steps_per_epoch=most)

    class StepTimer(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == WARMUP_STEPS - 1:
                self.started = time.perf_counter()
            elif batch >= steps - 1:
                self.seconds, self.steps = time.perf_counter() - self.started, batch + 1 - WARMUP_STEPS
                if self.seconds >= TIMED_SECONDS or batch == most - 1:
                    self.model.stop_training = True  # Keras ends the pass after this step

    watch = CpuWatch()
    timer = StepTimer()
    batches = pipeline.training_batches(x, y, config).repeat()
    model.fit(batches, epochs=1, steps_per_epoch=most, callbacks=[timer], verbose=0)
    train_image = timer.seconds / (timer.steps * config.batch_size)

    evaluation = pipeline.evaluation_batches(x[: VALIDATION_BATCHES * 500], y[: VALIDATION_BATCHES * 500])
    model.evaluate(evaluation, verbose=0)  # traced and warm
    started = time.perf_counter()
    model.evaluate(evaluation, verbose=0)
    validate_image = (time.perf_counter() - started) / min(len(x), VALIDATION_BATCHES * 500)
    return {
        "train_image": train_image,
        "validate_image": validate_image,
        "timed_steps": timer.steps,
        "busy_elsewhere": round(watch.busy_elsewhere(), 3),  # over the whole measurement: ticks are coarse
    }


def measured_rates(config: Config, num_classes: int = 10) -> dict[str, float]:
    """The cached rates, or measure now (seconds) and remember them unless the measurement was
    contended (then they are served this once, and the next request measures again)."""
    key = cache_key(config, num_classes)
    rates = _read_rates().get(key)
    if rates is None:
        rates = measure_rates(config, num_classes)
        if not contended(rates):
            remember(key, rates)
    return rates


def remember(key: str, rates: dict[str, float], replace: bool = False) -> None:
    """Add to the cache file; best effort (a read-only cache only costs a new measurement).

    The first figure for a network stays: an estimate a page has shown must not change by itself
    when a second measurement of the same network (another server, the CLI) finishes later; only
    `replace` (epochs that really ran, `correct`) changes it. The read-modify-write holds a lock,
    so two measurements ending together do not lose one another."""
    try:
        path = _rates_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            everything = _read_rates()
            if key in everything and not replace:
                return
            everything[key] = rates
            write_text_atomic(path, json.dumps(everything, indent=1))
    except OSError:
        pass


def correct(
    config: Config, num_classes: int, train_images: int, validation_images: int, epoch_seconds: list[float]
) -> dict[str, float] | None:
    """A run's epochs ran here with no other run beside them: their time becomes this network's
    figure (per image trained, validation included in the proportion the timed steps found), in
    place of the timed-step estimate. The first epoch, which traces the graph, counts only when it
    is the only one. Returns the rates stored, or None when there is nothing to learn from."""
    seconds = [s for s in epoch_seconds if s and s > 0]
    if not seconds or train_images <= 0:
        return None
    epoch = statistics.median(seconds[1:] if len(seconds) > 1 else seconds)
    key = cache_key(config, num_classes)
    earlier = _read_rates().get(key)
    # How the epoch splits between training and validation: the timed steps' proportion, else a
    # forward pass at about a third of a training step.
    ratio = earlier["validate_image"] / earlier["train_image"] if earlier and earlier.get("train_image") else 1 / 3
    train_image = epoch / (train_images + validation_images * ratio)
    rates = {"train_image": train_image, "validate_image": train_image * ratio, "from_epochs": len(seconds)}
    remember(key, rates, replace=True)
    return rates


def main(argv: list[str]) -> int:
    patches.install_keras()  # time the steps a training worker runs (fused batch norm)
    config = Config.from_json(argv[0])
    train_images, validation_images, num_classes = (int(value) for value in argv[1:4])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped by the app: still tidy up below
    with tempfile.TemporaryDirectory(prefix="cnn-estimate-") as scratch:
        tempfile.tempdir = scratch  # TensorFlow's autograph writes temporary files: keep them here
        rates = measured_rates(config, num_classes)
    seconds = epoch_seconds(rates, train_images, validation_images)
    print(json.dumps({"estimated_epoch_seconds": seconds, "rates": rates}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
