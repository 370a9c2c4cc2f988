"""The CNN: built from a Config, compiled, ready to train.

With the default Config this is exactly the seed program's network:
Conv2D(32) -> MaxPool -> Conv2D(64) -> MaxPool -> Conv2D(64) -> Flatten -> Dense(64) -> Dense(10),
122,570 parameters. The model takes float images scaled to [0, 1], like the seed program, so a
model trained by that program can be loaded here too.

`describe_layers` computes the same layers, shapes and parameter counts in plain Python, so a
page can show the architecture without importing TensorFlow (classifier/training/estimate.py times it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from classifier.core import machine
from classifier.core.config import Config

INPUT_SHAPE = (32, 32, 3)


@dataclass(frozen=True)
class LayerInfo:
    name: str
    kind: str  # Keras class name
    output_shape: tuple[int, ...]
    params: int
    macs: int  # multiply-accumulates of the forward pass, per image


def describe_layers(config: Config, num_classes: int = 10) -> list[LayerInfo]:
    """The network's layers, their output shapes and parameter counts, without TensorFlow."""
    layers: list[LayerInfo] = []
    height, width, channels = INPUT_SHAPE
    k = config.kernel_size
    for block, (filters, pool) in enumerate(zip(config.conv_filters, config.pool_after), start=1):
        for i in range(config.convs_per_block):
            suffix = f"{block}" if config.convs_per_block == 1 else f"{block}_{i + 1}"
            if config.padding == "valid":
                height, width = height - k + 1, width - k + 1
            weights = k * k * channels * filters
            macs = weights * height * width
            bias = 0 if config.batch_norm else filters
            layers.append(LayerInfo(f"conv{suffix}", "Conv2D", (height, width, filters), weights + bias, macs))
            channels = filters
            if config.batch_norm:
                layers.append(LayerInfo(f"bn{suffix}", "BatchNormalization", (height, width, filters), 4 * filters, 0))
                layers.append(LayerInfo(f"act{suffix}", "Activation", (height, width, filters), 0, 0))
        if pool:
            height, width = height // 2, width // 2
            layers.append(LayerInfo(f"pool{block}", "MaxPooling2D", (height, width, channels), 0, 0))
            if config.dropout:
                layers.append(LayerInfo(f"dropout{block}", "Dropout", (height, width, channels), 0, 0))
    if config.head == "flatten":
        features = height * width * channels
        layers.append(LayerInfo("flatten", "Flatten", (features,), 0, 0))
    else:
        features = channels
        layers.append(LayerInfo("global_pool", "GlobalAveragePooling2D", (features,), 0, 0))
    if config.dense_units:
        units = config.dense_units
        layers.append(LayerInfo("dense", "Dense", (units,), features * units + units, features * units))
        features = units
    if config.dropout:
        layers.append(LayerInfo("dropout", "Dropout", (features,), 0, 0))
    layers.append(
        LayerInfo("output", "Dense", (num_classes,), features * num_classes + num_classes, features * num_classes)
    )
    return layers


def count_params(config: Config, num_classes: int = 10) -> int:
    return sum(layer.params for layer in describe_layers(config, num_classes))


def resolved_precision(config: Config) -> str:
    """'float32' or 'bfloat16': what the config's precision means on this machine."""
    if config.precision != "auto":
        return config.precision
    return "bfloat16" if machine.has_native_bfloat16() else "float32"


def build_model(config: Config, num_classes: int = 10, steps_per_epoch: int | None = None):
    """A compiled keras.Model for `config`; layer names match `describe_layers`."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(config.random_seed)
    # Mixed precision per layer, not Keras's global policy: other models in this process stay as they are.
    policy = "mixed_bfloat16" if resolved_precision(config) == "bfloat16" else "float32"
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    for info in describe_layers(config, num_classes):
        if info.kind == "Conv2D":
            x = layers.Conv2D(
                info.output_shape[-1],
                config.kernel_size,
                padding=config.padding,
                activation=None if config.batch_norm else config.activation,
                use_bias=not config.batch_norm,
                name=info.name,
                dtype=policy,
            )(x)
        elif info.kind == "BatchNormalization":
            x = layers.BatchNormalization(name=info.name, dtype=policy)(x)
        elif info.kind == "Activation":
            x = layers.Activation(config.activation, name=info.name, dtype=policy)(x)
        elif info.kind == "MaxPooling2D":
            x = layers.MaxPooling2D((2, 2), name=info.name, dtype=policy)(x)
        elif info.kind == "Dropout":
            x = layers.Dropout(config.dropout, name=info.name, dtype=policy)(x)
        elif info.kind == "Flatten":
            x = layers.Flatten(name=info.name, dtype=policy)(x)
        elif info.kind == "GlobalAveragePooling2D":
            x = layers.GlobalAveragePooling2D(name=info.name, dtype=policy)(x)
        elif info.name == "dense":
            x = layers.Dense(info.output_shape[0], activation=config.activation, name=info.name, dtype=policy)(x)
        else:
            # float32 softmax: probabilities and the loss keep full precision.
            x = layers.Dense(num_classes, activation="softmax", name=info.name, dtype="float32")(x)
    model = keras.Model(inputs, x, name="cnn")
    model.compile(
        optimizer=make_optimizer(config, steps_per_epoch or math.ceil(50_000 / config.batch_size)),
        loss=training_loss(config),
        metrics=["accuracy"],
    )
    return model


def training_loss(config: Config):
    """Cross-entropy on the integer labels; with label smoothing ε, against the target 1 − ε + ε/K on
    the true class and ε/K on each other one (Keras's CategoricalCrossentropy(label_smoothing=ε),
    which wants one-hot labels: the pipeline keeps integer labels)."""
    if not config.label_smoothing:
        return "sparse_categorical_crossentropy"  # the seed program's loss, exactly
    return _smoothed_crossentropy_class()(label_smoothing=config.label_smoothing)


def load_for_training(path):
    """A checkpoint loaded to train on (resume): the project's own loss is known to Keras first."""
    import keras

    _smoothed_crossentropy_class()
    return keras.saving.load_model(path)


_REGISTERED: dict = {}


def _smoothed_crossentropy_class():
    """The label-smoothed sparse cross-entropy, defined (and registered for loading) once, on first
    use: TensorFlow stays unimported until a model is built."""
    if "loss" not in _REGISTERED:
        import keras

        @keras.saving.register_keras_serializable(package="classifier")
        class SmoothedSparseCrossentropy(keras.losses.Loss):
            def __init__(self, label_smoothing: float = 0.0, name: str = "smoothed_sparse_crossentropy", **kwargs):
                super().__init__(name=name, **kwargs)
                self.label_smoothing = label_smoothing

            def call(self, y_true, y_pred):
                labels = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32")
                one_hot = keras.ops.one_hot(labels, keras.ops.shape(y_pred)[-1], dtype=y_pred.dtype)
                return keras.losses.categorical_crossentropy(one_hot, y_pred, label_smoothing=self.label_smoothing)

            def get_config(self):
                return {**super().get_config(), "label_smoothing": self.label_smoothing}

        _REGISTERED["loss"] = SmoothedSparseCrossentropy
    return _REGISTERED["loss"]


def make_optimizer(config: Config, steps_per_epoch: int):
    import keras

    rate = config.learning_rate
    if config.lr_schedule == "cosine":
        total = max(1, config.epochs * steps_per_epoch)
        warmup = config.warmup_epochs * steps_per_epoch
        rate = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=config.learning_rate * (0.1 if warmup else 1.0),
            decay_steps=max(1, total - warmup),
            warmup_target=config.learning_rate if warmup else None,
            warmup_steps=warmup,
        )
    elif config.lr_schedule == "step":
        # Step decay: rate x factor^floor(step / (every x steps per epoch)), a staircase in epochs.
        rate = keras.optimizers.schedules.ExponentialDecay(
            initial_learning_rate=config.learning_rate,
            decay_steps=config.lr_drop_every * steps_per_epoch,
            decay_rate=config.lr_drop_factor,
            staircase=True,
        )
    # "plateau" keeps a plain rate here: keras.callbacks.ReduceLROnPlateau lowers it between epochs
    # (classifier/training/schedules.py), which a schedule object would not allow.
    decay = config.weight_decay or None
    if config.optimizer == "adam":
        return keras.optimizers.Adam(rate, weight_decay=decay)
    if config.optimizer == "adamw":
        return keras.optimizers.AdamW(rate, weight_decay=config.weight_decay)
    if config.optimizer == "sgd":
        return keras.optimizers.SGD(rate, momentum=config.momentum, nesterov=config.momentum > 0, weight_decay=decay)
    return keras.optimizers.RMSprop(rate, weight_decay=decay)


def float32_copy(model):
    """The same network computing in float32: a run trained in mixed bfloat16 has float32 weights
    but bfloat16 layers, which the converter would keep as casts. Returns `model` when it already is."""
    import keras

    if all(getattr(layer, "compute_dtype", "float32") == "float32" for layer in model.layers):
        return model

    def as_float32(layer):
        config = layer.get_config()
        config["dtype"] = "float32"
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, clone_function=as_float32)
    copy.set_weights(model.get_weights())
    return copy
