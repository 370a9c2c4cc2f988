"""The Learn page through AppTest, on two runs trained here (float32, on shapes): the seed network
and one with batch normalisation. Each section's numbers are checked against Keras computed in
the test itself. A click on a feature map is a browser event (tests/test_learn_browser.py); here
the chosen cell is put in session state, where the page's click handler keeps it."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from app_support import app_at, button, charts, en, shown_text
from conftest import PHOTOS
from streamlit.testing.v1 import AppTest

from classifier.core.config import Config

OWNER = "learn-page-tests-owner"


@pytest.fixture(scope="module")
def runs() -> dict[str, str]:
    """Two finished runs of OWNER's: the seed network and a batch-norm one (float32 arithmetic)."""
    from ui import state

    configs = {
        "seed": Config(dataset="shapes", limit=60, epochs=2, precision="float32"),
        "bn": Config(dataset="shapes", limit=60, epochs=2, precision="float32", batch_norm=True),
    }
    jobs = {name: state.engine().submit(config, owner=OWNER) for name, config in configs.items()}
    for job in jobs.values():
        assert job.wait(180) and job.snapshot().status == "finished"
    return {name: job.run_id for name, job in jobs.items()}


def learn_page(run_id: str, section: str = "conv", image_index: int = 3, lang: str | None = None) -> AppTest:
    """The Learn page with `run_id` chosen from the first run on (the built-in model would load all of
    CIFAR-10), and test image number `image_index` of the run's data set."""
    # The picker's options are keyed by run id (or "builtin").
    session = {
        "owner": OWNER, "job_id": run_id, "learn_model": run_id, "learn_index": image_index, "learn_section": section
    }  # fmt: skip
    return app_at("pages/learn.py", lang=lang, session=session)


def run_model(run_id: str):
    from classifier.core.predict import load_model
    from ui import state

    return load_model(state.engine().store.model_path(run_id)).model


def keras_at(model, image: np.ndarray, layer: str, at: tuple[int, int, int]) -> float:
    """Keras's own output of `layer` at `at`, from a keras.Model built here."""
    import keras

    probe = keras.Model(model.inputs, model.get_layer(layer).output)
    return float(np.asarray(probe([image[None].astype("float32") / 255.0]))[0][at])


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def shown_image(run_id: str, index: int) -> np.ndarray:
    from ui import state

    info = state.engine().store.load(run_id)
    return state.dataset(info.config.dataset, info.config.limit).x_test[index]


def test_convolution_section_shows_the_sum_and_keras_value_at_the_chosen_cell(runs):
    at = learn_page(runs["seed"])
    at.selectbox(key="learn_conv_layer").set_value("conv2").run()
    at.slider(key="learn_conv_channel_conv2").set_value(5).run()
    at.session_state["learn_conv_cell_conv2"] = (4, 7)  # what a click on the map stores
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("chosen (i, j) = (4, 7)" in c.value for c in at.caption)
    expected = keras_at(run_model(runs["seed"]), shown_image(runs["seed"], 3), "conv2", (4, 7, 5))
    shown = metrics(at)
    assert abs(float(shown["Keras (conv2)"]) - expected) <= 1e-6
    assert abs(float(shown[en("learn.formula_value")]) - expected) <= 1e-4
    assert any(s.value == en("learn.agree") for s in at.success)
    formulas = " ".join(latex.value for latex in at.latex)
    assert r"x(i+p,\, j+q,\, ch)" in formulas and r"\mathrm{relu}" in formulas  # the layer's own formula
    assert "S_{0}" in formulas and r"\odot" in formulas  # one input channel worked out in full
    assert len(charts(at)) == 3  # all channels, the input with the patch outlined, the clickable map


def test_convolution_section_explains_batch_norm_and_activation_layers(runs):
    at = learn_page(runs["bn"])
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = metrics(at)
    assert {"Keras (conv1)", "Keras (bn1)", "Keras (act1)"} <= set(shown)
    assert sum(s.value == en("learn.agree") for s in at.success) == 3
    assert any("is followed by bn1, act1" in shown_text(m.value) for m in at.markdown)
    formulas = " ".join(latex.value for latex in at.latex)
    assert r"\sqrt{\sigma^2+\varepsilon}" in formulas and "S_{R}" in formulas and "S_{B}" in formulas


def test_pooling_section(runs):
    at = learn_page(runs["seed"], "pool")
    at.session_state["learn_pool_cell_pool1"] = (6, 2)
    at.run()
    assert not at.exception and not at.error
    expected = keras_at(run_model(runs["seed"]), shown_image(runs["seed"], 3), "pool1", (6, 2, 0))
    shown = metrics(at)
    assert abs(float(shown["Keras (pool1)"]) - expected) <= 1e-6
    assert shown[en("learn.formula_value")] == shown["Keras (pool1)"]  # the max of the window is Keras's value
    assert any(r"\boxed" in latex.value for latex in at.latex)


def test_cross_entropy_section_one_image_a_batch_and_the_shape_of_minus_log(runs):
    import keras

    at = learn_page(runs["seed"], "loss")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.dataframe[0].value.shape[0] == 6  # one row per class: logit, probability by hand and by Keras
    model, image = run_model(runs["seed"]), shown_image(runs["seed"], 3)
    from ui import state

    label = int(state.dataset("shapes", 60).y_test[3])
    probabilities = model(image[None].astype("float32") / 255.0)
    expected = float(keras.losses.sparse_categorical_crossentropy(np.array([label]), probabilities)[0])
    formula, keras_loss = at.metric[0].value, at.metric[1].value
    assert at.metric[1].label == en("learn.keras_loss") and abs(float(keras_loss) - expected) <= 1e-5
    assert abs(float(formula) - expected) <= 1e-4
    assert at.metric[4].label == en("learn.evaluate")
    assert abs(float(at.metric[3].value) - float(at.metric[4].value)) <= 1e-4  # batch mean = model.evaluate
    at.slider(key="learn_loss_p").set_value(0.1).run()
    (shape,) = [
        spec for spec in map(json.loads, (c.proto.spec for c in charts(at))) if spec["data"][0].get("name") == "−log p"
    ]
    assert "slider: −log 0.10 = 2.30" in [trace.get("text", [None])[0] for trace in shape["data"]]


def test_gradient_descent_steps_draw_the_curve_and_too_large_a_rate_blows_up(runs):
    from ui import state

    path = state.engine().store.model_path(runs["seed"])
    saved = hashlib.sha256(path.read_bytes()).hexdigest()
    at = learn_page(runs["seed"], "step")
    assert any(i.value == en("learn.step.none") for i in at.info)
    at.select_slider(key="learn_rate").set_value(0.03).run()
    button(at, "learn_step_one").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = metrics(at)
    assert abs(float(shown[en("learn.formula_value")]) - float(shown[en("learn.step.keras")])) <= 1e-4
    assert float(shown[en("learn.step.loss_after")]) < float(shown[en("learn.step.loss_before")])
    button(at, "learn_step_ten").click().run()
    (curve,) = [json.loads(c.proto.spec) for c in charts(at) if en("learn.step.col.step") in c.proto.spec]
    losses = curve["data"][0]["y"]
    assert len(losses) == 12 and losses[-1] < losses[0]  # step 0, then 11 steps downhill
    at.number_input(key="learn_which_conv1/kernel").set_value(5).run()  # watch another weight
    button(at, "learn_step_one").click().run()
    assert any("conv1/kernel[0,0,0,5]" in shown_text(m.value) for m in at.markdown)
    button(at, "learn_step_reset").click().run()
    at.select_slider(key="learn_rate").set_value(10.0).run()
    button(at, "learn_step_one").click().run()
    blown_up = en("learn.step.blowup").format(rate=10.0)
    assert any(w.value == blown_up for w in at.warning) or any(e.value == en("learn.step.nan") for e in at.error)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == saved  # the saved run never changes


def test_probe_section_compares_two_models_on_every_sweep(runs):
    at = learn_page(runs["seed"], "probe")
    assert not at.exception and not at.error
    sweeps = [c for c in charts(at) if len(json.loads(c.proto.spec)["layout"].get("images", [])) > 0]
    assert len(sweeps) == 3
    at.toggle(key="learn_probe_compare").set_value(True).run()
    at.selectbox(key="learn_probe_other").set_value(runs["bn"]).run()  # options are keyed by run id
    assert not at.exception and not at.error, [e.value for e in at.error]
    sweeps = [json.loads(c.proto.spec) for c in charts(at) if json.loads(c.proto.spec)["layout"].get("images")]
    assert [len(spec["data"]) for spec in sweeps] == [2, 2, 2]  # one line per model
    assert [len(spec["layout"]["images"]) for spec in sweeps] == [9, 7, 9]  # the versions along the axis
    kept = [c.value for c in at.caption if " of 9 versions" in c.value or " of 7 versions" in c.value]
    assert len(kept) == 6  # a sentence per model per sweep


def test_an_uploaded_image_asks_for_its_class_and_a_model_that_cannot_be_taken_apart_is_explained(runs, tmp_path):
    import keras

    at = learn_page(runs["seed"], "loss")
    at.segmented_control(key="learn_source").set_value("upload").run()
    at.file_uploader(key="learn_upload").set_value(("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg"))
    at.run()
    assert at.selectbox(key="learn_true_class").value is None
    assert any(i.value == en("learn.true_class_needed") for i in at.info) and not at.metric
    at.selectbox(key="learn_true_class").set_value(2).run()
    assert not at.exception and any("triangle" in m.value for m in at.markdown)

    inputs = keras.Input((32, 32, 3))
    hidden = keras.layers.Conv2D(4, 3, name="conv")(keras.layers.ZeroPadding2D(1, name="pad")(inputs))
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(hidden))
    keras.Model(inputs, outputs).save(tmp_path / "padded.keras")
    at = app_at("pages/learn.py", session={"learn_model": "upload"})
    at.file_uploader(key="learn_model_file").set_value(
        ("padded.keras", (tmp_path / "padded.keras").read_bytes(), "application/octet-stream")
    )
    at.run()
    at.segmented_control(key="learn_source").set_value("upload").run()
    at.file_uploader(key="learn_upload").set_value(("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg"))
    at.run()
    assert not at.exception
    assert any("comes from pad" in e.value for e in at.error), [e.value for e in at.error]


def test_the_page_speaks_chinese_in_every_section(runs):
    from ui.i18n import TEXT

    at = learn_page(runs["bn"], image_index=1, lang="zh")
    english = {entry["en"] for entry in TEXT.values() if entry["en"] != entry["zh"] and len(entry["en"]) > 3}
    for section in ("conv", "pool", "loss", "step", "probe"):
        at.segmented_control(key="learn_section").set_value(section).run()
        assert not at.exception and not at.error, (section, [e.value for e in at.error])
        shown = [w.label for w in (*at.button, *at.selectbox, *at.slider, *at.toggle, *at.metric)]
        shown += [e.value for e in (*at.subheader, *at.caption, *at.info, *at.markdown, *at.success)]
        assert not [text for text in shown if text in english], section
    assert at.title[0].value == TEXT["learn.title"]["zh"]


def test_the_cell_is_chosen_from_the_keyboard_too_and_the_fields_follow_a_click(runs):
    at = learn_page(runs["seed"])
    at.selectbox(key="learn_conv_layer").set_value("conv2").run()
    at.number_input(key="learn_conv_cell_conv2_i").set_value(2).run()  # typed: row 2, column 9
    at.number_input(key="learn_conv_cell_conv2_j").set_value(9).run()
    assert not at.exception and any("chosen (i, j) = (2, 9)" in c.value for c in at.caption)
    expected = keras_at(run_model(runs["seed"]), shown_image(runs["seed"], 3), "conv2", (2, 9, 0))
    assert abs(float(metrics(at)["Keras (conv2)"]) - expected) <= 1e-6
    at.session_state["learn_conv_cell_conv2"] = (5, 1)  # a click on the map
    at.run()
    assert at.number_input(key="learn_conv_cell_conv2_i").value == 5
    assert at.number_input(key="learn_conv_cell_conv2_j").value == 1


def test_the_pooling_section_never_opens_on_a_window_of_zeros(runs):
    """Opened on a layer, the section shows the map's centre unless ReLU left that window all zeros
    (then "0 = max of zeros" teaches nothing): it opens on the strongest output instead."""
    from classifier.teach import learn

    model = run_model(runs["seed"])
    silent = []  # (image, layer) whose centre window on channel 0 is all zeros
    for index in range(30):
        image = shown_image(runs["seed"], index)
        for layer in learn.pool_layers(model):
            rows, cols, _ = learn.output_shape(model, layer)
            if not learn.explain_pool(model, image, layer, (rows // 2, cols // 2, 0)).window.any():
                silent.append((index, layer))
    assert silent, "no test image leaves a centre window all zeros: the test shows nothing"
    for index, layer in silent[:3]:
        at = learn_page(runs["seed"], "pool", image_index=index)
        at.selectbox(key="learn_pool_layer").set_value(layer).run()
        assert not at.exception and not at.error
        i, j = at.session_state[f"learn_pool_cell_{layer}"]
        shown = metrics(at)
        assert float(shown[en("learn.formula_value")]) > 0, (index, layer, (i, j))
        expected = keras_at(model, shown_image(runs["seed"], index), layer, (i, j, 0))
        assert abs(float(shown[f"Keras ({layer})"]) - expected) <= 1e-6
