"""The document's challenges in the package: LiteRT export round trips, occlusion sensitivity and
its agreement with Grad-CAM, the learning-curve sweep (as real engine runs), and their CLIs."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from classifier.challenges import explain, export, sweep
from classifier.core.config import Config
from classifier.core.messages import ClassifierError
from classifier.core.model import float32_copy

# --- 3. Phones and IoT: export -----------------------------------------------------------------


@pytest.fixture(scope="module")
def float32_model(trained):
    """The shared tiny trained network (bfloat16 layers on CPUs that have it) as float32 layers."""
    return float32_copy(trained)


@pytest.mark.parametrize(
    ("flavour", "tolerance", "input_dtype"),
    [("float32", 1e-5, np.float32), ("float16", 2e-2, np.float32), ("int8", 0.08, np.int8)],
)
def test_each_litert_flavour_gives_the_keras_outputs(float32_model, shapes_data, flavour, tolerance, input_dtype):
    images = shapes_data.x_test
    content = export.to_litert(float32_model, flavour, representative=shapes_data.x_train)
    runner = export.LiteRTModel(content)
    assert runner.input_dtype == input_dtype
    litert = export.litert_probabilities(runner, images)
    keras = np.asarray(float32_model(images.astype(np.float32) / 255.0, training=False))
    assert litert.shape == keras.shape
    assert np.abs(litert - keras).max() < tolerance, np.abs(litert - keras).max()
    assert np.mean(litert.argmax(1) == keras.argmax(1)) >= (1.0 if flavour == "float32" else 0.9)
    names = export.operators(content)
    assert "CONV_2D" in names and not [n for n in names if n.startswith("Flex")]
    if flavour == "int8":
        assert export.floating_operators(content) == []  # full integer: nothing computes in float


def test_files_shrink_by_flavour(float32_model, shapes_data):
    sizes = {f: len(export.to_litert(float32_model, f, shapes_data.x_train[:50])) for f in export.FLAVOURS}
    assert sizes["int8"] < sizes["float16"] < sizes["float32"]
    assert sizes["int8"] <= 0.3 * export.keras_file_bytes(float32_model)


def test_a_bfloat16_model_exports_as_float32(trained):
    copy = float32_copy(trained)
    assert {layer.compute_dtype for layer in copy.layers} == {"float32"}
    for ours, theirs in zip(copy.get_weights(), trained.get_weights()):
        np.testing.assert_array_equal(ours, theirs)


def test_a_model_int8_cannot_hold_is_refused_with_a_reason():
    import keras

    inputs = keras.Input((32, 32, 3))
    waves = keras.layers.Lambda(lambda x: keras.ops.sin(x))(inputs)  # no integer kernel for SIN
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(waves)))
    images = np.random.default_rng(0).integers(0, 256, (20, 32, 32, 3), dtype=np.uint8)
    assert export.to_litert(model, "float16", images)  # float flavours are fine
    with pytest.raises(ClassifierError) as caught:
        export.to_litert(model, "int8", images)
    assert caught.value.message.code == "export.not_integer" and "SIN" in str(caught.value)
    with pytest.raises(ClassifierError, match="representative"):
        export.to_litert(model, "int8", None)
    with pytest.raises(ClassifierError, match="unknown export flavour"):
        export.to_litert(model, "int4", images)


def test_measure_compares_keras_and_every_flavour(trained, shapes_data):
    from classifier.core.predict import LoadedModel

    loaded = LoadedModel(trained, shapes_data.classes, "tiny")
    seen = []
    rows, files = export.measure(
        loaded,
        shapes_data.x_test,
        shapes_data.y_test,
        shapes_data.x_train,
        latency_calls=5,
        batch_images=50,
        progress=lambda fraction, message: seen.append(message.code),
    )
    assert [r.flavour for r in rows] == ["keras", *export.FLAVOURS] and set(files) == set(export.FLAVOURS)
    assert rows[0].agreement == 1.0
    for row in rows:
        assert 0 <= row.accuracy <= 1 and 0 < row.p50_ms <= row.p95_ms and row.batch_images_per_second > 0
    assert rows[1].bytes == len(files["float32"]) and "export.progress.convert" in seen


def test_cli_export_writes_the_file_and_reports_size_and_accuracy(saved_model_path, tmp_path):
    out = tmp_path / "tiny-int8.tflite"
    command = [sys.executable, "-m", "classifier", "export", "--model", str(saved_model_path)]
    command += ["--format", "tflite", "--quantize", "int8", "--out", str(out), "--dataset", "shapes", "--limit", "120"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert line["bytes"] == out.stat().st_size > 0 and line["quantize"] == "int8" and line["n"] == 120
    assert 0 <= line["accuracy"] <= 1 and line["size_ratio"] < 0.3
    bad = subprocess.run([*command[:-4], "--quantize", "int4"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "int4" in bad.stderr


# --- 2. Explanations -------------------------------------------------------------------------------

SPOT = (slice(6, 14), slice(18, 26))  # where the synthetic object sits in the test picture


def _spot_pictures(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Grey noisy pictures; label 1 when a bright 8x8 square is somewhere in them."""
    x = np.clip(rng.normal(128, 12, (count, 32, 32, 3)), 0, 255).astype(np.uint8)
    y = np.arange(count) % 2
    for image, label in zip(x, y):
        if label:
            i, j = rng.integers(0, 25, size=2)
            image[i : i + 8, j : j + 8] = 250
    return x, y.astype(np.int32)


@pytest.fixture(scope="module")
def spot_detector():
    """A small CNN really trained to say whether the bright square is there (a few seconds)."""
    from classifier.core.model import build_model
    from classifier.training import pipeline

    x, y = _spot_pictures(1000, np.random.default_rng(1))
    config = Config(
        dataset="shapes",
        conv_filters=(8, 16),
        pool_after=(True, True),
        dense_units=16,
        epochs=5,
        learning_rate=0.003,
        batch_size=32,
    )
    model = build_model(config, num_classes=2)
    model.fit(pipeline.training_batches(x, y, config), epochs=config.epochs, verbose=0)
    return model


def test_occluding_the_object_costs_more_than_occluding_the_background(spot_detector):
    image = np.full((32, 32, 3), 128, np.uint8)
    image[SPOT] = 250
    result = explain.occlusion_map(spot_detector, image, class_index=1, patch=10, stride=2)
    assert result.probability > 0.9  # the detector sees the square
    inside = np.zeros((32, 32), bool)
    inside[SPOT] = True
    assert result.drops.max() > 0.5  # a patch over the whole square removes the evidence
    assert inside[np.unravel_index(result.heatmap.argmax(), result.heatmap.shape)]
    assert result.heatmap[inside].mean() > 5 * max(result.heatmap[~inside].mean(), 0.005)
    assert result.heatmap.shape == (32, 32) and result.drops.shape == (12, 12)


def test_agreement_numbers_mean_what_they_say(spot_detector):
    ramp = np.arange(32 * 32, dtype=np.float32).reshape(32, 32)
    same = explain.agreement(ramp, ramp * 3 + 1)
    assert same.spearman == pytest.approx(1.0) and same.top_iou == 1.0
    opposite = explain.agreement(ramp, -ramp)
    assert opposite.spearman == pytest.approx(-1.0) and opposite.top_iou == 0.0
    image = np.full((32, 32, 3), 128, np.uint8)
    image[SPOT] = 250
    comparison = explain.compare(spot_detector, image, class_index=1)
    assert comparison.gradcam.shape == (32, 32) and -1 <= comparison.agreement.spearman <= 1


def test_bad_patch_stride_or_class_is_explained(spot_detector):
    image = np.zeros((32, 32, 3), np.uint8)
    for kwargs, code in [
        ({"patch": 0}, "explain.patch"),
        ({"patch": 40}, "explain.patch"),
        ({"patch": 4, "stride": 5}, "explain.stride"),
        ({"class_index": 7}, "explain.class"),
    ]:
        with pytest.raises(ClassifierError) as caught:
            explain.occlusion_map(spot_detector, image, **kwargs)
        assert caught.value.message.code == code


def test_a_model_without_convolutions_still_gets_its_occlusion_map():
    import keras

    inputs = keras.Input((32, 32, 3))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(inputs)))
    comparison = explain.compare(model, np.zeros((32, 32, 3), np.uint8))
    assert comparison.gradcam is None and comparison.agreement is None and comparison.gradcam_error is not None
    assert comparison.occlusion.heatmap.shape == (32, 32)


# --- 1. Little data ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [("0,0.5", "sweep.fraction"), ("0.5,1.5", "sweep.fraction"), ("-0.1", "sweep.fraction"),
     ("a,b", "sweep.fraction_text"), ("", "sweep.empty"), ("nan", "sweep.fraction")],
)  # fmt: skip
def test_bad_fractions_are_refused_by_name(text, code):
    with pytest.raises(ClassifierError) as caught:
        sweep.parse_fractions(text)
    assert caught.value.message.code == code


def test_plan_makes_one_config_per_point():
    planned = sweep.plan(Config(epochs=2), [0.5, 0.02, 0.5], [(), sweep.WITH_AUGMENTATION])
    assert [(f, a) for f, a, _ in planned] == [
        (0.02, ()),
        (0.5, ()),
        (0.02, ("flip", "shift")),
        (0.5, ("flip", "shift")),
    ]
    assert all(c.train_fraction == f and c.augmentation == a and c.epochs == 2 for f, a, c in planned)
    with pytest.raises(ClassifierError, match="too many"):
        sweep.plan(Config(), [i / 20 for i in range(1, 21)], [(), ("flip",)])
    with pytest.raises(ValueError, match="train_fraction"):
        Config(train_fraction=0.0).validate()


def test_train_share_is_stratified_and_keeps_the_whole_test_split(shapes_data):
    share = shapes_data.train_share(0.25, seed=3)
    assert np.bincount(share.y_train).tolist() == [15] * 6  # a quarter of 60 per class
    assert len(share.y_test) == len(shapes_data.y_test)
    assert shapes_data.train_share(1.0) is shapes_data


def test_sweep_points_are_ordinary_engine_runs(tmp_path):
    from classifier.core.runs import RunStore
    from classifier.engine import LocalEngine

    engine = LocalEngine(RunStore(tmp_path / "runs"), max_concurrent=1)
    started = sweep.submit(engine, Config(dataset="shapes", limit=240, epochs=1), [0.25, 1.0], owner="ana")
    for point in started.points:
        assert point.job.wait(120)
    results = sweep.results(engine.store, started)
    assert [r["train_images"] for r in results] == [60, 240]
    assert all(r["status"] == "finished" and 0 <= r["test_accuracy"] <= 1 for r in results)
    infos = {info.run_id: info for info in engine.store.list("ana")}
    assert set(started.run_ids) <= set(infos)  # they show under Runs, owned by whoever started them
    assert infos[started.run_ids[0]].dataset_name == "shapes · 25%"


def test_cli_sweep_refuses_zero_and_prints_one_line_per_point(tmp_path):
    base = [sys.executable, "-m", "classifier", "sweep", "--dataset", "shapes", "--runs-dir", str(tmp_path)]
    refused = subprocess.run([*base, "--fractions", "0,0.5"], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 2 and "more than 0" in refused.stderr
    done = subprocess.run(
        [*base, "--fractions", "0.5,1", "--epochs", "1", "--limit", "120", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.strip().splitlines()]
    assert [(p["fraction"], p["train_images"]) for p in lines] == [(0.5, 60), (1.0, 120)]
    assert all(set(p) >= {"fraction", "train_images", "test_accuracy", "run_id"} for p in lines)


def test_cli_explain_reports_the_agreement_per_file(saved_model_path, tmp_path):
    from PIL import Image

    picture = tmp_path / "square.png"
    pixels = np.full((32, 32, 3), 128, np.uint8)
    pixels[SPOT] = 250
    Image.fromarray(pixels).save(picture)
    command = [sys.executable, "-m", "classifier", "explain", "--model", str(saved_model_path), "--class", "class 1"]
    done = subprocess.run(
        [*command, str(picture), str(tmp_path / "missing.png")], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1  # one file could not be read
    good, bad = (json.loads(line) for line in done.stdout.strip().splitlines())
    assert good["class"] == "class 1" and -1 <= good["spearman"] <= 1 and 0 <= good["top_iou"] <= 1
    assert bad["file"].endswith("missing.png") and bad["error"]
