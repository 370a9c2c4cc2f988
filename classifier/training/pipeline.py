"""tf.data input pipelines: uint8 images in memory, float [0, 1] batches out.

Images stay uint8 until a batch is gathered (a quarter of the memory of the seed program's
float64 copies); shuffling permutes indices, not pixels; augmentation runs per batch on the
tf.data threads, overlapping with the training step.

tf.data's autotuner is switched off: Keras makes a new iterator every epoch, and destroying the
old one waits for the autotune thread to wake from its sleep, which stalled some epochs by
14-22 s on 2 cores (gdb: main thread in RootDataset::Iterator::~Iterator, autotune thread in
Model::OptimizeLoop). Fixed parallelism and a two-batch prefetch keep the training step fed.
"""

from __future__ import annotations

import numpy as np

from classifier.core import machine
from classifier.core.config import Config

SHIFT_PIXELS = 4  # "shift": translate by up to 4 px (reflect-padded), as in the CIFAR literature
CROP_SCALE = (0.75, 1.0)  # "crop": keep 75-100% of each side, then resize back to 32x32
PREFETCH_BATCHES = 2


def _parallel_calls() -> int:
    return max(1, min(4, machine.usable_cores()))


def _without_autotune(dataset):
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def _scale(images):
    import tensorflow as tf

    return tf.cast(images, tf.float32) / 255.0


def training_batches(x: np.ndarray, y: np.ndarray, config: Config, seed: int = 0):
    """Shuffled, augmented, prefetched batches for one pass per epoch."""
    import tensorflow as tf

    images = tf.constant(x)
    labels = tf.constant(y, dtype=tf.int32)
    augmentation = config.augmentation

    def gather(indices):
        batch = _scale(tf.gather(images, indices))
        if augmentation:
            batch = augment(batch, augmentation)
        return batch, tf.gather(labels, indices)

    return _without_autotune(
        tf.data.Dataset.range(len(x))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .batch(config.batch_size)
        .map(gather, num_parallel_calls=_parallel_calls(), deterministic=False)
        .prefetch(PREFETCH_BATCHES)
    )


def evaluation_batches(x: np.ndarray, y: np.ndarray, batch_size: int = 500):
    import tensorflow as tf

    return _without_autotune(
        tf.data.Dataset.from_tensor_slices((x, y.astype(np.int32)))
        .batch(batch_size)
        .map(lambda images, labels: (_scale(images), labels), num_parallel_calls=_parallel_calls())
        .prefetch(PREFETCH_BATCHES)
    )


def augment(batch, options: tuple[str, ...]):
    """Random flips, shifts and crops, different for every image of the batch."""
    import tensorflow as tf

    if "flip" in options:
        batch = tf.image.random_flip_left_right(batch)
    if "shift" in options or "crop" in options:
        count = tf.shape(batch)[0]
        size = tf.shape(batch)[1]
        pad = SHIFT_PIXELS if "shift" in options else 0
        padded = tf.pad(batch, [[0, 0], [pad, pad], [pad, pad], [0, 0]], mode="REFLECT")
        full = tf.cast(size + 2 * pad, tf.float32)
        if "crop" in options:
            side = tf.random.uniform((count, 1), *CROP_SCALE) * tf.cast(size, tf.float32)
            corner = tf.random.uniform((count, 2)) * (full - side)
        else:  # whole-pixel offsets: a shift without interpolation blur
            side = tf.fill((count, 1), tf.cast(size, tf.float32))
            corner = tf.floor(tf.random.uniform((count, 2)) * (full - side + 1.0))
        # crop_and_resize boxes are normalised (y1, x1, y2, x2); an exact 32-pixel box is a pure shift.
        boxes = tf.concat([corner, corner + side - 1.0], axis=1) / (full - 1.0)
        batch = tf.image.crop_and_resize(padded, boxes, tf.range(count), tf.stack([size, size]))
    return batch
