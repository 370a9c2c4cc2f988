"""What TensorFlow's fused batch-norm kernel saves per epoch (patches.py, install_keras).

    python -m bench.batch_norm --images 10000 --rounds 3      # one JSON line: seconds per side

One process builds the strong preset's network twice with the package's build_model: one model
traces its training step with Keras's own BatchNormalization.call, the other with the fused one
(each keeps the step it traced). Then they train in turns on the same CIFAR-10 images, swapping
which goes first each round, so both see the same machine load; each side's median is compared.
Both precisions where the CPU has bfloat16.

`measure(children, sizes)` is the section `make bench` runs (bench/__main__.py); information only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

from bench.report import Row, describe_machine, has_bfloat16, ratio_row, seconds


def timings(images: int, rounds: int, precision: str) -> dict[str, Any]:
    """Seconds per pass over `images` training images, Keras's batch norm against the fused kernel."""
    import keras

    import patches
    from classifier.core.config import STRONG
    from classifier.core.data import load_dataset
    from classifier.core.model import build_model, resolved_precision
    from classifier.training import pipeline

    config = STRONG.replace(precision=precision)
    data = load_dataset("cifar10", None)
    x, y = data.x_train[:images], data.y_train[:images]
    steps = -(-len(y) // config.batch_size)
    patches.install_keras()
    calls = {"keras": patches.keras_batch_norm_call(), "fused": patches.fused_batch_norm_call}
    models = {}
    for side, call in calls.items():
        keras.layers.BatchNormalization.call = call  # traced into this model's training step by its first fit
        models[side] = build_model(config, data.num_classes, steps_per_epoch=steps)
        models[side].fit(pipeline.training_batches(x, y, config), epochs=1, verbose=0)
    keras.layers.BatchNormalization.call = patches.fused_batch_norm_call

    passes: dict[str, list[float]] = {side: [] for side in calls}
    for round_ in range(rounds):
        for side in calls if round_ % 2 == 0 else reversed(list(calls)):
            started = time.perf_counter()
            models[side].fit(pipeline.training_batches(x, y, config), epochs=1, verbose=0)
            passes[side].append(time.perf_counter() - started)
    return {"precision": resolved_precision(config), "images": len(y), **{f"seconds_{k}": v for k, v in passes.items()}}


def measure(children, sizes) -> tuple[dict[str, Any], list[Row]]:
    """The `make bench` section: a strong-network epoch with the fused kernel against Keras's own."""
    images = 2000 if sizes.quick else 10000
    rounds = 2 if sizes.quick else 3
    precisions = ["float32", "bfloat16"] if has_bfloat16(describe_machine()) else ["float32"]
    raw, rows = {}, []
    for precision in precisions:
        result = children.run(
            f"batch-norm-{precision}",
            "bench.batch_norm",
            "--images",
            images,
            "--rounds",
            rounds,
            "--precision",
            precision,
        )
        raw[precision] = result
        fused, keras_own = statistics.median(result["seconds_fused"]), statistics.median(result["seconds_keras"])
        rows.append(
            ratio_row(
                f"Training pass over {images:,} CIFAR-10 images, strong preset's network, {precision}: batch norm "
                f"through TensorFlow's fused kernel vs Keras's own (median of {rounds}, alternating in one process)",
                fused,
                keras_own,
                seconds,
            )
        )
    return raw, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.batch_norm", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=10000, help="training images per timed pass")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes per side, alternating")
    parser.add_argument("--precision", default="float32", choices=("auto", "float32", "bfloat16"))
    args = parser.parse_args(argv)
    print(json.dumps(timings(args.images, args.rounds, args.precision)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
