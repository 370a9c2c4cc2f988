"""Looking inside a trained network: filters, feature maps, Grad-CAM, and where it goes wrong.

Grad-CAM follows keras-io's `examples/vision/grad_cam.py`: the gradient of the class score
with respect to the last convolutional feature maps, averaged per channel, weighs those maps;
the positive part of the weighted sum is the heatmap. Here one forward pass yields every
feature map, the prediction and the Grad-CAM gradient together.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
from PIL import Image

from classifier.core.messages import ClassifierError

_probe_models: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_probe_lock = threading.Lock()
_SPATIAL_KINDS = (
    "Conv2D",
    "BatchNormalization",
    "Activation",
    "ReLU",
    "MaxPooling2D",
    "AveragePooling2D",
    "Dropout",
    "SeparableConv2D",
    "DepthwiseConv2D",
)


class InspectError(ClassifierError):
    """A model that cannot be taken apart the way an explanation needs."""


@dataclass(frozen=True)
class Inspection:
    probabilities: np.ndarray
    class_index: int  # the class the heatmap explains
    heatmap: np.ndarray  # (h, w) in [0, 1], at the resolution of the Grad-CAM layer
    feature_maps: dict[str, np.ndarray]  # layer name -> (h, w, channels)


def conv_layer_names(model) -> list[str]:
    return [layer.name for layer in model.layers if type(layer).__name__ in ("Conv2D", "SeparableConv2D")]


def feature_layer_names(model) -> list[str]:
    """Layers whose output is a stack of 2-D maps (before flattening)."""
    return [
        layer.name for layer in model.layers if type(layer).__name__ in _SPATIAL_KINDS and len(layer.output.shape) == 4
    ]


def gradcam_layer_name(model) -> str:
    """The last layer with 2-D maps that is not pooling or dropout: the last conv's activations."""
    candidates = [
        name
        for name in feature_layer_names(model)
        if type(model.get_layer(name)).__name__ not in ("MaxPooling2D", "AveragePooling2D", "Dropout")
    ]
    if not candidates:
        raise InspectError("inspect.no_conv_layer")
    return candidates[-1]


def filters(model, layer_name: str) -> np.ndarray:
    """A conv layer's kernels scaled to [0, 1] for display.

    First layer (3 input channels): (filters, k, k, 3), shown in colour. Deeper layers:
    (filters, k, k), each kernel averaged over its input channels."""
    layer = model.get_layer(layer_name)
    if type(layer).__name__ != "Conv2D":
        raise InspectError("inspect.not_conv", layer=layer_name)
    return scale_kernels(np.asarray(layer.get_weights()[0], dtype=np.float32))


def scale_kernels(kernel: np.ndarray) -> np.ndarray:
    """(k, k, in, out) weights -> (out, k, k, 3) in colour or (out, k, k) averaged, each in [0, 1]."""
    kernel = np.moveaxis(np.asarray(kernel, dtype=np.float32), -1, 0)  # (out, k, k, in)
    if kernel.shape[-1] != 3:
        kernel = kernel.mean(axis=-1)
    low = kernel.min(axis=tuple(range(1, kernel.ndim)), keepdims=True)
    high = kernel.max(axis=tuple(range(1, kernel.ndim)), keepdims=True)
    return (kernel - low) / np.maximum(high - low, 1e-8)


def probe_model(model):
    """A model with the same weights that also returns every feature map (built once per model)."""
    import keras

    with _probe_lock:
        probe = _probe_models.get(model)
        if probe is None:
            names = feature_layer_names(model)
            outputs = [model.get_layer(name).output for name in names]
            probe = (names, keras.Model(model.inputs, [*outputs, model.outputs[0]]))
            _probe_models[model] = probe
        return probe


def inspect_image(
    model, image: np.ndarray, class_index: int | None = None, layer_name: str | None = None
) -> Inspection:
    """Feature maps of every layer, the prediction, and Grad-CAM for `class_index`
    (default: the predicted class), from a single forward pass of one 32x32 uint8 image."""
    import tensorflow as tf

    names, probe = probe_model(model)
    target = layer_name or gradcam_layer_name(model)
    if target not in names:
        raise InspectError("inspect.no_maps", layer=target)
    x = tf.convert_to_tensor(image[None].astype(np.float32) / 255.0)
    with tf.GradientTape() as tape:
        *maps, probabilities = probe(x, training=False)
        watched = maps[names.index(target)]
        chosen = int(np.argmax(probabilities[0])) if class_index is None else int(class_index)
        score = probabilities[:, chosen]
    # float32 for the arithmetic below and for display, whatever precision the model computes in.
    gradient = tf.cast(tape.gradient(score, watched)[0], tf.float32)
    weights = tf.reduce_mean(gradient, axis=(0, 1))
    heatmap = tf.nn.relu(tf.reduce_sum(tf.cast(watched[0], tf.float32) * weights, axis=-1)).numpy()
    heatmap = heatmap / heatmap.max() if heatmap.max() > 0 else heatmap
    return Inspection(
        probabilities=np.asarray(tf.cast(probabilities[0], tf.float32)),
        class_index=chosen,
        heatmap=heatmap,
        feature_maps={name: tf.cast(m[0], tf.float32).numpy() for name, m in zip(names, maps)},
    )


def overlay(image: np.ndarray, heatmap: np.ndarray, scale: int = 8, alpha: float = 0.45) -> np.ndarray:
    """The image enlarged `scale` times with the heatmap on top, as 'jet' colours (uint8 RGB)."""
    size = (image.shape[1] * scale, image.shape[0] * scale)
    base = np.asarray(Image.fromarray(image).resize(size, Image.Resampling.NEAREST), dtype=np.float32)
    heat = Image.fromarray((heatmap * 255).astype(np.uint8)).resize(size, Image.Resampling.BILINEAR)
    colours = jet(np.asarray(heat, dtype=np.float32) / 255.0)
    return np.clip(base * (1 - alpha) + colours * alpha, 0, 255).astype(np.uint8)


def jet(values: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> the classic blue-cyan-yellow-red colour map, as float RGB 0..255."""
    v = np.clip(values, 0, 1)[..., None]
    red = np.clip(1.5 - np.abs(4 * v - 3), 0, 1)
    green = np.clip(1.5 - np.abs(4 * v - 2), 0, 1)
    blue = np.clip(1.5 - np.abs(4 * v - 1), 0, 1)
    return np.concatenate([red, green, blue], axis=-1) * 255


def tile(maps: np.ndarray, columns: int = 8, pad: int = 1) -> np.ndarray:
    """(n, h, w[, 3]) -> one grid image with `columns` per row, each map scaled to [0, 1]."""
    count, height, width = maps.shape[:3]
    rows = -(-count // columns)
    shape = (rows * (height + pad) - pad, columns * (width + pad) - pad, *maps.shape[3:])
    grid = np.ones(shape, dtype=np.float32)
    for i, single in enumerate(maps):
        low, high = single.min(), single.max()
        r, c = divmod(i, columns)
        grid[r * (height + pad) : r * (height + pad) + height, c * (width + pad) : c * (width + pad) + width] = (
            (single - low) / (high - low) if high > low else 0.0
        )
    return grid


# --- a model on a whole data set ------------------------------------------------------------


def predict_probabilities(model, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """Class probabilities for uint8 images, batch by batch (bounded memory)."""
    out = [
        np.asarray(model(x[i : i + batch_size].astype(np.float32) / 255.0, training=False))
        for i in range(0, len(x), batch_size)
    ]
    return np.concatenate(out) if out else np.zeros((0, model.outputs[0].shape[-1]), np.float32)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """counts[t, p]: images of true class t predicted as p."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def per_class_accuracy(matrix: np.ndarray) -> np.ndarray:
    totals = matrix.sum(axis=1)
    return np.divide(np.diag(matrix), totals, out=np.zeros(len(matrix)), where=totals > 0)


def most_confused(matrix: np.ndarray, classes: tuple[str, ...], count: int = 5) -> list[tuple[str, str, int]]:
    """The largest off-diagonal cells: (true class, predicted class, images)."""
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None, kind="stable")[:count]  # ties: in class order
    pairs = [np.unravel_index(i, off.shape) for i in order]
    return [(classes[t], classes[p], int(off[t, p])) for t, p in pairs if off[t, p] > 0]


def mistakes(
    y_true: np.ndarray, probabilities: np.ndarray, count: int = 24, true_class: int | None = None
) -> np.ndarray:
    """Indices of misclassified images, the most confidently wrong first."""
    predicted = probabilities.argmax(axis=1)
    wrong = predicted != y_true
    if true_class is not None:
        wrong &= y_true == true_class
    indices = np.flatnonzero(wrong)
    confidence = probabilities[indices, predicted[indices]]
    return indices[np.argsort(-confidence, kind="stable")][:count]


def cell_images(
    y_true: np.ndarray, probabilities: np.ndarray, true_class: int, predicted_class: int, count: int | None = None
) -> np.ndarray:
    """Indices of the test images in one confusion-matrix cell (true `true_class`, predicted
    `predicted_class`), the most confident first: sorted by the probability the model gave the class
    it predicted. On the diagonal these are the surest right answers, off it the surest mistakes."""
    predicted = probabilities.argmax(axis=1)
    indices = np.flatnonzero((np.asarray(y_true) == true_class) & (predicted == predicted_class))
    order = np.argsort(-probabilities[indices, predicted_class], kind="stable")
    return indices[order][:count]
