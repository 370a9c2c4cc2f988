"""The Learn page's interactions, timed against the shortest hand-written code for the same numbers.

    python -m bench.learn --calls 100     # one JSON line: p50/p95 per interaction, package and baseline

Each interaction of the page (explain one convolution output, one pooling output, the loss of one
image and of a 32-image batch with model.evaluate, one SGD step, the three invariance sweeps) is
timed on the seed network in float32, package and baseline alternating in the same process on the
same model (bench.workloads.paired_timings). The baselines build their probe model once, as the
package caches its own; they skip the package's checks, messages and records.

`measure(children, sizes)` is the section `make bench` runs (bench/__main__.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

from bench.report import Row, milliseconds, ratio_row

AT_MOST = 1.5  # the bar: the page costs at most 1.5x the hand-written computation
CONV, POOL, AT = "conv2", "pool1", (5, 6, 7)


class Handwritten:
    """What a student fluent in Keras, NumPy and Pillow would write for the same five numbers."""

    def __init__(self, model) -> None:
        import keras

        self.model = model
        conv, pool = model.get_layer(CONV), model.get_layer(POOL)
        self.conv_probe = keras.Model(model.inputs, [conv.input, conv.output])
        self.pool_probe = keras.Model(model.inputs, [pool.input, pool.output])
        last = model.layers[-1]
        self.head = keras.Model(model.inputs, [last.input, model.outputs[0]])
        self.trainer = keras.models.clone_model(model)
        self.trainer.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")

    def conv(self, image: np.ndarray) -> tuple[float, float]:
        x, y = self.conv_probe([image[None] / np.float32(255)])
        i, j, c = AT
        kernel, bias = self.model.get_layer(CONV).get_weights()
        z = float((np.asarray(x)[0, i : i + 3, j : j + 3] * kernel[..., c]).sum() + bias[c])
        return max(z, 0.0), float(y[0, i, j, c])

    def pool(self, image: np.ndarray) -> tuple[float, float]:
        x, y = self.pool_probe([image[None] / np.float32(255)])
        i, j, c = AT
        return float(np.asarray(x)[0, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2, c].max()), float(y[0, i, j, c])

    def loss(self, image: np.ndarray, label: int, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
        import keras

        hidden, probabilities = self.head([image[None] / np.float32(255)])
        weights, bias = self.model.layers[-1].get_weights()
        logits = np.asarray(hidden, np.float64) @ weights + bias
        p = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
        keras_loss = float(keras.losses.sparse_categorical_crossentropy(np.array([label]), probabilities)[0])
        batch = np.asarray(self.model(x / np.float32(255)))[np.arange(len(y)), y]
        self.trainer.set_weights(self.model.get_weights())
        evaluated = self.trainer.evaluate(x / np.float32(255), y, batch_size=len(x), verbose=0, return_dict=True)
        return float(-np.log(p[0, label])), keras_loss, float(-np.log(batch).mean()), evaluated["loss"]

    def step(self, weights: list[np.ndarray], x: np.ndarray, y: np.ndarray, rate: float) -> tuple:
        import keras
        import tensorflow as tf

        self.trainer.set_weights(weights)
        inputs = tf.constant(x / np.float32(255))
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, self.trainer(inputs)))
        gradients = tape.gradient(loss, self.trainer.trainable_variables)
        by_hand = [v.numpy() - rate * g.numpy() for v, g in zip(self.trainer.trainable_variables, gradients)]
        keras.optimizers.SGD(rate).apply_gradients(zip(gradients, self.trainer.trainable_variables))
        after = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, self.trainer(inputs)))
        return by_hand, float(loss), float(after), self.trainer.get_weights()

    def sweeps(self, image: np.ndarray) -> np.ndarray:
        from PIL import Image

        from classifier.challenges.probe import SWEEPS

        padded = Image.fromarray(np.pad(image, ((32, 32), (32, 32), (0, 0)), mode="symmetric"))
        versions = []
        for kind, values in SWEEPS.items():
            for v in values:
                if kind == "shift":
                    moved = padded.transform(padded.size, Image.Transform.AFFINE, (1, 0, -v, 0, 1, 0))
                elif kind == "rotate":
                    moved = padded.rotate(v, resample=Image.Resampling.BILINEAR)
                else:
                    c = 48 * (1 - 1 / v)
                    moved = padded.transform(
                        padded.size, Image.Transform.AFFINE, (1 / v, 0, c, 0, 1 / v, c), Image.Resampling.BILINEAR
                    )
                versions.append(np.asarray(moved)[32:64, 32:64])
        return np.asarray(self.model(np.stack(versions) / np.float32(255)))


def timings(calls: int) -> dict[str, Any]:
    """Package against hand-written, per interaction, on the seed network in float32."""
    from bench.workloads import PHOTOS, paired_timings
    from classifier.challenges import probe
    from classifier.core.config import SEED
    from classifier.core.images import load_input
    from classifier.core.model import build_model
    from classifier.teach import learn

    model = build_model(SEED.replace(precision="float32"))
    image = load_input(PHOTOS / "dog.jpg")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (learn.STEP_BATCH, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, 10, learn.STEP_BATCH)
    weights = learn.weights_of(model)
    hand = Handwritten(model)
    slow = max(4, calls // 4)  # model.evaluate and the SGD step take tens of ms: fewer repeats
    return {
        "conv": paired_timings(lambda: learn.explain_conv(model, image, CONV, AT), lambda: hand.conv(image), calls),
        "pool": paired_timings(lambda: learn.explain_pool(model, image, POOL, AT), lambda: hand.pool(image), calls),
        "loss": paired_timings(
            lambda: (learn.cross_entropy(model, image, 3), learn.batch_cross_entropy(model, x, y)),
            lambda: hand.loss(image, 3, x, y),
            slow,
        ),
        "step": paired_timings(
            lambda: learn.sgd_step(model, weights, x, y, 0.01), lambda: hand.step(weights, x, y, 0.01), slow
        ),
        "probe": paired_timings(lambda: probe.sweep_all(model, image), lambda: hand.sweeps(image), calls),
    }


INTERACTIONS = {
    "conv": "explain one convolution output (conv2)",
    "pool": "explain one max-pooling output (pool1)",
    "loss": "cross-entropy of one image + a 32-image batch with model.evaluate",
    "step": "one SGD step on 32 images, by hand and by keras.optimizers.SGD",
    "probe": "shift, rotate and scale sweeps (25 versions, one model call)",
}


def measure(children, sizes) -> tuple[dict[str, Any], list[Row]]:
    """The `make bench` section: a fresh process times every Learn interaction (p50, ratio <= 1.5x)."""
    result = children.run("learn-latency", "bench.learn", "--calls", sizes.calls)
    rows = [
        ratio_row(
            f"Learn: {what}, seed network (float32), p50",
            result[name]["package"]["p50_ms"],
            result[name]["baseline"]["p50_ms"],
            milliseconds,
            at_most=AT_MOST,
        )
        for name, what in INTERACTIONS.items()
    ]
    return result, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.learn", description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args(argv)
    print(json.dumps(timings(args.calls)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
