"""What TensorBoard logging costs per epoch: the same model trained with and without it, side by side.

    python -m bench.tensorboard --limit 10000 --pairs 4     # one JSON line: seconds per epoch, each side

Every run writes TensorBoard scalars (classifier/schedules.py: keras.callbacks.TensorBoard, per
epoch and every `tensorboard_every(steps)` batches, the learning rate included). Here one process
builds the seed network once (the package's build_model, pipeline and precision), trains one
untimed epoch (graph tracing), then alternates epochs with the callback and without it, swapping
which goes first in each pair, so both sides see the same machine load. Each side's epoch is its
own `model.fit` call (validation on the test split, as the seed program), and the logging side gets
a fresh callback each time, so it also pays for opening and closing its event files once per epoch
(a real run pays that once per run): the figure errs on the costly side.

`measure(children, sizes)` is the section `make bench` runs (bench/__main__.py); target <= 1.03x.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.report import Row, ratio_row, seconds

AT_MOST = 1.03  # the bar: TensorBoard costs at most 3% of an epoch


def timings(limit: int | None, pairs: int, precision: str = "auto") -> dict[str, Any]:
    """Seconds per epoch with and without the TensorBoard callback, alternating, in this process."""
    import math

    from classifier import pipeline, schedules
    from classifier.config import SEED
    from classifier.data import load_dataset
    from classifier.model import build_model, resolved_precision

    config = SEED.replace(precision=precision)
    dataset = load_dataset("cifar10", limit)
    steps = math.ceil(len(dataset.y_train) / config.batch_size)
    model = build_model(config, dataset.num_classes, steps_per_epoch=steps)
    train = pipeline.training_batches(dataset.x_train, dataset.y_train, config, seed=config.random_seed)
    validation = pipeline.evaluation_batches(dataset.x_test, dataset.y_test)
    logs = Path(tempfile.mkdtemp(prefix="bench-tensorboard-"))
    epoch = 0

    def one_epoch(with_tensorboard: bool) -> float:
        nonlocal epoch
        callbacks = [schedules.tensorboard(str(logs), steps)] if with_tensorboard else []
        started = time.perf_counter()
        model.fit(
            train, epochs=epoch + 1, initial_epoch=epoch, validation_data=validation, callbacks=callbacks, verbose=0
        )
        epoch += 1
        return time.perf_counter() - started

    one_epoch(False)  # traces the graphs; not counted
    sides: dict[str, list[float]] = {"with": [], "without": []}
    for pair in range(pairs):
        for with_tensorboard in (pair % 2 == 0, pair % 2 == 1):
            sides["with" if with_tensorboard else "without"].append(one_epoch(with_tensorboard))
    files = [path for path in logs.rglob("*") if path.is_file()]
    return {
        "seconds_with": sides["with"],
        "seconds_without": sides["without"],
        "pair_ratios": [a / b for a, b in zip(sides["with"], sides["without"])],
        "steps_per_epoch": steps,
        "batch_scalars_every": schedules.tensorboard_every(steps),
        "train_images": len(dataset.y_train),
        "precision": resolved_precision(config),
        "event_bytes_per_epoch": sum(path.stat().st_size for path in files) / pairs,
    }


def measure(children, sizes) -> tuple[dict[str, Any], list[Row]]:
    """The `make bench` section: seconds per epoch with TensorBoard logging against without (<= 1.03x)."""
    pairs = 2 if sizes.quick else 4
    limit = [] if sizes.limit is None else ["--limit", sizes.limit]
    result = children.run("tensorboard-cost", "bench.tensorboard", "--pairs", pairs, *limit)
    with_median = statistics.median(result["seconds_with"])
    without_median = statistics.median(result["seconds_without"])
    data = "full CIFAR-10" if sizes.limit is None else f"{sizes.limit:,} images per split"
    ratios = sorted(result["pair_ratios"])
    row = ratio_row(
        f"Seconds per epoch with TensorBoard logging (scalars per epoch and every {result['batch_scalars_every']} "
        f"batches) vs without, seed network, batch 64, {data}, precision {result['precision']}, median of "
        f"{pairs} epochs each, alternating in one process (pair ratios {ratios[0]:.3f}–{ratios[-1]:.3f}; event "
        f"files {result['event_bytes_per_epoch'] / 1024:.0f} KB per epoch)",
        with_median,
        without_median,
        seconds,
        at_most=AT_MOST,
    )
    return result, [row]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tensorboard", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="images per split (default: all of CIFAR-10)")
    parser.add_argument("--pairs", type=int, default=4, help="epochs with and without, alternating")
    parser.add_argument("--precision", default="auto", choices=("auto", "float32", "bfloat16"))
    args = parser.parse_args(argv)
    print(json.dumps(timings(args.limit, args.pairs, args.precision)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
