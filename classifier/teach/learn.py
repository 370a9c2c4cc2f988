"""The document's formulas (§3.3), computed by hand on a real network and checked against Keras.

    conv = explain_conv(model, image, "conv2", (4, 7, 12))   # y(i, j) = Σ_p Σ_q x(i+p, j+q) k(p, q)
    conv.value, conv.keras_value                              # the formula, and what Keras computed
    pool = explain_pool(model, image, "pool1", (3, 3, 0))     # y(i, j) = max over the window
    loss = cross_entropy(model, image, label=3)               # −log p(true class)
    batch = batch_cross_entropy(model, x, y)                  # the mean, and model.evaluate's loss
    step = sgd_step(model, weights, x, y, learning_rate=0.01) # θ ← θ − α ∇J(θ), and Keras's SGD

Each function reads the numbers Keras computed (one forward pass through a probe model that also
returns the layer outputs), recomputes the same number from the formula with NumPy, and returns
both, so a page, a script or a test can put them side by side. Images are 32x32 uint8; the model
takes them scaled to [0, 1], as in training.

Arithmetic is float32 throughout: a run trained in mixed precision (bfloat16, about three
significant digits) is explained through a float32 twin with the same weights, so that the
formula and Keras agree to 1e-4 (`AGREEMENT`) rather than to bfloat16's rounding.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classifier.core import inspect
from classifier.core.messages import ClassifierError
from classifier.core.model import float32_copy

AGREEMENT = 1e-4  # |formula − Keras| allowed, relative to the value once it is above 1
CLIP = 1e-7  # Keras clips probabilities to [ε, 1 − ε] before the log (keras.backend.epsilon())
STEP_BATCH = 32  # images in the fixed batch of the gradient-descent section
ACTIVATIONS = ("linear", "relu", "elu", "gelu", "silu", "swish", "tanh", "sigmoid")


class LearnError(ClassifierError):
    """A request the model cannot answer: no such layer, a position outside the map, ..."""


class UnsupportedModel(LearnError):
    """The model cannot be taken apart layer by layer (e.g. a layer kind the formulas do not cover)."""


def agrees(value: float, keras_value: float) -> bool:
    """The formula's number matches Keras's to AGREEMENT (relative once the value exceeds 1)."""
    return abs(value - keras_value) <= AGREEMENT * max(1.0, abs(keras_value))


def scaled(images: np.ndarray) -> np.ndarray:
    """uint8 images -> the float32 [0, 1] input the model was trained on."""
    return np.asarray(images, dtype=np.float32) / 255.0


# --- the model, taken apart ---------------------------------------------------------------------


@dataclass
class _Parts:
    """What the formulas need of one model, built once per model (see `_parts`)."""

    twin: Any  # the model itself when it computes in float32, else a float32 copy
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards `trainer`'s weights
    maps: Any = None  # (names, function): every feature map of an image batch in one call
    head: Any = None  # function: inputs -> (the output layer's input, the probabilities)
    trainer: Any = None  # a compiled float32 copy whose weights the SGD step may change


_parts_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_parts_lock = threading.Lock()


def _parts(model) -> _Parts:
    with _parts_lock:
        parts = _parts_cache.get(model)
        if parts is None:
            parts = _Parts(twin=float32_twin(model))
            _parts_cache[model] = parts
        return parts


def compute_dtype(model) -> str:
    """'float32', or 'bfloat16' for a run trained in mixed precision."""
    other = {getattr(layer, "compute_dtype", "float32") for layer in model.layers} - {"float32"}
    return min(other) if other else "float32"


def float32_twin(model):
    """The model when it computes in float32; else the same layers and weights in float32."""
    try:
        return float32_copy(model)
    except Exception as error:  # noqa: BLE001 - any model a user uploads
        raise UnsupportedModel("learn.cannot_copy", reason=str(error)[:200] or type(error).__name__) from None


def _layer(model, name: str, kinds: tuple[str, ...], code: str):
    """The layer called `name`, which must be of one of `kinds`; otherwise a message listing them."""
    choices = [layer.name for layer in model.layers if type(layer).__name__ in kinds]
    try:
        layer = model.get_layer(name)
    except ValueError:
        raise LearnError("learn.no_layer", layer=name, choices=", ".join(choices) or "-") from None
    if type(layer).__name__ not in kinds:
        raise LearnError(code, layer=name, kind=type(layer).__name__, choices=", ".join(choices) or "-")
    return layer


def output_shape(model, layer_name: str) -> tuple[int, ...]:
    """A layer's output shape for one image, e.g. (30, 30, 32), without running the model."""
    return tuple(int(v) for v in model.get_layer(layer_name).output.shape[1:])


def conv_layers(model) -> list[str]:
    return [layer.name for layer in model.layers if type(layer).__name__ == "Conv2D"]


def pool_layers(model) -> list[str]:
    return [layer.name for layer in model.layers if type(layer).__name__ == "MaxPooling2D"]


def _source(model, layer) -> str | None:
    """The name of the layer whose output feeds `layer`; None when it is the input image."""
    import keras

    producer = _feeds(model, layer)
    return None if producer is None or isinstance(producer, keras.layers.InputLayer) else producer.name


def _compiled(model, outputs):
    """keras.Model(model.inputs, outputs) as one TensorFlow graph: called eagerly, Keras spends most
    of a click's few milliseconds dispatching the layers one by one."""
    import keras
    import tensorflow as tf

    probe = outputs if callable(outputs) else keras.Model(model.inputs, outputs)
    signature = [tf.TensorSpec([None, *model.inputs[0].shape[1:]], tf.float32)]
    return tf.function(lambda x: probe([x], training=False), input_signature=signature)


class _Maps(dict):
    """Layer name -> its feature map for one image, as a (h, w, channels) array made on first use;
    the image itself under the name None."""

    def __init__(self, image: np.ndarray, tensors: dict) -> None:
        super().__init__({None: image})
        self._tensors = tensors

    def __contains__(self, name) -> bool:
        return name is None or name in self._tensors

    def __missing__(self, name):
        self[name] = self._tensors[name].numpy()[0]
        return self[name]


def _maps(parts: _Parts, image: np.ndarray) -> _Maps:
    """Every 2-D feature map Keras computes for one image, from the probe model Inside the network
    uses (inspect.probe_model: one per model), compiled once."""
    with _parts_lock:
        if parts.maps is None:
            names, probe = inspect.probe_model(parts.twin)
            parts.maps = names, _compiled(parts.twin, probe)
    names, probe = parts.maps
    x = scaled(image[None])
    *outputs, _ = probe(x)
    return _Maps(x[0], dict(zip(names, outputs)))


def _input_map(model, maps: dict, layer) -> tuple[str | None, np.ndarray]:
    source = _source(model, layer)
    if source not in maps:
        raise UnsupportedModel("learn.hidden_input", layer=layer.name, source=source)
    return source, maps[source]


def _check_position(layer_name: str, output: np.ndarray, at: tuple[int, int, int]) -> tuple[int, int, int]:
    height, width, channels = output.shape
    try:
        i, j, c = (int(v) for v in at)
    except (TypeError, ValueError):
        raise LearnError(
            "learn.bad_position", layer=layer_name, at=str(at), shape=f"{height}×{width}×{channels}"
        ) from None
    if not (0 <= i < height and 0 <= j < width and 0 <= c < channels):
        raise LearnError(
            "learn.bad_position", layer=layer_name, at=f"{i},{j},{c}", shape=f"{height}×{width}×{channels}"
        )
    return i, j, c


def _padding_before(size: int, kernel: int, stride: int, dilation: int, padding: str) -> int:
    """Rows of zeros 'same' padding puts above the input (TensorFlow puts an odd one below)."""
    if padding != "same":
        return 0
    out = -(-size // stride)
    return max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0) // 2


def _window(size: int, kernel: int, stride: int, dilation: int, padding: str, index: int) -> list[int]:
    """Input rows (or columns) under output row `index`: index·s + p·d − padding, for p = 0..P−1;
    -1 where that falls outside the input (zero padding)."""
    first = index * stride - _padding_before(size, kernel, stride, dilation, padding)
    rows = [first + p * dilation for p in range(kernel)]
    return [r if 0 <= r < size else -1 for r in rows]


def activate(name: str, z: float) -> float:
    """The activation functions Keras layers name, written out."""
    if name == "linear":
        return z
    if name == "relu":
        return max(z, 0.0)  # relu(z) = max(z, 0)
    if name == "elu":
        return z if z > 0 else math.expm1(z)  # e^z − 1 below zero
    if name == "gelu":
        return 0.5 * z * (1.0 + math.erf(z / math.sqrt(2.0)))  # z · Φ(z), Keras's exact form
    if name in ("silu", "swish"):
        return z / (1.0 + math.exp(-z))  # z · σ(z)
    if name == "tanh":
        return math.tanh(z)
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-z))
    raise UnsupportedModel("learn.activation", activation=name)


def _activation_name(layer) -> str:
    name = layer.get_config().get("activation", "linear")
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise UnsupportedModel("learn.activation", activation=str(name))
    return name


# --- §3.3.1 convolution -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """A layer right after the convolution (batch normalisation, activation), worked out too."""

    layer: str
    kind: str  # "BatchNormalization" or the activation's name
    inputs: dict[str, float]  # the numbers that go into its formula
    value: float
    keras_value: float

    @property
    def agrees(self) -> bool:
        return agrees(self.value, self.keras_value)


@dataclass(frozen=True)
class ConvExplanation:
    layer: str
    at: tuple[int, int, int]  # output row i, column j, channel c
    source: str | None  # the layer whose output is the input x (None: the image)
    rows: list[int]  # input rows under the kernel (-1: zero padding)
    cols: list[int]
    stride: tuple[int, int]  # s: how far the kernel moves from one output to the next
    dilation: tuple[int, int]  # d: the spacing of the kernel's taps (1: next to each other)
    padding_before: tuple[int, int]  # zero rows above and columns left of the input ('same')
    patch: np.ndarray  # x(i+p, j+q, ch): (kernel_h, kernel_w, input channels)
    kernel: np.ndarray  # k(p, q, ch) for output channel c: same shape
    products: np.ndarray  # x · k, element by element
    channel_sums: np.ndarray  # Σ_p Σ_q x · k for each input channel
    products_sum: float  # Σ over channels of channel_sums
    bias: float  # b_c (0 when the layer has no bias, e.g. before batch normalisation)
    use_bias: bool
    activation: str  # the layer's own activation ("linear" when a separate layer follows)
    pre_activation: float  # products_sum + bias
    value: float  # activation(pre_activation): what the formula gives
    keras_value: float  # the layer's output at (i, j, c) as Keras computed it
    stages: tuple[Stage, ...] = ()  # batch norm / activation layers that follow, each checked
    model_dtype: str = "float32"  # the student's model computes in this; here float32
    input: np.ndarray = field(repr=False, default=None)  # the whole input x: (H, W, input channels)
    output: np.ndarray = field(repr=False, default=None)  # the layer's whole output: (h, w, channels)

    @property
    def agrees(self) -> bool:
        return agrees(self.value, self.keras_value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "at": list(self.at),
            "input": self.source or "image",
            "rows": self.rows,
            "cols": self.cols,
            "patch": _rounded(self.patch),
            "kernel": _rounded(self.kernel),
            "channel_sums": _rounded(self.channel_sums),
            "products_sum": self.products_sum,
            "bias": self.bias,
            "activation": self.activation,
            "pre_activation": self.pre_activation,
            "value": self.value,
            "keras_value": self.keras_value,
            "agrees": self.agrees,
            "then": [
                {"layer": s.layer, "kind": s.kind, **s.inputs, "value": s.value, "keras_value": s.keras_value}
                for s in self.stages
            ],
            "model_dtype": self.model_dtype,
        }


def explain_conv(model, image: np.ndarray, layer_name: str, at: tuple[int, int, int]) -> ConvExplanation:
    """y(i, j, c) = f( b_c + Σ_ch Σ_p Σ_q x(i·s + p, j·s + q, ch) · k(p, q, ch, c) ), worked out."""
    parts = _parts(model)
    twin = parts.twin
    layer = _layer(twin, layer_name, ("Conv2D",), "learn.not_conv")
    config = layer.get_config()
    if config.get("groups", 1) != 1 or config.get("data_format", "channels_last") != "channels_last":
        raise UnsupportedModel("learn.conv_kind", layer=layer_name)
    activation = _activation_name(layer)
    maps = _maps(parts, image)
    source, x = _input_map(twin, maps, layer)
    y = maps[layer.name]
    i, j, c = _check_position(layer.name, y, at)

    weights = layer.get_weights()
    kernel = weights[0][..., c]  # k(p, q, ch) for output channel c: (kh, kw, in)
    bias = float(weights[1][c]) if layer.use_bias else 0.0
    (kh, kw), (sh, sw), (dh, dw) = config["kernel_size"], config["strides"], config["dilation_rate"]
    rows = _window(x.shape[0], kh, sh, dh, config["padding"], i)
    cols = _window(x.shape[1], kw, sw, dw, config["padding"], j)
    # The patch under the kernel: x(i·s + p·d, j·s + q·d, ch), zeros where it hangs over the edge.
    patch = np.zeros(kernel.shape, dtype=np.float32)
    for p, row in enumerate(rows):
        for q, col in enumerate(cols):
            if row >= 0 and col >= 0:
                patch[p, q] = x[row, col]
    # Multiply element by element, add up each input channel's P×Q products, then the channels.
    products = patch.astype(np.float64) * kernel.astype(np.float64)
    channel_sums = products.sum(axis=(0, 1))
    products_sum = float(channel_sums.sum())
    pre_activation = products_sum + bias  # + b_c
    value = activate(activation, pre_activation)  # f(z)
    return ConvExplanation(
        layer=layer.name,
        at=(i, j, c),
        source=source,
        rows=rows,
        cols=cols,
        stride=(int(sh), int(sw)),
        dilation=(int(dh), int(dw)),
        padding_before=(
            _padding_before(x.shape[0], kh, sh, dh, config["padding"]),
            _padding_before(x.shape[1], kw, sw, dw, config["padding"]),
        ),
        patch=patch,
        kernel=kernel.astype(np.float32),
        products=products,
        channel_sums=channel_sums,
        products_sum=products_sum,
        bias=bias,
        use_bias=bool(layer.use_bias),
        activation=activation,
        pre_activation=pre_activation,
        value=value,
        keras_value=float(y[i, j, c]),
        stages=tuple(_following_stages(twin, maps, layer, (i, j, c), value)),
        model_dtype=compute_dtype(model),
        input=x,
        output=y,
    )


def _consumers(model, layer) -> list:
    return [other for other in model.layers if _feeds(model, other) is layer]


def _feeds(model, layer):
    """The layer of `model` (InputLayer included) whose output `layer` takes in, through Keras's
    public graph: the tensor a layer returned when first called is the next layer's input."""
    given = getattr(layer, "input", None)
    if given is None:
        return None
    return next(
        (other for other in model.layers if other is not layer and getattr(other, "output", None) is given), None
    )


def _following_stages(model, maps: dict, layer, at: tuple[int, int, int], value: float) -> list[Stage]:
    """Batch normalisation and activation layers that come right after the convolution: their
    formulas applied to the number just computed, each beside Keras's output at the same place."""
    stages = []
    i, j, c = at
    while True:
        after = _consumers(model, layer)
        if len(after) != 1 or after[0].name not in maps:
            return stages
        layer, kind = after[0], type(after[0]).__name__
        if kind not in ("BatchNormalization", "Activation", "ReLU"):
            return stages
        keras_value = float(maps[layer.name][i, j, c])
        if kind == "BatchNormalization":
            config = layer.get_config()
            if config["axis"] not in (-1, 3, [3], [-1]):
                return stages
            gamma = float(layer.gamma[c]) if layer.scale else 1.0
            beta = float(layer.beta[c]) if layer.center else 0.0
            mean, variance = float(layer.moving_mean[c]), float(layer.moving_variance[c])
            epsilon = float(config["epsilon"])
            # ŷ = γ (y − μ) / √(σ² + ε) + β, with the running mean and variance learned in training.
            value = gamma * (value - mean) / math.sqrt(variance + epsilon) + beta
            inputs = {"gamma": gamma, "beta": beta, "mean": mean, "variance": variance, "epsilon": epsilon}
            stages.append(Stage(layer.name, kind, inputs, value, keras_value))
        elif kind == "Activation" or (kind == "ReLU" and _plain_relu(layer)):
            name = "relu" if kind == "ReLU" else _activation_name(layer)
            value = activate(name, value)
            stages.append(Stage(layer.name, name, {}, value, keras_value))
        else:
            return stages


def _plain_relu(layer) -> bool:
    config = layer.get_config()
    return config.get("max_value") is None and not config.get("negative_slope") and not config.get("threshold")


# --- §3.3.2 max pooling -------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolExplanation:
    layer: str
    at: tuple[int, int, int]
    source: str | None
    rows: list[int]  # input rows of the window (-1: outside the map, ignored by the max)
    cols: list[int]
    window: np.ndarray  # x(i·s + p, j·s + q, c) for channel c; NaN outside the map
    argmax: tuple[int, int]  # where in the window the maximum sits
    value: float  # max of the window: what the formula gives
    keras_value: float
    stride: tuple[int, int] = (2, 2)
    model_dtype: str = "float32"
    input: np.ndarray = field(repr=False, default=None)  # the map below: (H, W, channels)
    output: np.ndarray = field(repr=False, default=None)  # the pooled map: (h, w, channels)

    @property
    def agrees(self) -> bool:
        return agrees(self.value, self.keras_value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "at": list(self.at),
            "input": self.source or "image",
            "rows": self.rows,
            "cols": self.cols,
            "window": [[None if math.isnan(v) else v for v in row] for row in _rounded(self.window)],
            "argmax": list(self.argmax),
            "value": self.value,
            "keras_value": self.keras_value,
            "agrees": self.agrees,
            "model_dtype": self.model_dtype,
        }


def explain_pool(model, image: np.ndarray, layer_name: str, at: tuple[int, int, int]) -> PoolExplanation:
    """y(i, j, c) = max over the window N of x(i·s + p, j·s + q, c), worked out."""
    parts = _parts(model)
    twin = parts.twin
    layer = _layer(twin, layer_name, ("MaxPooling2D",), "learn.not_pool")
    config = layer.get_config()
    if config.get("data_format", "channels_last") != "channels_last":
        raise UnsupportedModel("learn.conv_kind", layer=layer_name)
    maps = _maps(parts, image)
    source, x = _input_map(twin, maps, layer)
    y = maps[layer.name]
    i, j, c = _check_position(layer.name, y, at)
    (ph, pw), (sh, sw) = config["pool_size"], config["strides"] or config["pool_size"]
    rows = _window(x.shape[0], ph, sh, 1, config["padding"], i)
    cols = _window(x.shape[1], pw, sw, 1, config["padding"], j)
    # The window N of channel c; pixels beyond the edge ('same' padding) take no part in the max.
    window = np.full((ph, pw), np.nan, dtype=np.float32)
    for p, row in enumerate(rows):
        for q, col in enumerate(cols):
            if row >= 0 and col >= 0:
                window[p, q] = x[row, col, c]
    p, q = np.unravel_index(np.nanargmax(window), window.shape)
    return PoolExplanation(
        layer=layer.name,
        at=(i, j, c),
        source=source,
        rows=rows,
        cols=cols,
        window=window,
        argmax=(int(p), int(q)),
        value=float(window[p, q]),  # y(i, j) = max_{p,q ∈ N} x(i·s + p, j·s + q)
        keras_value=float(y[i, j, c]),
        stride=(int(sh), int(sw)),
        model_dtype=compute_dtype(model),
        input=x,
        output=y,
    )


# --- §3.3.3 cross-entropy -----------------------------------------------------------------------


@dataclass(frozen=True)
class LossExplanation:
    label: int  # the true class
    logits: np.ndarray | None  # z: the softmax's inputs (None if the model hides them)
    probabilities: np.ndarray  # softmax(z) by hand (Keras's own when logits are hidden)
    keras_probabilities: np.ndarray  # the model's output
    p_true: float  # p(true class)
    loss: float  # −log p(true class), p clipped to [ε, 1 − ε] as Keras does
    keras_loss: float  # keras.losses.sparse_categorical_crossentropy on the model's output

    @property
    def agrees(self) -> bool:
        return agrees(self.loss, self.keras_loss)

    def to_dict(self, classes: tuple[str, ...] | None = None) -> dict[str, Any]:
        names = classes or tuple(str(i) for i in range(len(self.probabilities)))
        return {
            "label": names[self.label],
            "logits": None if self.logits is None else dict(zip(names, _rounded(self.logits))),
            "probabilities": dict(zip(names, _rounded(self.probabilities))),
            "p_true": self.p_true,
            "loss": self.loss,
            "keras_loss": self.keras_loss,
            "agrees": self.agrees,
        }


def _head(parts: _Parts):
    """A probe returning the output layer's input beside the probabilities (built once)."""
    with _parts_lock:
        if parts.head is None:
            parts.head = _compiled(parts.twin, [parts.twin.layers[-1].input, parts.twin.outputs[0]])
    return parts.head


def softmax(z: np.ndarray) -> np.ndarray:
    """p_k = e^{z_k} / Σ_m e^{z_m}; the largest z is subtracted first so e^z cannot overflow."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _logits(parts: _Parts, x: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """(z, Keras's probabilities) for a batch; z = h·W + b of the output layer when it is a Dense
    with softmax, or the input of a final softmax Activation layer; None when neither."""
    last = parts.twin.layers[-1]
    hidden, probabilities = (np.asarray(t, dtype=np.float64) for t in _head(parts)(x))
    kind, activation = type(last).__name__, last.get_config().get("activation")
    if kind == "Dense" and activation == "softmax":
        weights = last.get_weights()
        bias = weights[1] if last.use_bias else 0.0
        return hidden @ weights[0].astype(np.float64) + bias, probabilities  # z = h·W + b
    if kind in ("Activation", "Softmax") and (activation in ("softmax", None)):
        return hidden, probabilities
    return None, probabilities


def _label(label: int, classes: int) -> int:
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label < classes:
        raise LearnError("learn.bad_label", label=str(label), count=classes)
    return int(label)


def cross_entropy(model, image: np.ndarray, label: int) -> LossExplanation:
    """L = −log p(true class) for one image: the document's −[y log ŷ + (1 − y) log(1 − ŷ)] with
    one-hot labels over all classes, which keeps only the true class's term."""
    import keras

    parts = _parts(model)
    logits, keras_probabilities = _logits(parts, scaled(image[None]))
    label = _label(label, keras_probabilities.shape[-1])
    probabilities = softmax(logits)[0] if logits is not None else keras_probabilities[0]
    p_true = float(probabilities[label])
    loss = -math.log(min(max(p_true, CLIP), 1 - CLIP))  # −log p, with Keras's clip against log 0
    keras_loss = float(
        keras.losses.sparse_categorical_crossentropy(np.array([label]), keras_probabilities.astype(np.float32))[0]
    )
    return LossExplanation(
        label=label,
        logits=None if logits is None else logits[0],
        probabilities=probabilities,
        keras_probabilities=keras_probabilities[0],
        p_true=p_true,
        loss=loss,
        keras_loss=keras_loss,
    )


@dataclass(frozen=True)
class BatchLoss:
    labels: np.ndarray
    p_true: np.ndarray  # p(true class) of each image
    losses: np.ndarray  # −log p(true class) of each image
    loss: float  # their mean: L = −(1/N) Σ_n log p_n
    keras_loss: float  # model.evaluate(x, y) on the same images

    @property
    def agrees(self) -> bool:
        return agrees(self.loss, self.keras_loss)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": len(self.labels),
            "losses": _rounded(self.losses),
            "loss": self.loss,
            "keras_loss": self.keras_loss,
        }


def _trainer(parts: _Parts):
    """A compiled float32 copy for model.evaluate and the SGD step; the student's model is never
    compiled or changed here. Call with parts.lock held."""
    import keras

    if parts.trainer is None:
        trainer = keras.models.clone_model(parts.twin)
        trainer.compile(optimizer=keras.optimizers.SGD(), loss="sparse_categorical_crossentropy")
        parts.trainer = trainer
    return parts.trainer


def batch_cross_entropy(model, images: np.ndarray, labels: np.ndarray) -> BatchLoss:
    """L = −(1/N) Σ_n log p_n(true class) over a batch, beside Keras's model.evaluate."""
    parts = _parts(model)
    x = scaled(images)
    labels = np.asarray(labels, dtype=np.int64)
    probabilities = np.asarray(parts.twin(x, training=False), dtype=np.float64)
    p_true = probabilities[np.arange(len(labels)), labels]
    losses = -np.log(np.clip(p_true, CLIP, 1 - CLIP))
    with parts.lock:
        trainer = _trainer(parts)
        trainer.set_weights(parts.twin.get_weights())
        keras_loss = trainer.evaluate(x, labels, batch_size=len(x), verbose=0, return_dict=True)["loss"]
    return BatchLoss(labels, p_true, losses, float(losses.mean()), float(keras_loss))


# --- §3.3.4 gradient descent --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    variable: str  # e.g. "conv1/kernel"
    index: tuple[int, ...]  # which number of that variable
    weight: float  # θ before the step
    gradient: float  # ∂J/∂θ from tf.GradientTape
    learning_rate: float  # α
    new_weight: float  # θ − α ∂J/∂θ, by hand
    keras_new_weight: float  # the same weight after keras.optimizers.SGD(α).apply_gradients
    loss_before: float  # J(θ) on the batch
    loss_after: float  # J on the same batch after the step
    max_difference: float  # largest |by hand − Keras| over every weight of the model
    weights: list = field(repr=False, default_factory=list)  # all the model's weights after the step

    @property
    def agrees(self) -> bool:
        return agrees(self.new_weight, self.keras_new_weight)

    def to_dict(self) -> dict[str, Any]:
        return {
            "variable": self.variable,
            "index": list(self.index),
            "weight": self.weight,
            "gradient": self.gradient,
            "learning_rate": self.learning_rate,
            "new_weight": self.new_weight,
            "keras_new_weight": self.keras_new_weight,
            "loss_before": _finite(self.loss_before),
            "loss_after": _finite(self.loss_after),
            "max_difference": _finite(self.max_difference),
            "agrees": self.agrees,
        }


def fixed_batch(x: np.ndarray, y: np.ndarray, seed: int = 0, size: int = STEP_BATCH) -> tuple[np.ndarray, np.ndarray]:
    """A fixed batch: `size` images drawn with `seed` (the same seed, the same images)."""
    chosen = np.sort(np.random.default_rng(seed).choice(len(x), size=min(size, len(x)), replace=False))
    return x[chosen], y[chosen]


def weights_of(model) -> list[np.ndarray]:
    """A copy of every weight of the model (in float32): the state one session's steps change."""
    return [np.array(w, dtype=np.float32) for w in _parts(model).twin.get_weights()]


def trainable_variables(model) -> list[tuple[str, tuple[int, ...]]]:
    """(path, shape) of each weight gradient descent changes, e.g. ("conv1/kernel", (3, 3, 3, 32))."""
    return [(v.path, tuple(v.shape)) for v in _parts(model).twin.trainable_variables]


def sgd_step(
    model,
    weights: list[np.ndarray],
    images: np.ndarray,
    labels: np.ndarray,
    learning_rate: float,
    variable: str | None = None,
    index: tuple[int, ...] | None = None,
) -> Step:
    """One plain gradient-descent step θ ← θ − α ∇J(θ) from `weights` on one batch, on a copy of
    the model: J is the batch's mean cross-entropy as model.evaluate computes it (batch norm uses
    its running averages, dropout is off). The step is taken by hand for every weight and by
    keras.optimizers.SGD(α) on the copy; the copy's weights after the step are returned in
    `Step.weights`. `variable` and `index` pick the weight reported (default: the first variable's
    weight with the largest gradient)."""
    import keras
    import tensorflow as tf

    if not (isinstance(learning_rate, (int, float)) and 0 < learning_rate <= 100):
        raise LearnError("learn.bad_rate", rate=str(learning_rate))
    parts = _parts(model)
    x = tf.constant(scaled(images))
    y = tf.constant(np.asarray(labels, dtype=np.int64))
    with parts.lock:
        trainer = _trainer(parts)
        trainer.set_weights(weights)
        chosen = _variable_index(trainer, variable)
        with tf.GradientTape() as tape:
            # J(θ) = −(1/N) Σ_n log p_n(true class)
            loss_before = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, trainer(x, training=False)))
        gradients = tape.gradient(loss_before, trainer.trainable_variables)  # ∇J(θ)
        thetas = [v.numpy() for v in trainer.trainable_variables]
        grads = [np.zeros_like(t) if g is None else np.asarray(g) for t, g in zip(thetas, gradients)]
        by_hand = [theta - np.float32(learning_rate) * g for theta, g in zip(thetas, grads)]  # θ − α ∇J(θ)
        keras.optimizers.SGD(learning_rate=learning_rate).apply_gradients(
            [(tf.zeros_like(v) if g is None else g, v) for g, v in zip(gradients, trainer.trainable_variables)]
        )
        after = [v.numpy() for v in trainer.trainable_variables]
        loss_after = keras.losses.sparse_categorical_crossentropy(y, trainer(x, training=False))
        new_weights = [np.array(w) for w in trainer.get_weights()]
    where = _weight_index(chosen, thetas[chosen].shape, grads[chosen], index)
    with np.errstate(invalid="ignore"):
        difference = max(float(np.max(np.abs(a - b), initial=0.0)) for a, b in zip(by_hand, after))
    return Step(
        variable=trainer.trainable_variables[chosen].path,
        index=where,
        weight=float(thetas[chosen][where]),
        gradient=float(grads[chosen][where]),
        learning_rate=float(learning_rate),
        new_weight=float(by_hand[chosen][where]),
        keras_new_weight=float(after[chosen][where]),
        loss_before=float(loss_before),
        loss_after=float(np.mean(loss_after)),
        max_difference=difference,
        weights=new_weights,
    )


def _variable_index(model, path: str | None) -> int:
    paths = [v.path for v in model.trainable_variables]
    if path is None:
        return 0
    if path not in paths:
        raise LearnError("learn.no_variable", variable=path, choices=", ".join(paths))
    return paths.index(path)


def _weight_index(chosen: int, shape: tuple[int, ...], gradient: np.ndarray, index) -> tuple[int, ...]:
    if index is None:
        magnitude = np.nan_to_num(np.abs(gradient), nan=-1.0)
        return tuple(int(v) for v in np.unravel_index(int(np.argmax(magnitude)), shape))
    index = tuple(int(v) for v in index)
    if len(index) != len(shape) or not all(0 <= v < n for v, n in zip(index, shape)):
        raise LearnError("learn.bad_index", index=",".join(map(str, index)), shape="×".join(map(str, shape)))
    return index


# --- small helpers ------------------------------------------------------------------------------


def _rounded(values: np.ndarray, digits: int = 6) -> list:
    return np.round(np.asarray(values, dtype=np.float64), digits).tolist()


def _finite(value: float) -> float | None:
    """JSON has no NaN or infinity: a blown-up loss is reported as null."""
    return value if math.isfinite(value) else None
