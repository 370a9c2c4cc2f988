"""Issue 16: what confused a new teacher (in Chinese) and a new student (in English) walking
through every page, each point checked on the pages as they would try it (AppTest; the real
browser's view is in tests/test_browser.py)."""

from __future__ import annotations

import json
import secrets

import numpy as np
import pytest
from app_support import app_at, button, charts, en, picker, shown_text, zh
from conftest import PHOTOS
from engine_support import FINISHED_RUN_FILES
from hostile_corpus import make_zip, two_classes

from classifier.core.config import SEED, STRONG, Config
from classifier.core.data import CIFAR10_CLASSES, shapes
from classifier.core.messages import ClassifierError
from classifier.core.runs import MAX_NAME_LENGTH, display_name
from ui import state
from ui.i18n import TEXT

OWNER = "friction-" + secrets.token_urlsafe(12)  # a browser's identity, as its cookie would give it
_RUNS: dict[str, str] = {}


def train(config: Config, owner: str = OWNER) -> str:
    job = state.engine().submit(config, owner=owner)
    assert job.wait(180) and job.snapshot().status == "finished", job.snapshot().status
    return job.run_id


@pytest.fixture
def finished_run():
    """One tiny finished shapes run of OWNER's (trained once, on first use)."""
    if "shapes" not in _RUNS:
        _RUNS["shapes"] = train(Config(dataset="shapes", limit=120, epochs=1))
    return state.engine().store.load(_RUNS["shapes"])


def texts(elements) -> list[str]:
    """What the reader reads of each element (user text in it is sent escaped)."""
    return [shown_text(e.value) for e in elements]


def table_rows(at, first_column: str) -> dict[str, str]:
    """The two-column table whose first heading is `first_column`, as {label: value}."""
    frame = next(d.value for d in at.table if list(d.value.columns)[0] == first_column)
    return dict(zip(frame.iloc[:, 0], frame.iloc[:, 1]))


# --- 1. sharing: visible, named, confirmed, and shown to others -------------------------------


def test_display_names_are_tidied_and_checked_and_never_become_paths(tmp_path):
    assert display_name("  Ana   Li ") == "Ana Li"
    assert display_name("王小明") == "王小明" and display_name("O'Neil-Smith Jr.") == "O'Neil-Smith Jr."
    assert display_name("") == ""  # sharing without a name is allowed
    for bad, code in [
        ("../../etc/passwd", "runs.name_characters"),
        ("<b>Ana</b>", "runs.name_characters"),
        ("Ana\x00", "runs.name_characters"),
        ("a" * (MAX_NAME_LENGTH + 1), "runs.name_too_long"),
    ]:
        with pytest.raises(ClassifierError) as error:
            display_name(bad)
        assert error.value.message.code == code, bad
    with pytest.raises(ClassifierError, match=r"only, not /$"):
        display_name("../x")
    assert "U+0000" in str(pytest.raises(ClassifierError, display_name, "Ana\x00").value)


def test_sharing_from_the_train_results_with_a_name_is_confirmed_and_others_see_who(tmp_path):
    home = app_at(owner=OWNER)
    assert any(en("runs.public") in m.value for m in home.markdown)  # Home's "where to start" says how
    run_id = train(Config(dataset="shapes", limit=60, epochs=1))
    store = state.engine().store
    try:
        ana = app_at(owner=OWNER)
        ana.session_state["job_id"] = run_id
        ana.switch_page("pages/train.py")
        ana.run()
        assert en("train.finished") in texts(ana.success)
        assert en("share.private") in texts(ana.caption)

        ana.text_input(key="train_share_name").input("../../etc/passwd")
        button(ana, "train_share_share").click().run()
        reason = en("msg.runs.name_characters").format(characters="/")
        assert texts(ana.error) == [en("share.failed").format(reason=reason)]
        assert not store.load(run_id).public

        ana.text_input(key="train_share_name").input("  Ana   Li ")
        button(ana, "train_share_share").click().run()
        assert texts(ana.toast) == [shown_text(en("share.done_as").format(name="Ana Li"))]
        assert shown_text(en("share.shared_as").format(name="Ana Li")) in texts(ana.success)
        info = store.load(run_id)
        assert info.public and info.shared_as == "Ana Li"
        names = [p.name for p in store.path(run_id).iterdir()]
        assert sorted(names) == sorted(FINISHED_RUN_FILES)  # the name is in status.json, never a file or folder

        for lang, shared_by in [("en", en("runs.shared_by")), ("zh", zh("runs.shared_by"))]:
            bo = app_at("pages/runs.py", lang=lang)
            whose = TEXT["runs.col.owner"][lang]
            row = next(r for _, r in bo.dataframe[0].value.iterrows() if r[whose] == shared_by.format(name="Ana Li"))
            assert row is not None
            assert any(o.endswith(" · Ana Li") for o in bo.multiselect(key="runs_chosen").options)
            assert f"share_{run_id}_share" not in {b.key for b in bo.button}  # only Ana shares or stops

        ana.switch_page("pages/runs.py")
        ana.run()
        ana.selectbox(key="runs_focus").set_value(run_id).run()
        button(ana, f"share_{run_id}_stop").click().run()
        assert texts(ana.toast) == [en("share.stopped")] and not store.load(run_id).public
        assert run_id not in [i.run_id for i in store.list("someone-else")]  # private again
    finally:
        store.delete(run_id)


# --- 2. all hyperparameters as a readable table ------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_runs_shows_all_hyperparameters_with_the_train_pages_labels(finished_run, lang):
    at = app_at("pages/runs.py", lang=lang, owner=OWNER)
    at.selectbox(key="runs_focus").set_value(finished_run.run_id).run()
    assert not at.json  # no raw JSON any more
    say = {key: entry[lang] for key, entry in TEXT.items()}
    rows = table_rows(at, say["config.setting"])
    assert rows[say["train.dataset"]] == say["data.shapes"]
    assert rows[say["train.limit"]] == "120"
    assert rows[say["train.epochs"]] == "1" and rows[say["train.batch_size"]] == "64"
    assert rows[say["train.block_filters"].format(block=1)] == say["config.then_pool"].format(filters=32)
    assert rows[say["train.block_filters"].format(block=3)] == "64"  # no pooling after the third block
    assert rows[say["train.batch_norm"]] == say["config.no"]
    assert rows[say["train.augmentation"]] == say["config.none"]
    assert rows[say["train.padding"]] == say["padding.valid"]
    assert say["train.momentum"] not in rows  # Adam: the SGD-only setting is left out
    shown = " ".join([*rows, *rows.values()])
    assert not [word for word in ("conv_filters", "pool_after", "null", "None", "True") if word in shown]


# --- 3. what "unsure" means ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unsure_prediction_says_what_the_number_means_and_what_the_built_in_model_knows(lang):
    at = app_at("pages/predict.py", lang=lang)  # a new browser: the built-in model
    assert at.selectbox(key="predict_model").value == state.BUILTIN
    at.radio(key="predict_fit").set_value("squash")
    at.file_uploader(key="predict_files").set_value([("eagle.jpg", (PHOTOS / "eagle.jpg").read_bytes(), "image/jpeg")])
    at.run()
    # Squashed to 32x32, the eagle is a weak guess for the built-in model (bird or deer, under 50%,
    # with the mirror average or without).
    (warning,) = texts(at.warning)
    note, builtin = TEXT["predict.unsure"][lang], TEXT["predict.unsure_builtin"][lang]
    assert warning.startswith(note.split("{")[0]) and warning.endswith(builtin)
    assert "CIFAR-10" in builtin and "32×32" in builtin


def test_an_unsure_run_model_gets_no_word_about_the_built_in_model(finished_run):
    at = app_at("pages/predict.py", owner=OWNER)
    assert at.selectbox(key="predict_model").value == finished_run.run_id
    at.file_uploader(key="predict_files").set_value([("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg")])
    at.run()
    (warning,) = texts(at.warning)  # two batches of shapes: no class is anywhere near sure of a dog
    assert warning.startswith(en("predict.unsure").split("{")[0]) and en("predict.unsure_builtin") not in warning


# --- 4 and 5. My zip: a neutral prompt; the preset label follows the settings ---------------------


def test_my_zip_starts_with_a_prompt_not_an_error():
    at = app_at("pages/train.py")
    at.radio(key="hp_dataset").set_value("upload").run()
    assert not at.error, texts(at.error)
    assert shown_text(en("train.zip_prompt")) in texts(at.info)
    assert button(at, "start").disabled
    zipped = make_zip(two_classes(count=6))
    at.file_uploader(key="dataset_zip").set_value(("pets.zip", zipped, "application/zip")).run()
    assert en("train.zip_prompt") not in texts(at.info) and not at.error
    assert not button(at, "start").disabled


def test_the_preset_label_says_custom_once_the_settings_match_no_preset():
    at = app_at("pages/train.py")
    preset = picker(at, "hp_preset")
    assert preset.value == "seed" and en("preset.seed.help") in texts(at.caption)
    at.radio(key="hp_dataset").set_value("upload").run()
    at.number_input(key="hp_epochs").set_value(3).run()
    assert picker(at, "hp_preset").value == "custom"
    assert en("preset.custom.help") in texts(at.caption) and en("preset.seed.help") not in texts(at.caption)
    at.radio(key="hp_dataset").set_value("shapes").run()
    at.number_input(key="hp_epochs").set_value(10).run()
    assert picker(at, "hp_preset").value == "quick"  # the seed network on shapes is the demo
    picker(at, "hp_preset").set_value("strong").run()
    assert picker(at, "hp_preset").value == "strong"
    assert at.number_input(key="hp_epochs").value == STRONG.epochs
    at.toggle(key="hp_batch_norm").set_value(False).run()
    assert picker(at, "hp_preset").value == "custom"


# --- 6 and issue 13.3. which model is shown, and the latest run by default -----------------------


def test_inside_says_the_built_in_model_is_the_strong_preset_not_the_seed_network():
    from classifier.core.predict import load_model

    at = app_at("pages/inside.py")  # a new browser: no runs, so the built-in model
    assert at.selectbox(key="inside_model").value == state.BUILTIN
    from classifier.training.timeline import first_conv

    first_filters = first_conv(load_model("default").model).filters
    assert first_filters == STRONG.conv_filters[0] != SEED.conv_filters[0]
    note = next(c for c in texts(at.caption) if c.startswith(en("model.about_builtin").split(",")[0]))
    strong_filters = " → ".join(str(n) for n in STRONG.conv_filters)
    assert strong_filters in note and "32 → 64 → 64" in note and en("preset.strong") in note


@pytest.mark.parametrize("page, key", [("pages/inside.py", "inside_model"), ("pages/predict.py", "predict_model")])
def test_pickers_open_on_the_students_latest_finished_run_and_say_so(finished_run, page, key):
    newer = train(Config(dataset="shapes", limit=60, epochs=1))
    try:
        at = app_at(page, owner=OWNER)
        assert at.selectbox(key=key).value == newer  # the latest, not the built-in model
        assert any(c.startswith("Shown: your latest finished run (") for c in texts(at.caption)), texts(at.caption)
        assert any(f"{en('preset.custom')} settings (convolutions 32 → 64 → 64)" in c for c in texts(at.caption))
        at.selectbox(key=key).set_value(state.BUILTIN).run()
        assert any(c.startswith(en("model.about_builtin").split(",")[0]) for c in texts(at.caption))
    finally:
        state.engine().store.delete(newer)


# --- 7 and 8. notes once, as information; no mistakes said in words ----------------------------


def test_a_zip_without_a_test_folder_is_noted_once_as_information():
    at = app_at("pages/train.py")
    at.radio(key="hp_dataset").set_value("upload").run()
    zipped = make_zip(two_classes(count=10))
    at.file_uploader(key="dataset_zip").set_value(("pets.zip", zipped, "application/zip")).run()
    at.number_input(key="hp_epochs").set_value(1).run()
    button(at, "start").click().run()
    assert state.engine().job(at.session_state["job_id"]).wait(120)
    at.run()
    flat = en("msg.data.note_no_test_folder").format(share=0.2)
    assert en("train.finished") in texts(at.success)
    assert texts(at.info).count(flat) == 1 and not at.warning, (texts(at.info), texts(at.warning))
    at.switch_page("pages/runs.py")
    at.run()
    assert texts(at.info).count(flat) == 1 and not at.warning


def test_no_mistakes_are_said_in_words_not_left_blank():
    """A run whose final model got every test image right (its files written as the engine would)."""
    owner = "perfect-" + secrets.token_urlsafe(12)
    store = state.engine().store
    info = store.create(Config(dataset="shapes", limit=60, epochs=1), owner=owner)
    y_true = np.repeat(np.arange(6), 10)
    info.status, info.epochs_completed, info.checkpoint_epoch = "finished", 1, 1
    info.classes, info.test_accuracy, info.test_loss = shapes(60, 60).classes, 1.0, 0.01
    store.save(info)
    store.append_history(info.run_id, {"epoch": 1, "loss": 0.1, "accuracy": 1.0})
    store.save_predictions(info.run_id, y_true, np.eye(6, dtype=np.float32)[y_true])
    try:
        for lang in ("en", "zh"):
            at = app_at("pages/runs.py", lang=lang, owner=owner)
            assert TEXT["results.no_mistakes"][lang] in texts(at.success)
            assert not [c for image in at.image for c in image.captions if "→" in c]
    finally:
        store.delete(info.run_id)


# --- 9 and 10. Inside: the image source is selected; filters can be enlarged ----------------------


def test_inside_shows_the_random_source_selected_and_filters_in_three_sizes():
    at = app_at("pages/inside.py")
    assert at.segmented_control(key="inside_source").value == "random"  # what is displayed is selected
    size = at.segmented_control(key="inside_filter_size")
    assert size.value == "small" and size.options == [en("inside.size." + s) for s in ("small", "medium", "large")]
    small = at.image[0].value
    at.segmented_control(key="inside_filter_size").set_value("large").run()
    assert at.image[0].value != small  # a different, larger picture (its pixel size: tests/test_browser.py)


# --- 11. bad files in the reader's language --------------------------------------------------------


def test_a_bad_file_is_explained_in_chinese_with_what_to_do():
    at = app_at("pages/predict.py", lang="zh")
    at.file_uploader(key="predict_files").set_value([("notes.png", b"not a picture at all", "image/png")])
    at.run()
    assert texts(at.error) == [zh("predict.bad_file").format(name="notes.png", reason=zh("msg.image.unknown"))]
    assert "PNG" in zh("msg.image.unknown") and "Pillow" not in zh("msg.image.unknown")


# --- 12. layer names in both languages --------------------------------------------------------------


def test_layer_types_are_named_in_chinese_with_the_keras_name_beside():
    at = app_at(lang="zh")
    (diagram,) = charts(at)
    notes = [a["text"] for a in json.loads(diagram.proto.spec)["layout"]["annotations"]]
    assert sum(n.startswith("<b>卷积</b>") and "(Conv2D)" in n for n in notes) == 3
    assert sum(n.startswith("<b>最大池化</b>") and "(MaxPooling2D)" in n for n in notes) == 2
    assert not [n for n in notes if n in ("<b>Conv</b>", "<b>MaxPool</b>", "<b>Dense</b>", "<b>Flatten</b>")]
    at.switch_page("pages/train.py")
    at.run()
    kinds = list(at.table[0].value.iloc[:, 1])
    assert kinds[:3] == ["卷积（Conv2D）", "最大池化（MaxPooling2D）", "卷积（Conv2D）"]
    assert kinds[-2:] == ["全连接（Dense）", "全连接（Dense）"]


# --- 13 and 14. class names and wording in Chinese -------------------------------------------------


def test_the_translated_class_lists_are_the_built_in_sets():
    from ui.i18n import _CLASS_SETS

    assert _CLASS_SETS["class.cifar10"] == CIFAR10_CLASSES
    assert _CLASS_SETS["class.shapes"] == shapes(6, 6).classes


def test_class_names_read_in_chinese_on_results_and_predictions(finished_run):
    at = app_at("pages/runs.py", lang="zh", owner=OWNER)
    at.selectbox(key="runs_focus").set_value(finished_run.run_id).run()
    chinese = [TEXT[f"class.shapes.{name}"]["zh"] for name in finished_run.classes]
    layout = json.loads(charts(at)[2].proto.spec)["layout"]  # the confusion matrix: class names as ticks
    assert layout["xaxis"]["ticktext"] == chinese and layout["yaxis"]["ticktext"] == chinese
    pairs = [m.value for m in at.markdown if "被认成" in m.value]
    assert pairs and not [p for p in pairs if any(name in p for name in finished_run.classes)], pairs
    captions = [c for image in at.image for c in image.captions if " → " in c]  # the gallery's
    assert captions and all(c.split(" → ")[0] in chinese for c in captions), captions[:3]

    at = app_at("pages/predict.py", lang="zh")
    at.file_uploader(key="predict_files").set_value([("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg")])
    at.run()
    verdict = next(m.value for m in at.markdown if shown_text(m.value).startswith("dog.jpg"))
    label = verdict.split("：")[1].split("（")[0]
    assert label in [TEXT[f"class.cifar10.{name}"]["zh"] for name in CIFAR10_CLASSES], verdict


def test_this_run_and_the_class_to_explain_read_naturally_in_chinese(finished_run):
    assert zh("model.current").startswith("本次训练") and zh("inside.gradcam_class") == "要解释的类别"
    at = app_at(lang="zh", owner=OWNER)
    at.session_state["job_id"] = finished_run.run_id
    at.switch_page("pages/inside.py")
    at.run()
    picker = at.selectbox(key="inside_model")
    assert picker.value == finished_run.run_id
    assert [o for o in picker.options if o.startswith("本次训练：")]
    assert at.selectbox(key="inside_gradcam_class").label == "要解释的类别"
