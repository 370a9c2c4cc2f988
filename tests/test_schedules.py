"""Learning-rate schedules, early stopping and TensorBoard logs (classifier/training/schedules.py), from the
Config to the worker, the command line, the live chart and the Runs page, in both languages."""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys

import keras
import numpy as np
import pandas as pd
import pytest
from app_support import app_at, en, picker, shown_text, zh
from engine_support import train_in_this_process

from classifier.core.config import PRESETS, SEED, Config, ConfigError, matching_preset
from classifier.core.data import load_dataset
from classifier.core.model import build_model, make_optimizer
from classifier.core.runs import RunInfo, RunStore
from classifier.engine.progress import BatchPoint, Progress, load_batches
from classifier.training import pipeline, schedules
from ui import charts

# The seed network on 60 shapes (10 per class): it soon learns the training images by heart and its
# validation loss stops improving, the plateau early stopping is for. float32: exact comparisons.
OVERFITS = Config(
    dataset="shapes",
    limit=60,
    epochs=40,
    batch_size=16,
    learning_rate=0.003,
    precision="float32",
    early_stopping=3,
    monitor="val_loss",
    restore_best=True,
)
OWNER = "schedules-owner-0123456789"


# --- the Config ------------------------------------------------------------------------------------


def test_new_fields_keep_every_preset_and_old_runs_readable():
    for name, preset in PRESETS.items():
        assert (preset.early_stopping, preset.restore_best, preset.lr_schedule in ("constant", "cosine")) == (
            0,
            False,
            True,
        )
        assert matching_preset(preset) == name
    old = {k: v for k, v in SEED.to_dict().items() if k not in ("lr_drop_factor", "early_stopping", "monitor")}
    assert Config.from_dict(old) == SEED  # a config.json written before these fields existed
    info = json.loads(RunInfo("A" * 16, SEED, status="finished").to_json())
    del info["stopped_epoch"], info["best_epoch"]
    read = RunInfo.from_json(json.dumps(info))  # a status.json from before
    assert (read.stopped_epoch, read.best_epoch) == (None, None)
    assert BatchPoint(*[1.5, 0.9, 0.6, 1, 3]).learning_rate is None  # batches.json rows from before


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"validation": "none", "early_stopping": 2}, "config.monitor_validation", "monitor"),
        ({"validation": "none", "lr_schedule": "plateau"}, "config.monitor_validation", "monitor"),
        (
            {"validation": "none", "restore_best": True, "monitor": "val_accuracy"},
            "config.monitor_validation",
            "monitor",
        ),
        ({"monitor": "val_f1"}, "config.choice", "monitor"),
        ({"lr_schedule": "exponential"}, "config.choice", "lr_schedule"),
        ({"lr_drop_factor": 1.0}, "config.range", "lr_drop_factor"),
        ({"lr_drop_every": 0}, "config.range", "lr_drop_every"),
        ({"early_stopping": -1}, "config.range", "early_stopping"),
        ({"early_stopping": 2.5}, "config.whole_number", "early_stopping"),
        ({"restore_best": "yes"}, "config.yes_no", "restore_best"),
    ],
)
def test_bad_schedule_settings_are_refused_naming_the_field(changes, code, field):
    with pytest.raises(ConfigError) as caught:
        SEED.replace(**changes)
    assert (caught.value.message.code, caught.value.message.params["field"]) == (code, field)


def test_without_validation_the_training_metrics_can_still_be_watched():
    config = SEED.replace(validation="none", early_stopping=2, monitor="loss", lr_schedule="plateau")
    assert config.watches_metric


# --- the rates -------------------------------------------------------------------------------------


def test_step_decay_is_a_staircase_in_epochs_and_plateau_starts_from_the_plain_rate():
    steps = 10  # per epoch
    step = make_optimizer(
        SEED.replace(lr_schedule="step", learning_rate=0.01, lr_drop_every=2, lr_drop_factor=0.5), steps
    )
    schedule = step._learning_rate  # Keras's ExponentialDecay(staircase=True)
    rates = [float(schedule(s)) for s in (0, 19, 20, 39, 40)]
    assert rates == pytest.approx([0.01, 0.01, 0.005, 0.005, 0.0025])
    assert schedules.current_rate(step) == pytest.approx(0.01)  # at step 0
    plateau = make_optimizer(SEED.replace(lr_schedule="plateau", learning_rate=0.02), steps)
    assert schedules.current_rate(plateau) == pytest.approx(0.02)  # a plain rate ReduceLROnPlateau can lower
    cosine = make_optimizer(PRESETS["strong"], steps)  # cosine with warm-up, as before
    warmup = PRESETS["strong"].warmup_epochs * steps
    assert float(cosine._learning_rate(0)) == pytest.approx(0.1 * PRESETS["strong"].learning_rate)
    assert float(cosine._learning_rate(warmup)) == pytest.approx(PRESETS["strong"].learning_rate)


def test_rate_drops_are_marked_for_step_and_plateau_only():
    history = [{"epoch": e, "learning_rate": r} for e, r in enumerate((0.01, 0.01, 0.005, 0.005, 0.001), start=1)]
    assert schedules.rate_drops(history, "step") == [3, 5]
    assert schedules.rate_drops(history, "plateau") == [3, 5]
    assert schedules.rate_drops(history, "cosine") == []  # its curve shows the decline
    assert schedules.rate_drops([{"epoch": 1}, {"epoch": 2, "learning_rate": 0.1}], "step") == []  # an old run


def test_the_loss_chart_draws_the_rate_on_a_second_axis_and_marks_drops_stop_and_kept_weights():
    batches = [BatchPoint(e + s / 4, 1.0, 0.5, e, s, 0.01 if e < 2 else 0.005) for e in range(3) for s in (2, 4)]
    history = [
        {"epoch": e, "loss": 1.0, "val_loss": 1.1, "accuracy": 0.5, "learning_rate": 0.01 if e < 3 else 0.005}
        for e in (1, 2, 3)
    ]
    labels = {k: k for k in ("loss", "accuracy", "batches", "train", "validation", "epoch", "reference")}
    labels |= {"learning_rate": "LR", "rate_drop": "drop!", "stopped": "stop!", "kept": "kept 2"}
    curves = charts.training_curves(batches, history, labels, None, 10, {"drops": [3], "stopped": 3, "kept": 2})
    data, spec = curves["loss"]
    assert spec["resolve"] == {"scale": {"y": "independent"}}
    metric_group, rate_layer = spec["layer"]
    assert (
        rate_layer["encoding"]["y"]["axis"]["orient"] == "right" and rate_layer["mark"]["interpolate"] == "step-after"
    )
    rate = data[data.series == "LR"]
    assert rate.epoch.tolist() == sorted(rate.epoch) and rate.epoch.iloc[0] == 0 and rate.epoch.iloc[-1] == 3
    assert rate[rate.epoch == 2].value.item() == 0.005  # epoch 3 began with the lower rate
    marks = {kind: data[data.series == kind] for kind in ("drop", "stopped", "kept")}
    assert marks["drop"].epoch.tolist() == [2]  # at the start of epoch 3
    assert (marks["stopped"].epoch.item(), marks["stopped"].note.item()) == (3, "stop!")
    assert (marks["kept"].epoch.item(), marks["kept"].note.item()) == (2, "kept 2")
    assert sum(layer["mark"]["type"] == "rule" for layer in metric_group["layer"]) == 3
    data, spec = curves["accuracy"]
    assert "resolve" not in spec and "LR" not in set(data.series) and "stopped" in set(data.series)
    plain_data, plain = charts.training_curves(batches, [{"epoch": 1, "loss": 1.0}], labels, None, 10)["loss"]
    assert {"drop", "stopped", "kept"}.isdisjoint(plain_data.series)


# --- training ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def early_stopped():
    """One real run that overfits until early stopping ends it, in the app's own runs folder."""
    store = RunStore()
    trainer, events = train_in_this_process(store, OVERFITS, owner=OWNER)
    return store, trainer, events


def test_early_stopping_stops_on_a_plateau_and_restores_the_best_weights(early_stopped):
    store, trainer, events = early_stopped
    info = store.load(trainer.info.run_id)
    history = store.history(info.run_id)
    assert info.status == "finished", info.reason
    losses = [record["val_loss"] for record in history]
    best = int(np.argmin(losses)) + 1  # Keras counts only strict improvements: the first minimum
    patience = OVERFITS.early_stopping
    assert info.stopped_epoch == len(history) == best + patience < OVERFITS.epochs
    assert all(loss >= losses[best - 1] for loss in losses[best:])  # no improvement after the best
    assert info.best_epoch == best == info.checkpoint_epoch
    assert info.reason.code == "schedules.early_stopped_kept"
    assert info.reason.params == {"monitor": "val_loss", "patience": patience, "epoch": best + patience, "best": best}
    # The test split is the validation split here: the model tested at the end is the best epoch's.
    assert abs(losses[-1] - losses[best - 1]) > 1e-4  # so the last epoch's weights would show
    assert info.test_loss == pytest.approx(losses[best - 1], rel=1e-5)
    assert info.test_accuracy == pytest.approx(history[best - 1]["val_accuracy"])
    dataset = load_dataset("shapes", OVERFITS.limit)
    saved = keras.saving.load_model(store.model_path(info.run_id))
    loss, _ = saved.evaluate(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
    assert loss == pytest.approx(losses[best - 1], rel=1e-5)  # the checkpoint holds the kept weights too
    assert {"stopped_epoch": best + patience, "best_epoch": best} in [
        e["fields"] for e in events if e["kind"] == "update"
    ]
    record = Progress.from_store(store, info.run_id)
    assert (record.stopped_epoch, record.best_epoch) == (best + patience, best)
    assert [r["learning_rate"] for r in history] == pytest.approx([OVERFITS.learning_rate] * len(history))


def tensorboard_scalars(folder) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """{"train" | "validation": {tag: [(step, value)]}} as TensorBoard itself reads the run's logs."""
    import tensorflow as tf
    from tensorboard.backend.event_processing.event_accumulator import TENSORS, EventAccumulator

    scalars = {}
    for part in ("train", "validation"):
        events = EventAccumulator(str(folder / part), size_guidance={TENSORS: 0})  # 0: keep every point
        events.Reload()
        scalars[part] = {
            tag: [(e.step, float(tf.make_ndarray(e.tensor_proto))) for e in events.Tensors(tag)]
            for tag in events.Tags()[TENSORS]
        }
    return scalars


def test_cli_plateau_schedule_with_early_stopping_and_tensorboard_logs(tmp_path):
    command = [sys.executable, "-m", "classifier", "train", "--dataset", "shapes", "--limit", "60", "--epochs", "30"]
    command += ["--batch-size", "16", "--learning-rate", "0.003", "--precision", "float32", "--quiet"]
    command += ["--lr-schedule", "plateau", "--lr-patience", "1", "--early-stopping", "2", "--restore-best"]
    done = subprocess.run([*command, "--runs-dir", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    history = RunStore(tmp_path).history(summary["run_id"])
    epochs = summary["epochs_completed"]
    assert summary["stopped_epoch"] == epochs < 30 and summary["best_epoch"] == epochs - 2
    rates = summary["learning_rate"]
    assert rates == [r["learning_rate"] for r in history] and rates[0] == pytest.approx(0.003)
    # ReduceLROnPlateau, patience 1: an epoch that does not beat the best so far halves the next one's rate.
    best = math.inf
    for before, after, record in zip(rates, rates[1:], history):
        improved = record["val_loss"] < best
        best = min(best, record["val_loss"])
        assert after == pytest.approx(before if improved else before * 0.5)
    drops = schedules.rate_drops(history, "plateau")
    assert drops and all(rates[d - 1] < rates[d - 2] for d in drops)
    # Each batch point carries the rate its epoch trained with.
    points = load_batches(RunStore(tmp_path), summary["run_id"])
    assert points and all(p.learning_rate == pytest.approx(rates[p.epoch_index]) for p in points)
    # TensorBoard reads the same numbers: per epoch, and per batch (here every batch: 4 per epoch).
    logs = tensorboard_scalars(tmp_path / summary["run_id"] / schedules.TENSORBOARD_DIR)
    train, validation = logs["train"], logs["validation"]
    assert [v for _, v in train["epoch_learning_rate"]] == pytest.approx(rates)
    assert [v for _, v in train["epoch_loss"]] == pytest.approx([r["loss"] for r in history], rel=1e-5)
    assert [v for _, v in validation["epoch_loss"]] == pytest.approx([r["val_loss"] for r in history], rel=1e-5)
    batch_steps = [step for step, _ in train["batch_loss"]]
    assert len(batch_steps) == 4 * epochs and [step for step, _ in train["batch_learning_rate"]] == batch_steps
    assert {round(v, 8) for _, v in train["batch_learning_rate"]} == {round(r, 8) for r in rates}


def test_tensorboard_logs_every_nth_batch_with_its_learning_rate(tmp_path):
    assert [schedules.tensorboard_every(steps) for steps in (4, 20, 391, 782)] == [1, 1, 19, 39]
    config = SEED.replace(lr_schedule="step", lr_drop_every=1, lr_drop_factor=0.5, precision="float32")
    model = build_model(config, 10, steps_per_epoch=40)
    rng = np.random.default_rng(0)
    x, y = rng.random((160, 32, 32, 3), dtype=np.float32), rng.integers(0, 10, 160)
    callback = schedules.tensorboard(str(tmp_path), steps_per_epoch=40)  # 40 batches of 4: every 2nd is logged
    model.fit(x, y, batch_size=4, epochs=2, validation_data=(x[:8], y[:8]), callbacks=[callback], verbose=0)
    logs = tensorboard_scalars(tmp_path)
    assert [step for step, _ in logs["train"]["batch_loss"]] == list(range(2, 81, 2))
    rates = dict(logs["train"]["batch_learning_rate"])  # the rate after each logged batch
    assert sorted(rates) == list(range(2, 81, 2))
    assert (rates[38], rates[40], rates[78], rates[80]) == pytest.approx((0.001, 0.0005, 0.0005, 0.00025))
    assert len(logs["train"]["epoch_learning_rate"]) == len(logs["validation"]["epoch_loss"]) == 2


# --- the pages ---------------------------------------------------------------------------------------


def test_train_form_enables_each_schedule_setting_where_it_acts():
    at = app_at("pages/train.py")
    assert picker(at, "hp_preset").value == "seed"  # the new fields' defaults are the seed's
    assert at.number_input(key="hp_lr_drop_every").disabled and at.number_input(key="hp_lr_patience").disabled
    assert at.selectbox(key="hp_monitor").disabled  # nothing watches a metric yet
    at.radio(key="hp_lr_schedule").set_value("step").run()
    assert not at.number_input(key="hp_lr_drop_every").disabled and at.number_input(key="hp_lr_patience").disabled
    at.radio(key="hp_lr_schedule").set_value("plateau").run()
    assert not at.number_input(key="hp_lr_patience").disabled and not at.selectbox(key="hp_monitor").disabled
    at.number_input(key="hp_early_stopping").set_value(3).run()
    at.toggle(key="hp_restore_best").set_value(True).run()
    assert picker(at, "hp_preset").value == "custom"
    assert not at.error and not at.exception


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_watching_validation_loss_without_validation_is_explained(lang):
    at = app_at("pages/train.py", lang=lang)
    at.number_input(key="hp_early_stopping").set_value(2).run()
    at.radio(key="hp_validation").set_value("none").run()
    text = {"en": en, "zh": zh}[lang]
    assert any(e.value.startswith(text("train.monitor") + ("：" if lang == "zh" else ":")) for e in at.error)
    assert next(b for b in at.button if b.key == "start").disabled
    at.selectbox(key="hp_monitor").set_value("loss").run()
    assert not at.error


def vega_charts(at) -> list[tuple[dict, pd.DataFrame]]:
    """(spec, data) of each Vega-Lite chart on the page, as the browser receives them."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return [
        (json.loads(chart.proto.spec), convert_arrow_bytes_to_pandas_df(chart.proto.data.data))
        for chart in at.get("vega_lite_chart")
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_finished_run_shows_where_it_stopped_and_which_weights_it_kept(early_stopped, lang):
    store, trainer, _ = early_stopped
    info = store.load(trainer.info.run_id)
    at = app_at("pages/train.py", lang=lang, owner=OWNER, session={"job_id": info.run_id})
    text = {"en": en, "zh": zh}[lang]
    (loss_spec, loss_data), (_, accuracy_data) = vega_charts(at)
    assert loss_spec["resolve"] == {"scale": {"y": "independent"}}
    assert loss_spec["layer"][1]["encoding"]["y"]["title"] == text("chart.learning_rate")
    for data in (loss_data, accuracy_data):
        marks = data[data.series.isin(["stopped", "kept"])]
        assert marks[["series", "epoch", "note"]].values.tolist() == [
            ["stopped", info.stopped_epoch, text("chart.stopped")],
            ["kept", info.best_epoch, text("chart.kept").format(epoch=info.best_epoch)],
        ]
    rates = loss_data[loss_data.series == text("chart.learning_rate")]
    assert len(rates) > info.stopped_epoch and rates.value.tolist() == pytest.approx(
        [OVERFITS.learning_rate] * len(rates)
    )
    said = text(
        "msg.schedules.early_stopped_kept",
        monitor="val_loss",
        patience=OVERFITS.early_stopping,
        epoch=info.stopped_epoch,
        best=info.best_epoch,
    )
    assert said in [shown_text(i.value) for i in at.info]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_runs_page_offers_the_tensorboard_command(early_stopped, lang):
    store, trainer, _ = early_stopped
    at = app_at("pages/runs.py", lang=lang, owner=OWNER)
    text = {"en": en, "zh": zh}[lang]
    assert text("runs.tensorboard") in [e.label for e in at.expander]
    commands = [c.value for c in at.code]
    assert f"tensorboard --logdir {store.root.resolve()}" in commands
    run_folder = store.path(trainer.info.run_id).resolve() / schedules.TENSORBOARD_DIR
    assert f"tensorboard --logdir {run_folder}" in commands
    assert text("runs.tensorboard_intro") in [m.value for m in at.markdown]


def test_old_batch_points_and_progress_events_fold_as_before():
    record = Progress("r" * 16).apply({"kind": "update", "fields": {"stopped_epoch": 5, "best_epoch": 2}})
    point = {"epoch": 0.5, "loss": 1.0, "accuracy": 0.5, "epoch_index": 0, "step": 2}
    record = record.apply({"kind": "batch", "point": point})  # a worker from before sends no rate
    assert (record.stopped_epoch, record.best_epoch, record.batches[0].learning_rate) == (5, 2, None)
    assert dataclasses.astuple(record.batches[0])[-1] is None


# --- in Chromium ---------------------------------------------------------------------------------------


def tallest_rule(png: bytes, colour: str, strength: float = 0.6, residual: float = 30) -> int:
    """The most pixels in any one column drawn in `colour` ("#rrggbb") on the white chart: a pixel
    counts when it is `colour` blended with white at `strength` or more (the anti-aliased core of a
    thin line is), so a vertical rule in that colour counts its height whatever the screenshot's
    size, while other colours, and greys paler than `strength` (Vega's axis lines), do not."""
    import io

    from PIL import Image

    ink = 255.0 - np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)  # distance from white
    pixels = 255.0 - np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    amount = pixels @ ink / (ink @ ink)  # how much of `colour` each pixel holds, along its direction
    off = np.linalg.norm(pixels - amount[..., None] * ink, axis=-1)  # what the pixel holds of other colours
    drawn = (amount >= strength) & (off <= residual)
    return int(drawn.sum(axis=0).max())


@pytest.mark.browser
def test_chromium_draws_the_rate_axis_and_the_marks(early_stopped, tmp_path):
    """Vega-Lite checks the spec only in the browser: the nested layers with an independent y axis
    must draw, with the rate (green) and the early-stopping rule (red) on the loss chart."""
    from browser_support import Server, launch_chromium, settle, shoot
    from playwright.sync_api import expect, sync_playwright

    from ui.state import OWNER_COOKIE

    store, trainer, _ = early_stopped
    server = Server(tmp_path, extra_env={"CLASSIFIER_RUNS_DIR": str(store.root)}).start()
    try:
        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            context = chromium.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": OWNER_COOKIE, "value": OWNER, "url": server.url}])  # the run's owner
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{server.url}/train?run={trainer.info.run_id}")
            settle(page)
            charts_drawn = page.get_by_test_id("stVegaLiteChart")
            expect(charts_drawn).to_have_count(2)
            loss_chart = charts_drawn.first
            loss_chart.locator("canvas, svg").first.wait_for()
            info = store.load(trainer.info.run_id)
            values = {"monitor": "val_loss", "patience": 3, "epoch": info.stopped_epoch, "best": info.best_epoch}
            expect(page.get_by_text(en("msg.schedules.early_stopped_kept").format(**values))).to_be_visible()
            loss_chart.scroll_into_view_if_needed()
            page.wait_for_timeout(500)  # Vega draws on the next animation frames
            picture = loss_chart.screenshot()
            # The plot is about half the element's height, and a 4-on-3-off dashed rule covers 4/7 of it.
            least = loss_chart.bounding_box()["height"] / 5
            assert tallest_rule(picture, charts.MARK_STYLES["kept"][0]) > least
            assert tallest_rule(picture, charts.MARK_STYLES["stopped"][0]) > least
            assert not page.get_by_test_id("stException").count()
            shoot(page, "schedules-early-stopping-wide")
            page.set_viewport_size({"width": 420, "height": 900})
            page.goto(f"{server.url}/train?run={trainer.info.run_id}&lang=zh")
            settle(page)
            expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2)
            expect(page.get_by_text(zh("msg.schedules.early_stopped_kept").format(**values))).to_be_visible()
            shoot(page, "schedules-early-stopping-narrow-zh")
            chromium.close()
    finally:
        server.stop()
