"""What TensorBoard logging costs per epoch: the same model trained with and without it, side by side.

    python -m bench.tensorboard --limit 10000 --pairs 4     # one JSON line: seconds per epoch, each side

Every run writes TensorBoard scalars (classifier/training/schedules.py: keras.callbacks.TensorBoard, per
epoch and every `tensorboard_every(steps)` batches, the learning rate included). Here one process
builds the seed network once (the package's build_model, pipeline and precision), trains one
untimed epoch (graph tracing), then alternates epochs with the callback and without it, swapping
which goes first in each pair, so both sides see the same machine load. Each side's epoch is its
own `model.fit` call (validation on the test split, as the seed program), and the logging side gets
a fresh callback each time, so it also pays for opening and closing its event files once per epoch
(a real run pays that once per run): the figure errs on the costly side.

On a shared machine one epoch can take half again as long as the next for reasons of its own, so
the judged ratio compares each side's fastest epoch, and the time spent inside the callback's own
hooks is measured too (the direct cost, as a share of the same epoch).

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

from bench.report import Row, ratio_row, seconds, verdict

AT_MOST = 1.03  # the bar: TensorBoard costs at most 3% of an epoch


def timings(limit: int | None, pairs: int, precision: str = "auto") -> dict[str, Any]:
    """Seconds per epoch with and without the TensorBoard callback, alternating, in this process."""
    import math

    from classifier.core.config import SEED
    from classifier.core.data import load_dataset
    from classifier.core.model import build_model, resolved_precision
    from classifier.training import pipeline, schedules

    config = SEED.replace(precision=precision)
    dataset = load_dataset("cifar10", limit)
    steps = math.ceil(len(dataset.y_train) / config.batch_size)
    model = build_model(config, dataset.num_classes, steps_per_epoch=steps)
    train = pipeline.training_batches(dataset.x_train, dataset.y_train, config, seed=config.random_seed)
    validation = pipeline.evaluation_batches(dataset.x_test, dataset.y_test)
    logs = Path(tempfile.mkdtemp(prefix="bench-tensorboard-"))
    epoch = 0

    hooks: list[float] = []  # seconds inside the TensorBoard callback, per logged epoch

    def one_epoch(with_tensorboard: bool) -> float:
        nonlocal epoch
        callbacks = []
        if with_tensorboard:
            hooks.append(0.0)
            callbacks = [timed(schedules.tensorboard(str(logs), steps), hooks)]
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
        "hook_seconds": hooks,
        "hook_shares": [spent / total for spent, total in zip(hooks, sides["with"])],
        "steps_per_epoch": steps,
        "batch_scalars_every": schedules.tensorboard_every(steps),
        "train_images": len(dataset.y_train),
        "precision": resolved_precision(config),
        "event_bytes_per_epoch": sum(path.stat().st_size for path in files) / pairs,
    }


HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
         "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end")  # fmt: skip


def timed(callback, spent: list[float]):
    """`callback` with each hook's time added to spent[-1] (Keras calls the hooks by attribute)."""
    for name in HOOKS:
        hook = getattr(callback, name)

        def clocked(*args, _hook=hook, **kwargs):
            started = time.perf_counter()
            try:
                return _hook(*args, **kwargs)
            finally:
                spent[-1] += time.perf_counter() - started

        setattr(callback, name, clocked)
    return callback


def measure(children, sizes) -> tuple[dict[str, Any], list[Row]]:
    """The `make bench` section: seconds per epoch with TensorBoard logging against without (<= 1.03x)."""
    pairs = 2 if sizes.quick else 4
    limit = [] if sizes.limit is None else ["--limit", sizes.limit]
    result = children.run("tensorboard-cost", "bench.tensorboard", "--pairs", pairs, *limit)
    data = "full CIFAR-10" if sizes.limit is None else f"{sizes.limit:,} images per split"
    ratios = sorted(result["pair_ratios"])
    share = statistics.median(result["hook_shares"])
    rows = [
        ratio_row(
            f"Seconds per epoch with TensorBoard logging (scalars per epoch and every "
            f"{result['batch_scalars_every']} batches) vs without, seed network, batch 64, {data}, precision "
            f"{result['precision']}: fastest of {pairs} epochs each, alternating in one process (pair ratios "
            f"{ratios[0]:.2f}–{ratios[-1]:.2f}, median {statistics.median(ratios):.3f})",
            min(result["seconds_with"]),
            min(result["seconds_without"]),
            seconds,
            at_most=AT_MOST,
        ),
        Row(
            "Time inside the TensorBoard callback's hooks, share of the same epoch (median; event files "
            f"{result['event_bytes_per_epoch'] / 1024:.0f} KB per epoch)",
            f"{share:.2%}",
            "—",
            "—",
            f"≤ {AT_MOST - 1:.0%}",
            verdict(share <= AT_MOST - 1),
        ),
    ]
    return result, rows


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
