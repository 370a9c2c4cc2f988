"""The hand-written baselines: what a user of plain Keras, Pillow and Streamlit would write.

Each is the shortest honest program for the same job as a package function, so the ratio of the
two is the price (or the gain) of the package's extras. They are instrumented with clocks only.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

HELLO_APP = 'import streamlit as st\n\nst.write("hello")\n'


# --- training: the tutorial's program ----------------------------------------------------------


def tutorial_fit(epochs: int, limit: int | None = None, avoid_stall: bool = False) -> dict[str, Any]:
    """The tutorial's CIFAR-10 program, line for line, with its clocks read out.

    Two additions: the data come from the project's loader (the shared CIFAR-10 copy, the same
    uint8 arrays as `keras.datasets.cifar10.load_data()`), because machines here cannot download;
    and a fixed random seed, as the engine's runs have, so that reruns are comparable.

    With `avoid_stall`, the one change a user would make to dodge tf.data's autotune stall between
    epochs (see classifier/training/pipeline.py): the same arrays, shuffled and batched by 64 as `fit` does,
    handed to `fit` as tf.data datasets with autotune off. Everything else stays the tutorial's."""
    from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from keras.models import Sequential
    from keras.utils import set_random_seed

    from classifier.core.data import load_dataset

    data = load_dataset("cifar10", limit)
    (x_train, y_train), (x_test, y_test) = (data.x_train, data.y_train), (data.x_test, data.y_test)

    x_train = x_train / 255.0
    x_test = x_test / 255.0

    set_random_seed(0)
    model = Sequential(
        [
            Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)),
            MaxPooling2D((2, 2)),
            Conv2D(64, (3, 3), activation="relu"),
            MaxPooling2D((2, 2)),
            Conv2D(64, (3, 3), activation="relu"),
            Flatten(),
            Dense(64, activation="relu"),
            Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    clock = _fit_clock()
    clock.fit_called = time.perf_counter()
    if avoid_stall:
        train, test = _without_autotune(x_train, y_train, shuffle=True), _without_autotune(x_test, y_test)
        model.fit(train, epochs=epochs, validation_data=test, callbacks=[clock])
        _, test_accuracy = model.evaluate(test)
    else:
        model.fit(x_train, y_train, epochs=epochs, batch_size=64, validation_data=(x_test, y_test), callbacks=[clock])
        _, test_accuracy = model.evaluate(x_test, y_test)
    return {
        "train_images": len(y_train),
        "first_metric_seconds": clock.first_batch_end - clock.fit_called,
        "epoch_seconds": [float(s) for s in np.diff([clock.fit_called, *clock.epoch_ends])],
        "test_accuracy": float(test_accuracy),
    }


def _without_autotune(x: np.ndarray, y: np.ndarray, shuffle: bool = False):
    """The arrays as `fit` batches them (64 at a time, reshuffled each epoch), autotune off."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), reshuffle_each_iteration=True)
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.batch(64).prefetch(2).with_options(options)


def _fit_clock():
    """A Keras callback noting when the first batch and each epoch ended (the caller stamps fit_called)."""
    import keras

    class FitClock(keras.callbacks.Callback):
        # On the TensorFlow backend Keras calls batch-end callbacks synchronously and turns the metrics
        # into Python numbers before calling any of them (progress bar included): no extra wait here.

        def __init__(self) -> None:
            super().__init__()
            self.fit_called = 0.0
            self.first_batch_end: float | None = None
            self.epoch_ends: list[float] = []

        def on_train_batch_end(self, batch: int, logs=None) -> None:
            if self.first_batch_end is None:
                self.first_batch_end = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs=None) -> None:
            self.epoch_ends.append(time.perf_counter())  # after validation, as in the engine's record

    return FitClock()


# --- prediction: Pillow, NumPy and one model call ----------------------------------------------


def _photo_to_input(data: bytes) -> np.ndarray:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB").resize((32, 32))
    return np.asarray(image)


def _top(probabilities: np.ndarray, k: int) -> list[tuple[int, float]]:
    order = np.argsort(probabilities)[::-1][:k]
    return [(int(i), float(probabilities[i])) for i in order]


def handwritten_predict(model, data: bytes, top: int = 3) -> list[tuple[int, float]]:
    """One photo's bytes -> the top classes, as a tutorial reader would write it."""
    x = _photo_to_input(data)[None] / 255.0
    probabilities = np.asarray(model(x, training=False))[0]
    return _top(probabilities, top)


def handwritten_predict_many(model, photos: list[bytes], top: int = 3) -> list[list[tuple[int, float]]]:
    """Many photos: decode each in a loop, then one model call for the whole stack."""
    x = np.stack([_photo_to_input(data) for data in photos]) / 255.0
    probabilities = np.asarray(model(x, training=False))
    return [_top(p, top) for p in probabilities]


# --- inspection: feature maps and Grad-CAM from one tape ---------------------------------------


class HandwrittenInspector:
    """keras-io's Grad-CAM recipe, extended to return every conv and pooling map as well.

    The probe model is built once; each call is one forward pass under one GradientTape."""

    def __init__(self, model) -> None:
        import keras

        kept = [layer for layer in model.layers if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D))]
        self.last_conv = max(i for i, layer in enumerate(kept) if isinstance(layer, keras.layers.Conv2D))
        self.probe = keras.Model(model.inputs, [layer.output for layer in kept] + [model.outputs[0]])

    def __call__(self, image: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        """A 32x32 uint8 image -> (feature maps, probabilities, Grad-CAM heatmap)."""
        import tensorflow as tf

        x = tf.convert_to_tensor(image[None].astype(np.float32) / 255.0)
        with tf.GradientTape() as tape:
            *maps, probabilities = self.probe(x, training=False)
            score = probabilities[:, int(tf.argmax(probabilities[0]))]
        last = maps[self.last_conv]
        weights = tf.reduce_mean(tape.gradient(score, last), axis=(0, 1, 2))
        heatmap = tf.nn.relu(tf.reduce_sum(last[0] * weights, axis=-1))
        return [m[0].numpy() for m in maps], probabilities[0].numpy(), heatmap.numpy()


# --- app start: the smallest Streamlit app -----------------------------------------------------


def write_hello_app(folder: Path) -> Path:
    """`st.write("hello")` in a file of its own (no pages/ folder beside it)."""
    script = folder / "hello.py"
    script.write_text(HELLO_APP)
    return script
