"""The hostile/odd-file corpus (tests/hostile_corpus.py, generated at test time) through every
entry point: the package, the command line and the pages. Every bad file gets its own specific
message, good files beside it still work, and nothing is written outside the app's data folders."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from app_support import app_at, button, shown_text
from conftest import ROOT
from hostile_corpus import EVIL, image_cases, model_cases, small_png, zip_cases
from markdown_it import MarkdownIt

from classifier.core import images
from classifier.core.data import CIFAR10_CLASSES, DatasetError, load_dataset
from classifier.core.images import ImageError
from classifier.core.messages import ENGLISH, Message, render
from classifier.core.predict import ModelError, Prediction, load_model, predict_image, predict_many
from ui import state
from ui.i18n import TEXT
from ui.text import shown

IMAGES = image_cases()
ZIPS = zip_cases()
BAD_IMAGES = [case for case in IMAGES if case.expect]
GOOD_IMAGES = [case for case in IMAGES if not case.expect]
MARKDOWN = MarkdownIt("commonmark")


def test_the_corpus_is_big_and_varied():
    assert len(IMAGES) + len(ZIPS) + 6 >= 30  # 6: the model files, built by Keras in a fixture
    assert BAD_IMAGES and GOOD_IMAGES and any(c.expect for c in ZIPS) and any(not c.expect for c in ZIPS)
    assert len({c.name for c in IMAGES}) == len(IMAGES) and len({c.name for c in ZIPS}) == len(ZIPS)
    sizes = {c.name: len(c.content) for c in (*IMAGES, *ZIPS)}
    assert sizes["bomb.png"] < 100_000 and sizes["header-bomb.png"] < 100  # bombs: tiny files...
    assert sizes["bomb.zip"] < 2**20  # ...that claim 400 megapixels, 10 gigapixels, 50 MB


# --- isolation: where the app may write ------------------------------------------------------


@pytest.fixture(autouse=True)
def contained(tmp_path, tmp_path_factory, monkeypatch):
    """Run each test from an empty working folder, with its own temp folder and uploads folder;
    afterwards the working and temp folders must be empty and no zip slip may have landed."""
    cwd, scratch, uploads = tmp_path / "cwd", tmp_path / "scratch", tmp_path / "uploads"
    for folder in (cwd, scratch):
        folder.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setenv("CLASSIFIER_UPLOADS_DIR", str(uploads))
    repo_data = [ROOT / name for name in ("data", "runs") if not (ROOT / name).exists()]
    yield uploads
    for measurement in state.MEASUREMENTS.values():  # the Train page's epoch-time measurements tidy up as they end
        measurement.wait(120)
    assert not list(cwd.rglob("*")), "something was written to the working folder"
    assert not list(scratch.rglob("*")), "a temporary file was left behind"
    assert not [path for path in repo_data if path.exists()], "the app wrote into the project folder"
    assert_no_evil(tmp_path_factory.getbasetemp())


def assert_no_evil(base: Path) -> None:
    planted = [path for path in base.rglob(EVIL)]
    planted += [p for p in (ROOT / EVIL, ROOT.parent / EVIL, Path("/etc") / EVIL, Path.home() / EVIL) if p.exists()]
    planted += [p / EVIL for p in base.parents if (p / EVIL).exists()]
    assert not planted, planted


def assert_specific(message: str, expect: str) -> None:
    """The message names the problem (`expect`), in one short line, with no Python internals."""
    assert expect in message, f"{message!r} should mention {expect!r}"
    assert "\n" not in message and len(message) < 300 and "Traceback" not in message, message


def assert_image_error(error: BaseException, code: str) -> None:
    """An ImageError with the expected code, whose English sentence (the CLI's) is one short line
    that names no library and says what the person can do."""
    assert isinstance(error, ImageError), error
    assert error.message.code == code, (error.message.code, code)
    text = str(error)
    assert_specific(text, ENGLISH[code].split("{")[0])
    assert "Pillow" not in text and re.search(r"\b(use|choose|convert|export|save|check)\b", text), text


def in_english(error: ImageError) -> str:
    """The error as the app renders it for an English reader: the decoder's own words (a `detail`, a
    `reason` given as text) are in the server log, and the page says so (docs/translations.md)."""
    logged = TEXT["page.details_logged"]["en"]
    params = {
        k: logged if k == "detail" or (k == "reason" and isinstance(v, str)) else v
        for k, v in error.message.params.items()
    }
    return render(
        Message(error.message.code, params),
        {key[4:]: entry["en"] for key, entry in TEXT.items() if key.startswith("msg.")},
    )


# --- images -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", IMAGES, ids=lambda c: c.name)
def test_image_through_load_input(case, tmp_path):
    if case.expect:
        with pytest.raises(ImageError) as error:
            images.load_input(case.content)
        assert_image_error(error.value, case.expect)
        path = tmp_path / case.name  # the same file on disk gives the same message
        path.write_bytes(case.content)
        with pytest.raises(ImageError) as from_path:
            images.load_input(path)
        assert from_path.value.message == error.value.message
    else:
        case.check(images.load_input(case.content))


@pytest.fixture(scope="module")
def builtin():
    return load_model("default")


def test_images_through_predict_many_and_predict_image(builtin):
    results = predict_many(builtin, [case.content for case in IMAGES], top=3)
    assert len(results) == len(IMAGES)
    for case, result in zip(IMAGES, results):
        if case.expect:
            assert_image_error(result, case.expect)
            with pytest.raises(ImageError) as alone:
                predict_image(builtin, case.content)
            assert alone.value.message == result.message
        else:
            assert isinstance(result, Prediction), (case.name, result)
            case.check(result.model_input)
            assert np.isclose(result.probabilities.sum(), 1, atol=1e-4) and len(result.top) == 3
            alone = predict_image(builtin, case.content)
            assert alone.top[0][0] == result.top[0][0], case.name  # batched with bad files or not
            assert np.allclose(alone.probabilities, result.probabilities, atol=1e-4)


def test_images_through_the_cli(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for case in IMAGES:
        (folder / case.name).write_bytes(case.content)
        paths.append(str(folder / case.name))
    extra = [(str(folder / "missing.png"), "image.unreadable"), (str(folder), "image.folder")]
    result = subprocess.run(
        [sys.executable, "-m", "classifier", "predict", "--model", "default", *paths, *(p for p, _ in extra)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1, result.stderr[-2000:]  # some files failed
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [line["file"] for line in lines] == paths + [p for p, _ in extra]
    expected = [case.expect for case in IMAGES] + [message for _, message in extra]
    for line, expect in zip(lines, expected):
        if expect:
            assert set(line) == {"file", "error", "code"} and line["code"] == expect, line
            assert_specific(line["error"], ENGLISH[expect].split("{")[0])  # the English sentence
        else:
            assert set(line) == {"file", "top"} and len(line["top"]) == 3, line
            assert line["top"][0]["label"] in CIFAR10_CLASSES and 0 < line["top"][0]["probability"] <= 1


def test_images_through_the_predict_page():
    at = app_at("pages/predict.py")
    at.file_uploader(key="predict_files").set_value([(c.name, c.content, "application/octet-stream") for c in IMAGES])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [shown_text(e.value) for e in at.error]
    assert len(errors) == len(BAD_IMAGES), errors  # one message per bad file, no page-wide failure
    for case, message in zip(BAD_IMAGES, errors):
        with pytest.raises(ImageError) as error:
            images.load_input(case.content)
        assert error.value.message.code == case.expect
        assert message == f"{case.name}: {in_english(error.value)}", message
    verdicts = [shown_text(m.value) for m in at.markdown if m.value.startswith("**")]
    for case in GOOD_IMAGES:
        assert any(v.startswith(f"{case.name}: ") and v.endswith("%)") for v in verdicts), (case.name, verdicts)
    assert len(at.get("plotly_chart")) == len(GOOD_IMAGES)


# --- data-set zips ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ZIPS, ids=lambda c: c.name)
def test_zip_through_load_dataset(case, tmp_path):
    path = tmp_path / "in" / case.name
    path.parent.mkdir()
    path.write_bytes(case.content)
    cache = tmp_path / "cache"
    if case.expect:
        with pytest.raises(DatasetError) as error:
            load_dataset(str(path), cache_dir=cache)
        assert_specific(str(error.value), case.expect)
        assert not cache.exists()
    else:
        dataset = load_dataset(str(path), cache_dir=cache)
        case.check(dataset)
        assert dataset.x_train.shape[1:] == (32, 32, 3) and len(dataset.y_test) > 0
        assert [p.suffix for p in cache.iterdir()] == [".npz"]  # the decoded cache, and nothing else
    assert sorted(p.name for p in path.parent.iterdir()) == [case.name]  # nothing extracted beside it


def class_folders(root: Path, counts: dict[str, int]) -> Path:
    for k, (cls, count) in enumerate(counts.items()):
        (root / cls).mkdir(parents=True)
        for i in range(count):
            (root / cls / f"{i}.png").write_bytes(small_png(i + 10 * k))
    return root


def test_empty_class_folders_in_a_directory(tmp_path):
    """The same rule for a class-folder directory: an empty folder is named, never silently dropped."""
    root = class_folders(tmp_path / "pets", {"cat": 5, "dog": 5, "bird": 0})
    (root / "dog" / "old").mkdir()  # an empty subfolder inside a class is no class of its own
    dataset = load_dataset(str(root), cache_dir=tmp_path / "cache")
    assert dataset.classes == ("cat", "dog")
    assert [str(n) for n in dataset.notes if n.code == "data.note_empty_classes"] == [
        "left out a class folder with no readable images: bird"
    ]
    lonely = class_folders(tmp_path / "lonely", {"cat": 0, "dog": 5})
    with pytest.raises(DatasetError, match=r"at least two classes with readable images; found 1 \(dog\)"):
        load_dataset(str(lonely), cache_dir=tmp_path / "cache")


def test_zips_through_the_train_page(contained, tmp_path_factory):
    at = app_at("pages/train.py")
    at.radio(key="hp_dataset").set_value("upload").run()
    assert button(at, "start").disabled  # nothing uploaded yet
    failed = TEXT["data.failed"]["en"].split("{")[0]
    for case in ZIPS:
        at.file_uploader(key="dataset_zip").set_value((case.name, case.content, "application/zip"))
        at.run()
        assert not at.exception, (case.name, [e.value for e in at.exception])
        errors = [shown_text(e.value) for e in at.error]
        if case.expect:
            assert len(errors) == 1 and errors[0].startswith(failed), (case.name, errors)
            assert_specific(errors[0], case.expect)
            assert button(at, "start").disabled, case.name
            # The student's own file name, never the random name the upload is stored under.
            stored_as = Path(at.session_state["uploaded_dataset"]).name
            assert stored_as not in errors[0], errors[0]
            reason = errors[0][len(failed) :]
            named = (f"{case.name} ", f"{shown(case.name)} ", "the zip ", "'")  # as named, or about a member
            assert reason.startswith(named), reason
        else:
            assert not errors, (case.name, errors)
            assert not button(at, "start").disabled, case.name
            notes = [shown_text(i.value) for i in at.info]
            flat = TEXT["msg.data.note_no_test_folder"]["en"].split("{")[
                0
            ]  # normal for a zip without test/: information
            assert any(note.startswith(flat) for note in notes), (case.name, notes)
            assert not at.warning, (case.name, [w.value for w in at.warning])
        for text in [e.value for e in at.error] + [i.value for i in at.info]:  # names with markup: text
            assert not re.search(r"<(a|img)\b", MARKDOWN.render(text)) and len(text) < 2_000, (case.name, text)
        assert_no_evil(tmp_path_factory.getbasetemp())
    # Each upload was stored once, under a random name in the uploads folder; nothing else was written.
    stored = sorted(contained.iterdir())
    assert len(stored) == len(ZIPS) and all(p.suffix == ".zip" for p in stored)
    assert not {p.stem for p in stored} & {Path(c.name).stem for c in ZIPS}


def test_train_page_shows_the_notes_of_an_odd_but_usable_zip():
    at = app_at("pages/train.py")
    at.radio(key="hp_dataset").set_value("upload").run()
    for name, note in [
        ("empty-class.zip", "left out a class folder with no readable images: bird"),
        ("mixed.zip", "skipped 3 unreadable files"),
    ]:
        case = next(c for c in ZIPS if c.name == name)
        at.file_uploader(key="dataset_zip").set_value((case.name, case.content, "application/zip"))
        at.run()
        assert any(note in shown_text(i.value) for i in at.info), (name, [i.value for i in at.info])


# --- model files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_models")
    marker = folder / "lambda-ran"
    cases = model_cases(folder, marker)
    assert not marker.exists()
    return cases, marker


def test_models_through_load_model(models, tmp_path):
    cases, marker = models
    for case in cases:
        path = tmp_path / case.name
        path.write_bytes(case.content)
        for source in (case.content, path):
            with pytest.raises(ModelError) as error:
                load_model(source)
            assert_specific(str(error.value), case.expect)
        assert not marker.exists(), f"loading {case.name} ran code from the file"


def test_models_through_the_predict_page(models):
    cases, marker = models
    at = app_at("pages/predict.py")
    at.selectbox(key="predict_model").set_value("upload").run()
    prefix = TEXT["model.unusable"]["en"].split("{")[0]
    for case in cases:
        at.file_uploader(key="predict_model_file").set_value((case.name, case.content, "application/octet-stream"))
        at.run()
        assert not at.exception, (case.name, [e.value for e in at.exception])
        errors = [shown_text(e.value) for e in at.error]
        assert len(errors) == 1 and errors[0].startswith(prefix), (case.name, errors)
        assert_specific(errors[0], case.expect)
        assert not marker.exists(), f"uploading {case.name} ran code from the file"


def test_the_lambda_marker_would_catch_code_that_ran(models, tmp_path):
    """The control for the two tests above: loading the Lambda model unsafely does run its code."""
    import keras

    cases, marker = models
    path = tmp_path / "lambda.keras"
    path.write_bytes(next(c for c in cases if c.name == "lambda.keras").content)
    try:
        keras.saving.load_model(path, compile=False, safe_mode=False)
        assert marker.exists()
    finally:
        marker.unlink(missing_ok=True)
