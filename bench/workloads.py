"""The measurements that need a fresh process: a new TensorFlow each time, and an honest peak RSS.

    python -m bench.workloads warm_cache
    python -m bench.workloads plain_fit --epochs 3 [--limit 2000]
    python -m bench.workloads engine_fit [--epochs 3] [--limit 2000] [--preset strong]
    python -m bench.workloads predict_latency --calls 100 --batch 100 --batch-repeats 10
    python -m bench.workloads inspect_latency --calls 100
    python -m bench.workloads tta_gain --calls 100

Each prints one JSON object as the last line of stdout, with the process's own peak RSS and CPU
seconds added (getrusage of this process, all its threads). Package and baseline latencies are
measured in the same process, on the same loaded model, alternating which goes first.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT.parent / "shared" / "data" / "photos"
PHOTO_NAMES = ("dog.jpg", "eagle.jpg", "horses.jpg")
FIRST_METRIC_POLL = 0.005  # seconds between snapshots while waiting for the first batch point
PANEL_INTERVAL = 1.0  # the Train page's live panel redraws once a second


# --- training ----------------------------------------------------------------------------------


def warm_cache() -> dict[str, Any]:
    """Decode CIFAR-10 into the disk cache once, so that no timed run pays for decoding."""
    from classifier.core.data import load_dataset

    started = time.perf_counter()
    data = load_dataset("cifar10")
    return {
        "train_images": len(data.y_train),
        "test_images": len(data.y_test),
        "seconds": time.perf_counter() - started,
    }


def plain_fit(epochs: int, limit: int | None, avoid_stall: bool = False) -> dict[str, Any]:
    """The tutorial's program (see bench/baselines.py), as written or with the epoch stall avoided."""
    from bench.baselines import tutorial_fit

    return {"epochs": epochs, "avoid_stall": avoid_stall, **tutorial_fit(epochs, limit, avoid_stall)}


def engine_fit(epochs: int | None, limit: int | None, preset: str, precision: str = "auto") -> dict[str, Any]:
    """The package's engine as the Train page drives it: submit, then poll once a second."""
    import keras  # noqa: F401 - TensorFlow is loaded before the clock starts, as in the plain script

    from classifier.core.config import preset as preset_config
    from classifier.core.model import resolved_precision
    from classifier.core.runs import RunStore
    from classifier.engine import LocalEngine

    config = preset_config(preset, limit=limit, precision=precision, **({"epochs": epochs} if epochs else {}))
    with tempfile.TemporaryDirectory() as runs:
        engine = LocalEngine(RunStore(runs), max_concurrent=1)
        engine.wait_ready(120)  # as on a server up for a few seconds: a spare worker has TensorFlow loaded
        submitted = time.perf_counter()
        job = engine.submit(config)
        with LivePanelPoller(job) as poller:
            first_metric = seconds_to_first_batch(job, submitted)
            job.wait()
        snapshot = job.snapshot()
        train_images = engine.store.load(job.run_id).train_images
        engine.close()
    if snapshot.status != "finished":
        raise RuntimeError(f"the engine's run ended {snapshot.status}: {snapshot.reason}")
    # "elapsed" is stamped at each epoch end (after validation), from the start of fit().
    ends = [record["elapsed"] for record in snapshot.history]
    return {
        "preset": preset,
        "precision": resolved_precision(config),
        "epochs": config.epochs,
        "train_images": train_images,
        "first_metric_seconds": first_metric,
        "epoch_seconds": [float(s) for s in np.diff([0.0, *ends])],
        "test_accuracy": snapshot.test_accuracy,
        "panel_polls": poller.polls,
    }


def seconds_to_first_batch(job, since: float) -> float | None:
    """Snapshot every 5 ms until the first batch point is visible; None if the run ended first."""
    while True:
        snapshot = job.snapshot()
        if snapshot.batches:
            return time.perf_counter() - since
        if snapshot.done:
            return None
        time.sleep(FIRST_METRIC_POLL)


class LivePanelPoller:
    """What the Train page's live panel computes each second while a run trains (drawing aside):
    a snapshot of the job and the smoothed curves made from it. Runs on its own thread."""

    def __init__(self, job, interval: float = PANEL_INTERVAL) -> None:
        self.job = job
        self.interval = interval
        self.polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="live-panel", daemon=True)

    def __enter__(self) -> LivePanelPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        from ui.charts import training_curves

        labels = {key: key for key in ("loss", "accuracy", "batches", "train", "validation", "epoch", "reference")}
        while not self._stop.wait(self.interval):
            snapshot = self.job.snapshot()
            training_curves(snapshot.batches, list(snapshot.history), labels, total_epochs=snapshot.epochs)
            self.polls += 1


# --- latency: package against baseline, same process, same model --------------------------------


def paired_timings(
    package: Callable[[], object], baseline: Callable[[], object], repeats: int, warmup: int = 3
) -> dict[str, dict[str, Any]]:
    """Time each callable `repeats` times, alternating which goes first, after untimed warm-up calls."""
    for _ in range(warmup):
        package()
        baseline()
    seconds: dict[str, list[float]] = {"package": [], "baseline": []}
    calls = {"package": package, "baseline": baseline}
    for i in range(repeats):
        for side in ("package", "baseline") if i % 2 == 0 else ("baseline", "package"):
            started = time.perf_counter()
            calls[side]()
            seconds[side].append(time.perf_counter() - started)
    return {side: latency_summary(values) for side, values in seconds.items()}


def latency_summary(seconds: list[float]) -> dict[str, Any]:
    ms = np.asarray(seconds) * 1000
    return {
        "n": len(ms),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "mean_ms": float(ms.mean()),
        "ms": [round(float(v), 3) for v in ms],
    }


def read_photos() -> dict[str, bytes]:
    missing = [name for name in PHOTO_NAMES if not (PHOTOS / name).is_file()]
    if missing:
        raise FileNotFoundError(f"missing photos in {PHOTOS}: {', '.join(missing)}")
    return {name: (PHOTOS / name).read_bytes() for name in PHOTO_NAMES}


def predict_latency(calls: int, batch: int, batch_repeats: int) -> dict[str, Any]:
    """One photo through predict_image, and a batch through predict_many, against Pillow + one call."""
    from bench.baselines import handwritten_predict, handwritten_predict_many
    from classifier.core.predict import load_model, predict_image, predict_many

    loaded = load_model("default")
    photos = read_photos()
    dog = photos["dog.jpg"]
    stack = [photos[PHOTO_NAMES[i % len(PHOTO_NAMES)]] for i in range(batch)]
    single = paired_timings(
        lambda: predict_image(loaded, dog, top=3), lambda: handwritten_predict(loaded.model, dog), calls
    )
    many = paired_timings(
        lambda: predict_many(loaded, stack, top=3),
        lambda: handwritten_predict_many(loaded.model, stack),
        batch_repeats,
        warmup=1,
    )
    return {"single": single, "batch": many, "batch_size": batch}


def tta_gain(calls: int) -> dict[str, Any]:
    """Test-time flip averaging on the built-in model: test accuracy with and without it (the whole
    CIFAR-10 test split) and the latency of one photo with and without it."""
    from classifier.core.data import load_dataset
    from classifier.core.predict import load_model, predict_image

    loaded = load_model("default")
    test = load_dataset("cifar10")
    accuracy = {}
    for tta in ("none", "flip"):
        predicted = np.concatenate(
            [
                loaded.probabilities(test.x_test[i : i + 500], tta).argmax(axis=1)
                for i in range(0, len(test.y_test), 500)
            ]
        )
        accuracy[tta] = float(np.mean(predicted == test.y_test))
    dog = read_photos()["dog.jpg"]
    latency = paired_timings(
        lambda: predict_image(loaded, dog, tta="flip"), lambda: predict_image(loaded, dog, tta="none"), calls
    )
    return {"accuracy": accuracy, "flip": latency["package"], "none": latency["baseline"]}


def inspect_latency(calls: int) -> dict[str, Any]:
    """inspect_image against the hand-written Grad-CAM, on the built-in model and the seed network."""
    from classifier.core.config import SEED
    from classifier.core.images import load_input
    from classifier.core.model import build_model
    from classifier.core.predict import load_model

    image = load_input(PHOTOS / "dog.jpg")
    models = {"built-in": load_model("default").model, "seed": build_model(SEED)}
    return {name: _inspection_timings(model, image, calls) for name, model in models.items()}


def _inspection_timings(model, image: np.ndarray, calls: int) -> dict[str, dict[str, Any]]:
    from bench.baselines import HandwrittenInspector
    from classifier.core.inspect import inspect_image

    handwritten = HandwrittenInspector(model)  # built once, as inspect_image caches its probe model
    return paired_timings(lambda: inspect_image(model, image), lambda: handwritten(image), calls)


# --- the command line --------------------------------------------------------------------------

WORKLOADS: dict[str, Callable[..., dict[str, Any]]] = {
    "warm_cache": warm_cache,
    "plain_fit": plain_fit,
    "engine_fit": engine_fit,
    "predict_latency": predict_latency,
    "inspect_latency": inspect_latency,
    "tta_gain": tta_gain,
}


def process_usage() -> dict[str, float]:
    """Peak resident memory (Linux reports KiB) and CPU time of this process and the children it
    waited for (the engine's training workers): memory as the sum of both peaks, an upper bound."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "peak_rss_mb": (own.ru_maxrss + children.ru_maxrss) / 1024,
        "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
    }


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="python -m bench.workloads", description=__doc__.split("\n")[0])
    workloads = main_parser.add_subparsers(dest="workload", required=True)
    workloads.add_parser("warm_cache")
    plain = workloads.add_parser("plain_fit")
    plain.add_argument("--epochs", type=int, required=True)
    plain.add_argument("--limit", type=int, help="images per split (default: all)")
    plain.add_argument("--avoid-stall", action="store_true", help="tf.data input with autotune off")
    engine = workloads.add_parser("engine_fit")
    engine.add_argument("--epochs", type=int, help="default: the preset's")
    engine.add_argument("--limit", type=int, help="images per split (default: all)")
    engine.add_argument("--preset", default="seed")
    engine.add_argument("--precision", default="auto", help="auto, float32 or bfloat16")
    predict = workloads.add_parser("predict_latency")
    predict.add_argument("--calls", type=int, default=100)
    predict.add_argument("--batch", type=int, default=100)
    predict.add_argument("--batch-repeats", type=int, default=10)
    tta = workloads.add_parser("tta_gain")
    tta.add_argument("--calls", type=int, default=100)
    inspect = workloads.add_parser("inspect_latency")
    inspect.add_argument("--calls", type=int, default=100)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    options = vars(parser().parse_args(argv))
    result = WORKLOADS[options.pop("workload")](**options)
    print(json.dumps({**result, **process_usage()}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
