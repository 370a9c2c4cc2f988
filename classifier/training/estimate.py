"""How long an epoch will take on this machine: measured, not guessed.

A fixed rate calibrated on one machine was several times off on another (bfloat16 hardware or
not, two cores or sixteen). So the estimate times a few real training steps of the configured
network, through the same input pipeline and with the same precision, plus a few evaluation
batches for the validation pass, and scales them to the data set. Results are cached on disk per
network shape, batch size, precision and CPU, so each network is measured once per machine.

    python -m classifier.training.estimate CONFIG_JSON TRAIN_IMAGES VALIDATION_IMAGES NUM_CLASSES

measures one and prints the seconds (the app runs it in a child process, never in the server).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
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
TIMED_STEPS = 16
VALIDATION_BATCHES = 4
ESTIMATES_FILE = "epoch-estimates.json"
# Part of every cache key: raised when the training step itself gets faster or slower (2: batch
# normalisation through TensorFlow's fused kernel), so rates measured before are not reused.
STEP_VERSION = 2


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


def measure_rates(config: Config, num_classes: int = 10) -> dict[str, float]:
    """Seconds per image of a training step and of an evaluation, timed on random images."""
    import keras

    steps = WARMUP_STEPS + TIMED_STEPS
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(steps * config.batch_size, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, num_classes, size=len(x)).astype(np.int32)
    model = build_model(config, num_classes, steps_per_epoch=steps)

    class StepTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds: list[float] = []

        def on_train_batch_begin(self, batch, logs=None):
            self.started = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if batch >= WARMUP_STEPS:
                self.seconds.append(time.perf_counter() - self.started)

    timer = StepTimer()
    model.fit(pipeline.training_batches(x, y, config), epochs=1, callbacks=[timer], verbose=0)
    train_image = statistics.median(timer.seconds) / config.batch_size

    evaluation = pipeline.evaluation_batches(x[: VALIDATION_BATCHES * 500], y[: VALIDATION_BATCHES * 500])
    model.evaluate(evaluation, verbose=0)  # traced and warm
    started = time.perf_counter()
    model.evaluate(evaluation, verbose=0)
    validate_image = (time.perf_counter() - started) / min(len(x), VALIDATION_BATCHES * 500)
    return {"train_image": train_image, "validate_image": validate_image}


def measured_rates(config: Config, num_classes: int = 10) -> dict[str, float]:
    """The cached rates, or measure now (seconds) and remember them."""
    key = cache_key(config, num_classes)
    rates = _read_rates().get(key)
    if rates is None:
        rates = measure_rates(config, num_classes)
        remember(key, rates)
    return rates


def remember(key: str, rates: dict[str, float]) -> None:
    """Add to the cache file; best effort (a read-only cache only costs a new measurement).

    The first figure for a network stays: an estimate a page has shown must not change by itself
    when a second measurement of the same network (another server, the CLI) finishes later. The
    read-modify-write holds a lock, so two measurements ending together do not lose one another."""
    try:
        path = _rates_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            everything = _read_rates()
            if key in everything:
                return
            everything[key] = rates
            write_text_atomic(path, json.dumps(everything, indent=1))
    except OSError:
        pass


def main(argv: list[str]) -> int:
    patches.install_keras()  # time the steps a training worker runs (fused batch norm)
    config = Config.from_json(argv[0])
    train_images, validation_images, num_classes = (int(value) for value in argv[1:4])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped by the app: still tidy up below
    with tempfile.TemporaryDirectory(prefix="cnn-estimate-") as scratch:
        tempfile.tempdir = scratch  # TensorFlow's autograph writes temporary files: keep them here
        rates = measured_rates(config, num_classes)
    print(json.dumps({"estimated_epoch_seconds": epoch_seconds(rates, train_images, validation_images)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
