import json
import subprocess
import sys

import pytest
from conftest import PHOTOS


def cli(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "classifier", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.strip().splitlines()]


def test_predict_prints_one_json_line_per_file(saved_model_path, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("this is not a picture")
    result = cli("predict", "--model", saved_model_path, "--top-k", 2, PHOTOS / "dog.jpg", bad, PHOTOS / "eagle.jpg")
    assert result.returncode == 1  # one file failed
    assert "Traceback" not in result.stderr
    lines = json_lines(result.stdout)
    assert [line["file"] for line in lines] == [str(PHOTOS / "dog.jpg"), str(bad), str(PHOTOS / "eagle.jpg")]
    assert len(lines[0]["top"]) == 2 and {"label", "probability"} <= set(lines[0]["top"][0])
    assert lines[1]["code"] == "image.unknown"  # the app renders the code; the CLI prints the English
    assert lines[1]["error"] == "not a picture this app can open; use PNG, JPEG, WebP, GIF, BMP or TIFF"


def test_predict_succeeds_with_the_default_model():
    result = cli("predict", PHOTOS / "horses.jpg")
    assert result.returncode == 0, result.stderr
    (line,) = json_lines(result.stdout)
    assert len(line["top"]) == 3 and line["top"][0]["probability"] >= line["top"][1]["probability"]


def test_evaluate_a_saved_model_on_shapes(saved_model_path):
    result = cli("evaluate", "--model", saved_model_path, "--dataset", "shapes", "--limit", 60)
    assert result.returncode == 0, result.stderr
    summary = json_lines(result.stdout)[-1]
    assert summary["n"] == 60 and 0 <= summary["accuracy"] <= 1 and summary["loss"] > 0


def test_evaluate_refuses_a_model_with_other_classes(saved_model_path):
    result = cli("evaluate", "--model", "default", "--dataset", "shapes", "--limit", 60)
    assert result.returncode == 1 and "10 classes" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["fly"], "invalid choice"),
        (["train", "--epochs", "ten"], "invalid int value"),
        (["train", "--batch-size", "0"], "batch_size: must be between 1 and 4096"),
        (["train", "--pool-after", "maybe"], "yes/no"),
        (["train", "--optimizer", "adagrad"], "invalid choice"),
        (["predict", "--top-k", "0", "x.png"], "must be at least 1"),
        (["predict"], "required"),
    ],
)
def test_bad_arguments_exit_2_with_usage(args, message):
    result = cli(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr and message in result.stderr


def test_missing_model_is_a_clear_error(tmp_path):
    result = cli("predict", "--model", tmp_path / "nope.keras", PHOTOS / "dog.jpg")
    assert result.returncode == 1 and "no model file or run" in result.stderr and "Traceback" not in result.stderr


def test_train_dry_run_measures_without_training(tmp_path):
    result = cli(
        "train", "--dataset", "shapes", "--limit", 120, "--conv-filters", "8", "--pool-after", "yes",
        "--dense-units", 16, "--validation", "holdout", "--runs-dir", tmp_path / "runs", "--dry-run",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (line,) = json_lines(result.stdout)
    assert line["estimated_epoch_seconds"] > 0 and line["config"]["conv_filters"] == [8]
    assert line["estimated_total_seconds"] == pytest.approx(line["estimated_epoch_seconds"] * 10, abs=0.06)
    assert (line["train_images"], line["validation_images"]) == (108, 12)  # 10% held out of 120
    assert not (tmp_path / "runs").exists()  # nothing was trained or written


def test_evaluate_with_flip_averaging_reports_it(saved_model_path):
    plain = json_lines(cli("evaluate", "--model", saved_model_path, "--dataset", "shapes", "--limit", 60).stdout)[-1]
    result = cli("evaluate", "--model", saved_model_path, "--dataset", "shapes", "--limit", 60, "--tta", "flip")
    assert result.returncode == 0, result.stderr
    flipped = json_lines(result.stdout)[-1]
    assert (plain["tta"], flipped["tta"]) == ("none", "flip")
    assert flipped["n"] == 60 and flipped["loss"] != plain["loss"]  # another model: the mirror counts


def test_a_new_run_id_never_reads_as_an_option(tmp_path, monkeypatch):
    """Run ids are random URL-safe text, 1 in 64 of which starts with "-": `classifier attach ID`
    then took the id for an option and refused it (seen once in a test run)."""
    from classifier.core import runs
    from classifier.core.config import Config

    drawn = iter(["-xNqhgJjN_paUJG5", "xNqhgJjN_paUJG5-"])
    monkeypatch.setattr(runs.secrets, "token_urlsafe", lambda size: next(drawn))
    info = runs.RunStore(tmp_path / "runs").create(Config(dataset="shapes"))
    assert info.run_id == "xNqhgJjN_paUJG5-"
    assert (tmp_path / "runs" / info.run_id / "status.json").exists()
