"""The pages, driven through Streamlit's AppTest the way the browser drives them:
app.py runs with st.navigation, then switch_page to the page under test."""

from __future__ import annotations

import json

import pytest
from app_support import app_at, button, charts, en, picker, shown_text
from conftest import PHOTOS

from ui.i18n import TEXT


def test_home_draws_the_seed_network_and_links_every_page():
    at = app_at()
    assert at.title[0].value == en("home.title")
    (diagram,) = charts(at)
    texts = [note["text"] for note in json.loads(diagram.proto.spec)["layout"]["annotations"]]
    assert sum("<b>Conv</b>" in text for text in texts) == 3 and "30×30×32<br>896 weights" in texts
    assert "122,570" in " ".join(c.value for c in at.caption)
    assert {link.proto.page for link in at.page_link} == {"train", "inside", "learn", "predict", "runs"}


def test_the_first_page_of_a_server_loads_the_built_in_model_in_the_background(monkeypatch):
    """Home needs no model, yet after anyone opens it the model is ready for Inside and Predict."""
    import threading

    from classifier.core import predict
    from ui import state

    state.warm_up.clear()  # as in a fresh server process
    state._model.clear()
    release, load_builtin = threading.Event(), state._load_builtin_quietly
    monkeypatch.setattr(state, "_load_builtin_quietly", lambda: (release.wait(60), load_builtin()))
    before = {thread for thread in threading.enumerate() if thread.name == "warm-up"}  # other tests' may linger
    app_at()
    (warming,) = [t for t in threading.enumerate() if t.name == "warm-up" and t not in before]  # app.py started it
    release.set()
    warming.join(120)
    loads = []
    monkeypatch.setattr(predict, "load_model", lambda *args, **kwargs: loads.append(args))
    loaded = state.ModelChoice(None, "built-in", "cifar10").load()
    assert loads == [] and loaded.model.count_params() > 0  # the warm-up's cache entry, not a new load


@pytest.mark.parametrize(
    "page",
    ["pages/home.py", "pages/train.py", "pages/inside.py", "pages/learn.py", "pages/predict.py", "pages/runs.py"],
)
def test_every_page_speaks_chinese_from_the_url(page):
    at = app_at(page, lang="zh")
    key = {
        "pages/home.py": "home.title",
        "pages/train.py": "train.title",
        "pages/inside.py": "inside.title",
        "pages/learn.py": "learn.title",
        "pages/predict.py": "predict.title",
        "pages/runs.py": "runs.title",
    }[page]
    assert at.title[0].value == TEXT[key]["zh"]
    english = {entry["en"] for entry in TEXT.values() if entry["en"] != entry["zh"] and len(entry["en"]) > 3}
    shown = [w.label for w in (*at.button, *at.selectbox, *at.radio, *at.number_input, *at.toggle)]
    shown += [e.value for e in (*at.subheader, *at.caption, *at.info)]
    assert not [text for text in shown if text in english], "English text on a Chinese page"


def test_the_sidebar_switch_changes_language_and_keeps_it_across_pages():
    # AppTest 1.67 drops app.py's sidebar widgets from its element tree after switch_page (the
    # browser keeps them), so the switch is used on the first page and checked on the next.
    at = app_at()
    assert at.title[0].value == en("home.title")
    at.segmented_control(key="language_widget").set_value("zh").run()
    assert at.title[0].value == TEXT["home.title"]["zh"]
    at.switch_page("pages/predict.py")
    at.run()
    assert at.title[0].value == TEXT["predict.title"]["zh"]
    at.run()
    assert at.title[0].value == TEXT["predict.title"]["zh"]


def test_translation_table_is_complete():
    for key, entry in TEXT.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"].strip() and entry["zh"].strip(), key


def test_train_page_summarises_the_architecture_live():
    at = app_at("pages/train.py")
    table = at.table[0].value
    assert len(table) == 8 and list(table.iloc[:, 1])[:2] == [en("layer.kind.Conv2D"), en("layer.kind.MaxPooling2D")]
    assert "(Conv2D)" in en("layer.kind.Conv2D")  # the Keras name a student meets in code
    total = next(m for m in at.metric if m.label == en("summary.total_params"))
    assert total.value == "122,570"
    assert any(m.label == en("summary.estimate") for m in at.metric) or any(
        c.value.startswith(en("summary.estimate")) for c in at.caption
    )  # the figure, or "measuring…" until it is measured
    next(n for n in at.number_input if n.key == "hp_blocks").set_value(2).run()
    assert len(at.table[0].value) == 7  # conv, pool, conv, pool, flatten, dense, output
    assert next(m for m in at.metric if m.label == en("summary.total_params")).value != "122,570"


def test_presets_fill_every_field():
    at = app_at("pages/train.py")
    picker(at, "hp_preset").set_value("strong").run()
    assert at.toggle(key="hp_batch_norm").value is True
    assert at.selectbox(key="hp_optimizer").value == "adamw"
    assert set(at.pills(key="hp_augmentation").value) == {"flip", "shift"}
    assert at.radio(key="hp_tta").value == "flip"  # its final test averages each image with its mirror
    assert at.select_slider(key="hp_convs_per_block").value == 2
    picker(at, "hp_preset").set_value("seed").run()
    assert at.toggle(key="hp_batch_norm").value is False
    assert at.radio(key="hp_tta").value == "none"
    assert next(m for m in at.metric if m.label == en("summary.total_params")).value == "122,570"


def test_the_preset_control_follows_the_form_and_applies_a_real_pick():
    """The preset control shows the preset the settings match (ui.widgets.derived_picker); a
    browser's stale echo of it is replayed in a real browser (tests/test_stale_echo_browser.py)."""
    at = app_at("pages/train.py")
    assert picker(at, "hp_preset").value == "seed"
    at.toggle(key="hp_batch_norm").set_value(True).run()  # another network (other epochs alone stay "seed")
    assert not at.exception
    assert at.toggle(key="hp_batch_norm").value and picker(at, "hp_preset").value == "custom"
    picker(at, "hp_preset").set_value("seed").run()  # a real pick still applies the preset
    assert not at.toggle(key="hp_batch_norm").value and picker(at, "hp_preset").value == "seed"
    picker(at, "hp_preset").set_value("custom").run()  # a pick that changes nothing: the truth again
    assert picker(at, "hp_preset").value == "seed" and not at.toggle(key="hp_batch_norm").value


def test_an_impossible_network_is_explained_and_cannot_start():
    at = app_at("pages/train.py")
    at.number_input(key="hp_blocks").set_value(6).run()
    for i in range(6):
        at.checkbox(key=f"hp_pool_{i}").check()
    at.run()
    # The package's coded message, with the field named as its control is labelled.
    assert any(e.value.startswith(en("train.conv_filters") + ":") and "block 4" in e.value for e in at.error)
    assert button(at, "start").disabled


def test_train_on_shapes_live_then_results():
    at = app_at("pages/train.py")
    at.radio(key="hp_dataset").set_value("shapes").run()
    at.number_input(key="hp_limit").set_value(300).run()
    at.number_input(key="hp_epochs").set_value(2).run()
    assert not at.error, [e.value for e in at.error]
    button(at, "start").click().run()
    run_id = at.session_state["job_id"]
    from ui import state

    job = state.engine().job(run_id)
    live_charts = 0
    while not job.wait(0.3):  # the worker process ends the run on its own
        at.run()  # AppTest has no browser clock: rerun by hand as run_every would
        live_charts = max(live_charts, len(at.get("vega_lite_chart")) if job.snapshot().batches else 0)
    assert job.snapshot().status == "finished"
    assert live_charts == 2  # loss and accuracy, drawn while it trained
    at.run()
    assert not at.exception
    assert any(s.value == en("train.finished") for s in at.success)
    accuracy = next(m for m in at.metric if m.label == en("results.test_accuracy"))
    assert accuracy.value.endswith("%")
    assert len(at.get("vega_lite_chart")) == 2  # the curves stay
    assert len(charts(at)) >= 3  # network diagram, confusion matrix, per-class accuracy
    assert at.download_button  # the trained model


def test_predict_page_with_good_and_bad_files():
    at = app_at("pages/predict.py")
    uploader = at.file_uploader(key="predict_files")
    uploader.set_value(
        [("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg"), ("notes.png", b"not a picture", "image/png")]
    )
    at.run()
    assert not at.exception
    assert [shown_text(e.value) for e in at.error] == [f"notes.png: {en('msg.image.unknown')}"]
    verdict = next(m.value for m in at.markdown if shown_text(m.value).startswith("dog.jpg"))
    assert "%" in verdict
    assert len(charts(at)) == 1
    # The built-in model's test figure averages each image with its mirror: so does Predict, at first.
    assert at.toggle(key="predict_tta").value is True
    at.toggle(key="predict_tta").set_value(False).run()  # the photo alone: another verdict, same layout
    assert not at.exception
    flipped = next(m.value for m in at.markdown if shown_text(m.value).startswith("dog.jpg"))
    assert "%" in flipped and flipped != verdict


def test_inside_page_shows_filters_maps_and_grad_cam():
    from classifier.core.predict import load_model
    from classifier.training.timeline import first_conv

    first = first_conv(load_model("default").model)
    at = app_at("pages/inside.py")
    assert at.selectbox(key="inside_filter_layer").value == first.name
    images = at.image
    assert len(images) >= 3  # filters, the input, the Grad-CAM overlay
    captions = " ".join(shown_text(c.value) for c in at.caption)
    assert f"{first.filters} filters of 3×3" in captions and f"{first.name}: {first.filters} maps" in captions
    at.segmented_control(key="inside_source").set_value("class").run()
    at.selectbox(key="inside_class").set_value(3).run()
    assert not at.exception
    at.selectbox(key="inside_gradcam_class").set_value(0).run()
    image_captions = [caption for image in at.image for caption in image.captions]
    assert any("airplane" in caption and "Grad-CAM" in caption for caption in image_captions)


def test_runs_page_compares_and_deletes_own_runs():
    at = app_at("pages/train.py")
    at.radio(key="hp_dataset").set_value("shapes").run()
    at.number_input(key="hp_limit").set_value(120).run()
    at.number_input(key="hp_epochs").set_value(1).run()
    button(at, "start").click().run()
    from ui import state

    state.engine().job(at.session_state["job_id"]).wait(120)
    at.switch_page("pages/runs.py")
    at.run()
    assert not at.exception
    run_id = at.session_state["job_id"]
    table = at.dataframe[0].value
    assert len(table) >= 1 and "1/1" in table[en("runs.col.epochs")].tolist()  # the run, with its one epoch
    assert run_id in at.multiselect(key="runs_chosen").value  # the newest run is compared first
    overlays = charts(at)
    assert len(overlays) >= 2  # accuracy and loss overlays, each with the run's one epoch drawn
    assert all(any(trace.get("x") == [1] for trace in json.loads(chart.proto.spec)["data"]) for chart in overlays[:2])
    button(at, f"delete_{run_id}").click().run()
    assert run_id not in [info.run_id for info in state.engine().store.list()]


def test_model_upload_refuses_hostile_files_and_accepts_a_good_one(tmp_path, saved_model_path):
    import keras

    inputs = keras.Input((32, 32, 3))
    keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs)).save(tmp_path / "lambda.keras")
    at = app_at("pages/predict.py")
    at.selectbox(key="predict_model").set_value("upload").run()
    for name, content, message in [
        ("lambda.keras", (tmp_path / "lambda.keras").read_bytes(), "Lambda"),
        ("random.keras", b"random bytes, not a model", "zip archive"),
    ]:
        at.file_uploader(key="predict_model_file").set_value((name, content, "application/octet-stream"))
        at.run()
        assert not at.exception
        assert any(message in e.value for e in at.error), [e.value for e in at.error]
    at.file_uploader(key="predict_model_file").set_value(
        ("shapes.keras", saved_model_path.read_bytes(), "application/octet-stream")
    )
    at.run()
    assert not at.error
    assert "class 0" in " ".join(i.value for i in at.info)  # six outputs, no names: generic classes


def test_sessions_only_see_their_own_runs_unless_shared():
    from classifier.core.config import Config
    from ui import state

    ana, bo = app_at("pages/runs.py"), app_at("pages/runs.py")
    job = state.engine().submit(Config(dataset="shapes", limit=60, epochs=1), owner=ana.session_state["owner"])
    assert job.wait(120)
    ana.run()
    bo.run()
    assert any(job.run_id == value for value in ana.multiselect(key="runs_chosen").value)
    assert not any(i.value == en("runs.none") for i in ana.info)
    assert any(i.value == en("runs.none") for i in bo.info)  # private: Bo sees nothing

    ana.text_input(key=f"share_{job.run_id}_name").input("Ana Li")
    button(ana, f"share_{job.run_id}_share").click().run()
    bo.run()
    assert job.run_id in bo.multiselect(key="runs_chosen").value  # shared with the class
    keys = {b.key for b in bo.button}
    assert f"delete_{job.run_id}" not in keys and f"resume_{job.run_id}" not in keys
    assert f"share_{job.run_id}_share" not in keys and f"share_{job.run_id}_stop" not in keys  # only Ana shares


def test_a_queued_run_shows_its_place_and_can_leave_the_queue():
    from classifier.core.config import Config
    from ui import state

    engine = state.engine()
    blockers = [engine.submit(Config(dataset="shapes", epochs=50), owner="someone-else")
                for _ in range(engine.max_concurrent)]  # fmt: skip
    try:
        at = app_at("pages/train.py")
        at.radio(key="hp_dataset").set_value("shapes").run()
        button(at, "start").click().run()
        run_id = at.session_state["job_id"]
        assert engine.queue_position(run_id) == 1
        assert any(i.value == TEXT["train.queued"]["en"].format(position=1) for i in at.info)
        button(at, "cancel").click().run()
        assert engine.progress(run_id).status == "stopped" and engine.job(run_id) is None
        assert engine.queue_position(run_id) is None
    finally:
        for blocker in blockers:
            blocker.request_stop(viewer=None)
        for blocker in blockers:
            blocker.wait(60)


def test_runs_table_shows_the_arithmetic_a_run_really_used():
    from classifier.core.config import Config
    from ui import state

    owner = "precision-owner-0123456789"
    job = state.engine().submit(Config(dataset="shapes", limit=60, epochs=1), owner=owner)
    assert job.wait(120)
    used = state.engine().store.load(job.run_id).precision
    assert used in ("float32", "bfloat16")  # "auto" resolved on this machine
    at = app_at("pages/runs.py", owner=owner)
    table = at.dataframe[0].value
    mine = table[table[en("runs.col.owner")] == en("runs.mine")]
    assert mine[en("runs.col.precision")].tolist() == [used], table.to_dict("records")
