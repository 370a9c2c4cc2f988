import numpy as np
import pytest

from classifier.core.config import PRESETS, Config
from classifier.core.model import build_model, count_params, describe_layers, make_optimizer
from classifier.training import estimate


def test_default_model_is_exactly_the_seed_network():
    model = build_model(Config())
    kinds = [(type(layer).__name__, layer.output.shape[1:]) for layer in model.layers[1:]]
    assert kinds == [
        ("Conv2D", (30, 30, 32)),
        ("MaxPooling2D", (15, 15, 32)),
        ("Conv2D", (13, 13, 64)),
        ("MaxPooling2D", (6, 6, 64)),
        ("Conv2D", (4, 4, 64)),
        ("Flatten", (1024,)),
        ("Dense", (64,)),
        ("Dense", (10,)),
    ]
    assert model.count_params() == 122_570
    assert model.layers[-1].activation.__name__ == "softmax"
    assert all(layer.activation.__name__ == "relu" for layer in model.layers[1:-1] if hasattr(layer, "activation"))
    assert model.loss == "sparse_categorical_crossentropy"
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.001)


@pytest.mark.parametrize(
    "config",
    [
        PRESETS["strong"],
        Config(
            convs_per_block=2,
            padding="same",
            batch_norm=True,
            dropout=0.25,
            conv_filters=(8, 16),
            pool_after=(True, False),
            dense_units=0,
            head="global_average",
            activation="gelu",
        ),
        Config(conv_filters=(4,), pool_after=(False,), kernel_size=5, dense_units=16),
    ],
)
def test_describe_layers_matches_keras(config):
    """The TensorFlow-free summary the Train page shows must be what Keras builds."""
    model = build_model(config, num_classes=6)
    built = [(layer.name, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers[1:]]
    described = [(info.name, info.output_shape, info.params) for info in describe_layers(config, 6)]
    assert built == described
    assert count_params(config, 6) == model.count_params()


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd", "rmsprop"])
def test_each_optimizer_compiles(optimizer):
    model = build_model(Config(optimizer=optimizer, weight_decay=0.0001, conv_filters=(4,), pool_after=(True,)))
    assert type(model.optimizer).__name__.lower() == optimizer


def test_cosine_schedule_warms_up_then_decays():
    config = Config(lr_schedule="cosine", warmup_epochs=1, epochs=4, learning_rate=0.01)
    optimizer = make_optimizer(config, steps_per_epoch=10)

    def rate_at(step: int) -> float:
        optimizer.iterations.assign(step)
        return float(optimizer.learning_rate)

    start, peak, end = rate_at(0), rate_at(10), rate_at(40)
    assert start == pytest.approx(0.001)
    assert peak == pytest.approx(0.01)
    assert end < 1e-6


def test_the_epoch_estimate_is_measured_once_per_network_and_machine(monkeypatch):
    tiny = Config(conv_filters=(8,), pool_after=(True,), dense_units=16, batch_size=32)
    assert estimate.cached_rates(tiny, 6) is None
    # What is tested here is the cache; whether a busy machine's figure is kept is test_estimate's
    # (the suite's own browsers and workers may keep the cores busy while this one measures).
    monkeypatch.setattr(estimate, "CONTENDED_SHARE", float("inf"))
    rates = estimate.measured_rates(tiny, 6)  # really times training steps and evaluations
    assert rates["validate_image"] > 0 and rates["train_image"] > 0  # measured seconds per image (no clock is judged)
    monkeypatch.setattr(estimate, "measure_rates", lambda *a: pytest.fail("measured again"))
    assert estimate.measured_rates(tiny, 6) == rates == estimate.cached_rates(tiny, 6)
    assert estimate.cached_rates(tiny.replace(batch_size=48), 6) is None  # another step, another figure
    assert estimate.cached_rates(tiny.replace(epochs=3, learning_rate=0.01), 6) == rates  # same step cost
    seconds = estimate.epoch_seconds(rates, 1000, 200)
    assert seconds == pytest.approx(1000 * rates["train_image"] + 200 * rates["validate_image"])


def test_epoch_images_follow_the_validation_choice():
    assert estimate.epoch_images(Config(), 50_000, 10_000) == (50_000, 10_000)
    assert estimate.epoch_images(Config(validation="none"), 50_000, 10_000) == (50_000, 0)
    assert estimate.epoch_images(Config(validation="holdout", holdout_fraction=0.1), 50_000, 10_000) == (45_000, 5_000)


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_precision_changes_the_arithmetic_not_the_network(precision, tmp_path, shapes_data):
    from classifier.core import inspect
    from classifier.core.predict import load_model

    model = build_model(Config(precision=precision), 6)
    assert {layer.dtype_policy.compute_dtype for layer in model.layers[1:-1]} == {precision}
    assert model.layers[-1].dtype_policy.name == "float32"  # softmax and loss at full precision
    assert {weight.dtype for weight in model.weights} == {"float32"}  # weights are never rounded
    assert model.count_params() == count_params(Config(), 6)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = load_model(path)  # Keras safe mode accepts the mixed-precision policy
    x = shapes_data.x_test[:4]
    assert np.allclose(loaded.probabilities(x), np.asarray(model(x.astype("float32") / 255.0)), atol=1e-6)
    seen = inspect.inspect_image(loaded.model, x[0])
    assert {m.dtype for m in seen.feature_maps.values()} == {np.dtype("float32")}
    assert np.isfinite(seen.heatmap).all() and seen.probabilities.dtype == np.float32


def test_auto_precision_uses_bfloat16_only_where_the_cpu_has_it(monkeypatch):
    from classifier.core import model as model_module

    monkeypatch.setattr(model_module.machine, "has_native_bfloat16", lambda: True)
    assert model_module.resolved_precision(Config()) == "bfloat16"
    assert model_module.resolved_precision(Config(precision="float32")) == "float32"
    on_bfloat16_hardware = estimate.cache_key(Config(), 10)
    monkeypatch.setattr(model_module.machine, "has_native_bfloat16", lambda: False)
    assert model_module.resolved_precision(Config()) == "float32"
    assert estimate.cache_key(Config(), 10) != on_bfloat16_hardware  # estimates are kept per arithmetic


def test_a_processor_held_to_avx2_is_treated_as_an_avx2_only_one(monkeypatch):
    """ONEDNN_MAX_CPU_ISA=AVX2 makes oneDNN refuse bfloat16 convolutions even on AVX512-BF16 hardware,
    so `auto` must then pick float32 (and the estimate cache must not mix the two machines up)."""
    from classifier.core import machine

    monkeypatch.setattr(machine, "_cpuinfo_field", lambda name: "fpu avx2 avx512f avx512_bf16 amx_bf16")
    machine.cpu_flags.cache_clear()
    try:
        monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "avx512_core")
        assert machine.speed_flags() == ["avx2", "avx512f"] and not machine.has_native_bfloat16()
        machine.cpu_flags.cache_clear()
        monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
        assert machine.speed_flags() == ["avx2"] and not machine.has_native_bfloat16()
        machine.cpu_flags.cache_clear()
        monkeypatch.delenv("ONEDNN_MAX_CPU_ISA")
        assert machine.has_native_bfloat16()
    finally:
        monkeypatch.undo()
        machine.cpu_flags.cache_clear()


@pytest.mark.parametrize("dtype", ["float32", "mixed_bfloat16"])
def test_fused_batch_norm_trains_as_keras_does(dtype):
    """The fused training kernel must give Keras's outputs, gradients and moving statistics; only
    where it runs (a training step) changes, and the layer stays a plain Keras layer."""
    import keras
    import numpy as np
    import tensorflow as tf

    import patches

    patches.install_keras()
    assert patches.keras_installed()
    rng = np.random.default_rng(0)
    batch = tf.constant(rng.normal(2.0, 3.0, size=(8, 5, 5, 6)).astype("float32"))
    tolerance = 1e-4 if dtype == "float32" else 3e-2

    def step(call):
        layer = keras.layers.BatchNormalization(dtype=dtype, momentum=0.5)
        layer.build(batch.shape)
        layer.gamma.assign(np.linspace(0.5, 1.5, 6).astype("float32"))
        layer.beta.assign(np.linspace(-1.0, 1.0, 6).astype("float32"))
        with tf.GradientTape() as tape:
            tape.watch(batch)
            outputs = call(layer, batch, training=True)
            # An uneven weighting, so that the gradient depends on the batch statistics.
            loss = tf.reduce_sum(tf.cast(outputs, "float32") * tf.range(6, dtype="float32"))
        gradients = tape.gradient(loss, [batch, layer.gamma, layer.beta])
        return [outputs, *gradients, layer.moving_mean, layer.moving_variance]

    fused = step(patches.fused_batch_norm_call)
    keras_own = step(patches.keras_batch_norm_call())
    assert fused[0].dtype == keras_own[0].dtype
    for ours, theirs in zip(fused, keras_own):
        ours, theirs = np.asarray(tf.cast(ours, "float32")), np.asarray(tf.cast(theirs, "float32"))
        # Relative to the array's own scale: the input gradient is float noise around zero (Keras
        # 8.8e-5 vs fused -7.5e-5 on an AVX2-only CPU), which no absolute 1e-4 can judge fairly.
        scale = max(float(np.abs(theirs).max()), 1.0)
        np.testing.assert_allclose(ours, theirs, atol=tolerance * scale, rtol=tolerance)
    # Inference keeps Keras's own code: the moving statistics, not the batch's.
    layer = keras.layers.BatchNormalization()
    np.testing.assert_allclose(layer(batch, training=False), batch / np.sqrt(1 + layer.epsilon), rtol=1e-5)
    assert type(layer) is keras.layers.BatchNormalization
