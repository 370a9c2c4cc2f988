"""classifier.teach.learn and classifier.challenges.probe against Keras, on really-trained float32 networks: the seed
network and one with batch normalisation. Keras's numbers here come from models the test builds
itself (a plain keras.Model on the layer's output, model.evaluate, SGD.apply_gradients on its own
clone), never from the code under test."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from classifier.challenges import probe
from classifier.core.config import Config
from classifier.teach import learn
from classifier.teach.learn import LearnError, UnsupportedModel

TOLERANCE = 1e-4  # the bar: formula and Keras agree to 1e-4


def _train(config: Config, data):
    from classifier.core.model import build_model
    from classifier.training import pipeline

    model = build_model(config, data.num_classes)
    model.fit(pipeline.training_batches(data.x_train, data.y_train, config), epochs=config.epochs, verbose=0)
    return model


@pytest.fixture(scope="module")
def seed32(shapes_data):
    """The seed network, float32 arithmetic, two real epochs on shapes."""
    return _train(Config(dataset="shapes", epochs=2, precision="float32"), shapes_data)


@pytest.fixture(scope="module")
def bn32(shapes_data):
    """Batch normalisation after each convolution (no conv bias, separate activation), 'same' padding."""
    return _train(Config(dataset="shapes", epochs=2, batch_norm=True, padding="same", precision="float32"), shapes_data)


@pytest.fixture(params=["seed32", "bn32"])
def network(request):
    return request.getfixturevalue(request.param)


def keras_outputs(model, image: np.ndarray, *names: str) -> list[np.ndarray]:
    """The named layers' outputs (and the input under None) from a keras.Model built here."""
    import keras

    tensors = [model.inputs[0] if name is None else model.get_layer(name).output for name in names]
    outputs = keras.Model(model.inputs, tensors)([image[None].astype("float32") / 255.0])
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [np.asarray(o)[0] for o in outputs]


def positions(output: np.ndarray, count: int = 4) -> list[tuple[int, int, int]]:
    """Corners (where 'same' padding bites), the strongest responses, and one ordinary cell."""
    h, w, c = output.shape
    strongest = np.argsort(output.ravel())[::-1][: count - 2]
    return [
        (0, 0, 0),
        (h - 1, w - 1, c - 1),
        *(tuple(int(v) for v in np.unravel_index(k, output.shape)) for k in strongest),
    ]


def test_convolution_by_hand_equals_keras_for_every_conv_layer(network, shapes_data):
    image = shapes_data.x_test[1]
    for layer in learn.conv_layers(network):
        source = learn._source(network, network.get_layer(layer))
        x, y = keras_outputs(network, image, source, layer)
        for at in positions(y):
            explained = learn.explain_conv(network, image, layer, at)
            assert abs(explained.value - y[at]) <= TOLERANCE, (layer, at)
            assert explained.keras_value == pytest.approx(float(y[at]), abs=1e-7)
            # The patch is the input under the kernel, zeros where it hangs over the edge.
            for p, row in enumerate(explained.rows):
                for q, col in enumerate(explained.cols):
                    expected = x[row, col] if row >= 0 and col >= 0 else 0.0
                    assert np.allclose(explained.patch[p, q], expected)
            kernel = network.get_layer(layer).get_weights()[0][..., at[2]]
            assert np.array_equal(explained.kernel, kernel)
            assert explained.products_sum == pytest.approx(float((explained.patch * kernel).sum()), abs=1e-5)


def test_batch_norm_and_activation_after_a_convolution_are_worked_out_too(bn32, shapes_data):
    image = shapes_data.x_test[2]
    conv, bn, act = keras_outputs(bn32, image, "conv2", "bn2", "act2")
    at = tuple(int(v) for v in np.unravel_index(np.argmax(act), act.shape))
    explained = learn.explain_conv(bn32, image, "conv2", at)
    assert explained.bias == 0 and not explained.use_bias and explained.activation == "linear"
    assert abs(explained.value - conv[at]) <= TOLERANCE  # the formula covers the conv's own output
    assert [(s.layer, s.kind) for s in explained.stages] == [("bn2", "BatchNormalization"), ("act2", "relu")]
    assert abs(explained.stages[0].value - bn[at]) <= TOLERANCE
    assert abs(explained.stages[1].value - act[at]) <= TOLERANCE and explained.stages[1].value > 0
    assert explained.padding_before == (1, 1)  # 'same' padding of a 3x3 kernel


def test_the_seed_networks_convolution_includes_bias_and_relu(seed32, shapes_data):
    image = shapes_data.x_test[3]
    (y,) = keras_outputs(seed32, image, "conv1")
    at = tuple(int(v) for v in np.unravel_index(np.argmax(y), y.shape))
    explained = learn.explain_conv(seed32, image, "conv1", at)
    assert explained.use_bias and explained.activation == "relu" and explained.stages == ()
    assert explained.source is None and explained.patch.shape == (3, 3, 3)  # the RGB image itself
    assert explained.bias == pytest.approx(float(seed32.get_layer("conv1").get_weights()[1][at[2]]))
    assert explained.value == max(explained.pre_activation, 0.0) > 0
    assert abs(explained.value - y[at]) <= TOLERANCE


def test_max_pooling_window_and_maximum_equal_keras(network, shapes_data):
    image = shapes_data.x_test[4]
    for layer in learn.pool_layers(network):
        x, y = keras_outputs(network, image, learn._source(network, network.get_layer(layer)), layer)
        for at in positions(y):
            i, j, c = at
            explained = learn.explain_pool(network, image, layer, at)
            assert np.allclose(explained.window, x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2, c])
            assert explained.window[explained.argmax] == explained.value
            assert abs(explained.value - y[at]) <= TOLERANCE


def test_cross_entropy_of_one_image_equals_keras_loss(network, shapes_data):
    import keras

    for index in range(3):
        image, label = shapes_data.x_test[index], int(shapes_data.y_test[index])
        probabilities = np.asarray(network(image[None].astype("float32") / 255.0))
        expected = float(keras.losses.sparse_categorical_crossentropy(np.array([label]), probabilities)[0])
        explained = learn.cross_entropy(network, image, label)
        assert abs(explained.loss - expected) <= TOLERANCE
        assert explained.loss == pytest.approx(-np.log(explained.p_true), abs=1e-6)
        assert np.allclose(explained.probabilities, probabilities[0], atol=1e-6)  # softmax of the logits by hand
        assert explained.logits is not None and np.allclose(learn.softmax(explained.logits), explained.probabilities)


def test_mean_cross_entropy_of_a_batch_equals_model_evaluate(network, shapes_data):
    import keras

    x, y = learn.fixed_batch(shapes_data.x_test, shapes_data.y_test, seed=3, size=16)
    clone = keras.models.clone_model(network)
    clone.set_weights(network.get_weights())
    clone.compile(loss="sparse_categorical_crossentropy")
    expected = clone.evaluate(x.astype("float32") / 255.0, y, batch_size=16, verbose=0, return_dict=True)["loss"]
    batch = learn.batch_cross_entropy(network, x, y)
    assert abs(batch.loss - expected) <= TOLERANCE
    assert batch.losses.shape == (16,) and batch.loss == pytest.approx(float(batch.losses.mean()))


def test_one_sgd_step_equals_keras_sgd_on_a_copy(network, shapes_data):
    import keras
    import tensorflow as tf

    x, y = learn.fixed_batch(shapes_data.x_train, shapes_data.y_train, seed=1)
    before = [w.copy() for w in network.get_weights()]
    step = learn.sgd_step(network, learn.weights_of(network), x, y, 0.05)

    # Keras's own step, computed here: the gradient of model.evaluate's loss, then SGD(α).
    clone = keras.models.clone_model(network)
    clone.set_weights(before)
    inputs = tf.constant(x.astype("float32") / 255.0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, clone(inputs, training=False)))
    gradients = tape.gradient(loss, clone.trainable_variables)
    keras.optimizers.SGD(learning_rate=0.05).apply_gradients(zip(gradients, clone.trainable_variables))
    for mine, theirs in zip(step.weights, clone.get_weights()):
        assert np.allclose(mine, theirs, atol=TOLERANCE)
    variable = next(v for v in clone.trainable_variables if v.path == step.variable)
    assert abs(step.keras_new_weight - float(variable.numpy()[step.index])) <= 1e-6
    assert abs(step.new_weight - (step.weight - 0.05 * step.gradient)) <= 1e-6
    assert abs(step.new_weight - step.keras_new_weight) <= TOLERANCE
    assert step.loss_before == pytest.approx(float(loss), abs=TOLERANCE)
    assert step.loss_after < step.loss_before  # a small step downhill
    # The student's model itself is never changed.
    assert all(np.array_equal(a, b) for a, b in zip(before, network.get_weights()))


def test_seed_network_step_matches_train_on_batch(seed32, shapes_data):
    """Without batch norm or dropout, training and inference mode agree: Keras's own train_on_batch
    with plain SGD moves every weight where the hand-made step does."""
    import keras

    x, y = learn.fixed_batch(shapes_data.x_train, shapes_data.y_train, seed=2)
    clone = keras.models.clone_model(seed32)
    clone.set_weights(seed32.get_weights())
    clone.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    clone.train_on_batch(x.astype("float32") / 255.0, y)
    step = learn.sgd_step(seed32, learn.weights_of(seed32), x, y, 0.1, "conv2/kernel", (1, 1, 0, 0))
    assert step.variable == "conv2/kernel" and step.index == (1, 1, 0, 0)
    assert all(np.allclose(a, b, atol=TOLERANCE) for a, b in zip(step.weights, clone.get_weights()))


def test_repeated_steps_follow_one_weight_and_too_large_a_rate_blows_up(seed32, shapes_data):
    x, y = learn.fixed_batch(shapes_data.x_train, shapes_data.y_train, seed=0)
    weights, index, losses = learn.weights_of(seed32), None, []
    for _ in range(3):
        step = learn.sgd_step(seed32, weights, x, y, 0.05, index=index)
        assert step.loss_before == pytest.approx(losses[-1] if losses else step.loss_before, abs=1e-5)
        weights, index = step.weights, step.index
        losses.append(step.loss_after)
    assert losses[0] > losses[1] > losses[2]
    blown = learn.sgd_step(seed32, learn.weights_of(seed32), x, y, 10.0)
    assert not blown.loss_after < blown.loss_before * 2  # α = 10 jumps far past the minimum


def test_a_bfloat16_model_is_explained_through_a_float32_twin(shapes_data):
    from classifier.core.model import build_model

    model = build_model(Config(dataset="shapes", precision="bfloat16"), 6)
    assert learn.compute_dtype(model) == "bfloat16"
    image = shapes_data.x_test[0]
    explained = learn.explain_conv(model, image, "conv2", (2, 3, 4))
    assert explained.model_dtype == "bfloat16" and explained.agrees
    bf16 = keras_outputs(model, image, "conv2")[0][2, 3, 4]
    assert abs(explained.keras_value - bf16) <= 0.02 * max(1.0, abs(bf16))  # the same number, bfloat16's digits


@pytest.mark.parametrize(
    "call, code",
    [
        (lambda m, im: learn.explain_conv(m, im, "nope", (0, 0, 0)), "learn.no_layer"),
        (lambda m, im: learn.explain_conv(m, im, "pool1", (0, 0, 0)), "learn.not_conv"),
        (lambda m, im: learn.explain_pool(m, im, "conv1", (0, 0, 0)), "learn.not_pool"),
        (lambda m, im: learn.explain_conv(m, im, "conv1", (30, 0, 0)), "learn.bad_position"),
        (lambda m, im: learn.explain_conv(m, im, "conv1", (0, 0, 32)), "learn.bad_position"),
        (lambda m, im: learn.explain_pool(m, im, "pool1", (-1, 0, 0)), "learn.bad_position"),
        (lambda m, im: learn.cross_entropy(m, im, 6), "learn.bad_label"),
    ],
)
def test_requests_the_model_cannot_answer_get_a_coded_message(seed32, shapes_data, call, code):
    with pytest.raises(LearnError) as raised:
        call(seed32, shapes_data.x_test[0])
    assert raised.value.message.code == code
    assert "Traceback" not in str(raised.value)


def test_bad_step_requests_get_a_coded_message(seed32, shapes_data):
    x, y = learn.fixed_batch(shapes_data.x_train, shapes_data.y_train)
    weights = learn.weights_of(seed32)
    for kwargs, code in [
        ({"learning_rate": 0.0}, "learn.bad_rate"),
        ({"learning_rate": 0.1, "variable": "conv9/kernel"}, "learn.no_variable"),
        ({"learning_rate": 0.1, "variable": "conv1/kernel", "index": (3, 0, 0, 0)}, "learn.bad_index"),
    ]:
        with pytest.raises(LearnError) as raised:
            learn.sgd_step(seed32, weights, x, y, **kwargs)
        assert raised.value.message.code == code


def test_models_the_formulas_do_not_cover_are_refused_clearly(shapes_data):
    import keras

    inputs = keras.Input((32, 32, 3))
    padded = keras.layers.ZeroPadding2D(1, name="pad")(inputs)
    hidden = keras.layers.Conv2D(4, 3, activation="softplus", name="conv")(padded)
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(hidden))
    model = keras.Model(inputs, outputs)
    with pytest.raises(UnsupportedModel) as raised:
        learn.explain_conv(model, shapes_data.x_test[0], "conv", (0, 0, 0))
    assert raised.value.message.code == "learn.activation"
    direct = keras.layers.Conv2D(2, 3, name="conv")(padded)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(direct)))
    with pytest.raises(UnsupportedModel) as raised:
        learn.explain_conv(model, shapes_data.x_test[0], "conv", (0, 0, 0))
    assert raised.value.message.code == "learn.hidden_input" and "pad" in str(raised.value)


# --- the invariance probe -----------------------------------------------------------------------


def test_transforms_move_turn_and_resize_about_the_centre():
    image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert np.array_equal(probe.transform(image), image)
    shifted = probe.transform(image, shift=3)
    assert np.array_equal(shifted[:, 3:], image[:, :-3])  # whole pixels, no blur
    assert np.array_equal(shifted[:, 2::-1], image[:, :3])  # what comes in is the picture mirrored
    turned = probe.transform(image, angle=90).astype(int)
    assert np.abs(turned - np.rot90(image)).max() <= 1  # counter-clockwise
    square = np.zeros((32, 32, 3), np.uint8)
    square[12:20, 12:20] = 255  # an 8-pixel square in the middle
    bright = probe.transform(square, scale=2.0)[..., 0] > 127
    rows, cols = np.nonzero(bright)
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (8, 23, 8, 23)  # 16 pixels, still centred
    smaller = probe.transform(square, scale=0.5)[..., 0] > 127
    assert smaller[8:24, 8:24].sum() == 16 and smaller[14:18, 14:18].all()  # 4x4 in the middle


def test_sweeps_ask_the_model_about_every_version(seed32, shapes_data):
    image, label = shapes_data.x_test[5], int(shapes_data.y_test[5])
    sweeps = probe.sweep_all(seed32, image)
    assert list(sweeps) == ["shift", "rotate", "scale"]
    assert sweeps["shift"].parameters == tuple(range(-8, 9, 2))
    assert sweeps["rotate"].parameters[0] == -45 and sweeps["scale"].parameters[-1] == 1.5
    for sweep in sweeps.values():
        middle = sweep.parameters.index(1.0 if sweep.kind == "scale" else 0.0)
        assert np.array_equal(sweep.images[middle], image)
        expected = np.asarray(seed32(sweep.images.astype("float32") / 255.0))
        assert np.allclose(sweep.probabilities, expected, atol=1e-5)
        assert sweep.kept(label) == int((expected.argmax(axis=1) == label).sum())
    lines = sweeps["rotate"].to_lines(shapes_data.classes)
    assert len(lines) == 7 and set(lines[0]["probabilities"]) == set(shapes_data.classes)
    with pytest.raises(probe.ProbeError) as raised:
        probe.sweep(seed32, image, "flip")
    assert raised.value.message.code == "probe.bad_sweep"


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed32_path(seed32, tmp_path_factory):
    path = tmp_path_factory.mktemp("learn") / "seed32.keras"
    seed32.save(path)
    return path


@pytest.fixture(scope="module")
def shapes_png(shapes_data, tmp_path_factory):
    from PIL import Image

    path = tmp_path_factory.mktemp("learn") / "shape.png"
    Image.fromarray(shapes_data.x_test[1]).save(path)
    return path


def cli(*args):
    """`python -m classifier learn ...` in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "classifier", "learn", *map(str, args)], capture_output=True, text=True, timeout=180
    )


def main(capsys, *args) -> tuple[int, str, str]:
    """The same command line in this process (TensorFlow is already loaded): status, stdout, stderr."""
    from classifier.cli import main as cli_main

    try:
        status = cli_main(["learn", *map(str, args)])
    except SystemExit as exit:  # argparse's usage errors
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_conv_prints_the_formula_beside_keras(seed32, seed32_path, shapes_png):
    from classifier.core.images import load_input

    image = load_input(shapes_png)
    result = cli("conv", "--model", seed32_path, "--image", shapes_png, "--layer", "conv2", "--at", "5,6,7")
    assert result.returncode == 0, result.stderr
    conv = json.loads(result.stdout)
    assert {"patch", "kernel", "products_sum", "bias", "activation", "value", "keras_value"} <= set(conv)
    (y,) = keras_outputs(seed32, image, "conv2")
    assert abs(conv["value"] - y[5, 6, 7]) <= TOLERANCE and abs(conv["keras_value"] - y[5, 6, 7]) <= 1e-6
    assert np.array(conv["patch"]).shape == (3, 3, 32) and conv["activation"] == "relu"


def test_cli_pool_and_loss(seed32_path, shapes_png, shapes_data, capsys):
    status, out, _ = main(
        capsys, "pool", "--model", seed32_path, "--image", shapes_png, "--layer", "pool1", "--at", "3,4,5"
    )
    pool = json.loads(out)
    assert status == 0 and np.array(pool["window"]).shape == (2, 2)
    assert pool["value"] == pytest.approx(max(max(row) for row in pool["window"]), abs=1e-6)
    assert abs(pool["value"] - pool["keras_value"]) <= 1e-6

    label = int(shapes_data.y_test[1])  # a bare .keras file has no class names: "class 0", ... or a number
    name = f"class {label}"
    status, out, err = main(capsys, "loss", "--model", seed32_path, "--image", shapes_png, "--label", label)
    assert status == 0, err
    loss = json.loads(out)
    assert status == 0 and loss["label"] == name
    assert abs(loss["loss"] - loss["keras_loss"]) <= TOLERANCE
    assert loss["loss"] == pytest.approx(-np.log(loss["probabilities"][name]), abs=1e-4)


def test_cli_step_and_probe(seed32_path, shapes_png, capsys):
    status, out, err = main(
        capsys, "step", "--model", seed32_path, "--dataset", "shapes", "--lr", 0.05, "--seed", 1, "--steps", 2
    )
    assert status == 0, err
    first, second = (json.loads(line) for line in out.splitlines())
    assert {"weight", "gradient", "new_weight", "loss_before", "loss_after", "keras_new_weight"} <= set(first)
    assert abs(first["new_weight"] - first["keras_new_weight"]) <= TOLERANCE
    assert second["index"] == first["index"] and second["weight"] == pytest.approx(first["new_weight"])
    assert second["loss_before"] == pytest.approx(first["loss_after"], abs=1e-5)

    status, out, _ = main(capsys, "probe", "--model", seed32_path, "--image", shapes_png, "--sweep", "rotate")
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [line["parameter"] for line in lines] == [-45, -30, -15, 0, 15, 30, 45]
    assert all(abs(sum(line["probabilities"].values()) - 1) < 1e-3 for line in lines)


@pytest.mark.parametrize(
    "args, status, message",
    [
        (["conv", "--layer", "conv9", "--at", "0,0,0"], 2, "no layer called conv9"),
        (["conv", "--layer", "conv1", "--at", "40,0,0"], 2, "outside conv1's output of 30×30×32"),
        (["pool", "--layer", "conv1", "--at", "0,0,0"], 2, "not max pooling"),
        (["loss", "--label", "zebra"], 2, "zebra is not a class"),
        (["conv", "--layer", "conv1", "--at", "1,2"], 2, "row,column,channel"),
    ],
)
def test_cli_bad_layer_position_or_class_exit_2_with_a_message(seed32_path, shapes_png, capsys, args, status, message):
    code, out, err = main(capsys, *args, "--model", seed32_path, "--image", shapes_png)
    assert code == status and message in err and out == ""


def test_cli_missing_model_or_image_exit_1(seed32_path, tmp_path):
    result = cli("probe", "--model", seed32_path, "--image", tmp_path / "nothing.png")
    assert result.returncode == 1 and "Traceback" not in result.stderr and "error:" in result.stderr
    result = cli("probe", "--model", tmp_path / "none.keras", "--image", tmp_path / "nothing.png")
    assert result.returncode == 1 and "no model file or run" in result.stderr
