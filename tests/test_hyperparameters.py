"""Every hyperparameter declared once (classifier/core/config.py): each field has its label in both
languages, a control on the Train form, a row in the readable settings, a CLI flag, a place in
lessons and the epoch estimate; the form, the rows and validation agree on when a setting applies.
Label smoothing, the field added to prove it, trains, resumes, and leaves everything else as it was."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading

import keras
import numpy as np
import pytest
from app_support import app_at
from engine_support import train_in_this_process

from classifier import cli
from classifier.cli import sweep as sweep_command
from classifier.core import config as cfg
from classifier.core import machine
from classifier.core.config import PRESETS, SEED, Config, ConfigError
from classifier.core.model import build_model, resolved_precision
from classifier.core.runs import RunStore
from classifier.engine import LocalEngine
from classifier.teach import lessons
from classifier.training import estimate
from ui import train_form
from ui.config_rows import config_rows
from ui.i18n import TEXT, t

NOT_ON_THE_FORM = {"train_fraction"}
CONTROLS = (
    "number_input",
    "slider",
    "select_slider",
    "selectbox",
    "radio",
    "toggle",
)  # set by a lesson's choice, `sweep` or --train-fraction only


def test_every_field_is_declared_and_labelled_in_both_languages():
    assert list(cfg.SPECS) == [f for f in Config.__dataclass_fields__]
    for name, spec in cfg.SPECS.items():
        assert spec.group in cfg.GROUPS, name
        for key in (f"train.{name}", f"train.{name}_help"):
            if key.endswith("_help") and key not in TEXT:
                continue  # help is optional; a label is not
            assert TEXT[key]["en"].strip() and TEXT[key]["zh"].strip(), key
        if spec.kind in ("int", "float"):
            assert spec.low <= (spec.default if spec.default is not None else spec.low) <= spec.high, name
        if spec.kind in ("choice", "choices"):
            assert spec.choices and all(f"{spec.option_labels}.{c}" in TEXT for c in spec.choices if spec.option_labels)
    assert "train.label_smoothing_help" in TEXT  # an unfamiliar setting says what it does


def test_every_field_has_a_control_on_the_train_form():
    for name, spec in cfg.SPECS.items():
        if name in NOT_ON_THE_FORM:
            assert spec.widget is None
            continue
        assert spec.widget in cfg.WIDGETS or spec.widget in train_form._COMPOSITES, name
        assert spec.column in ("left", "right", "wide"), name
    at = app_at("pages/train.py")
    keys = {w.key for kind in CONTROLS + ("checkbox", "pills") for w in getattr(at, kind) if w.key}
    drawn = {key.removeprefix("hp_") for key in keys if key.startswith("hp_")}
    if {"blocks", "filters_0", "pool_0"} <= drawn:  # the composite control of the convolution blocks
        drawn |= {"conv_filters", "pool_after"}
    assert set(cfg.SPECS) - NOT_ON_THE_FORM <= drawn
    assert at.slider(key="hp_label_smoothing").value == 0.0  # the seed network's


def test_every_field_has_a_readable_row():
    everything = SEED.replace(
        optimizer="sgd", validation="holdout", lr_schedule="step", early_stopping=2, label_smoothing=0.1
    )
    labels = {label for label, _ in config_rows(everything)}
    for name in cfg.SPECS:
        if name in ("conv_filters", "pool_after"):
            assert t("train.blocks") in labels and t("train.block_filters", block=1) in labels
        elif cfg.applies(name, everything):
            assert t(f"train.{name}") in labels, name
    assert dict(config_rows(everything))[t("train.label_smoothing")] == "0.1"


def _other_value(spec: cfg.Hyperparameter) -> tuple[str, object]:
    """A valid value other than the default, as typed on the command line and as the Config holds it."""
    if spec.kind == "bool":
        return "", not spec.default
    if spec.kind == "choice":
        value = next(c for c in spec.choices if c != spec.default)
        return value, value
    if spec.kind == "choices":
        return spec.choices[-1], (spec.choices[-1],)
    if spec.kind == "text":
        return "shapes", "shapes"
    if spec.name == "conv_filters":
        return "16,32,64", (16, 32, 64)
    if spec.name == "pool_after":
        return "no,yes,no", (False, True, False)
    if spec.kind == "int":
        value = spec.low if spec.default is None else spec.default + 1
        return str(value), value
    value = round((spec.low + spec.high) / 2, 3)
    value = spec.low if value == spec.default else value
    return str(value), value


@pytest.mark.parametrize("name", list(cfg.SPECS))
def test_every_field_has_a_cli_flag(name):
    spec = cfg.SPECS[name]
    parser = cli.build_parser()
    flag = "--" + name.replace("_", "-")
    argv = ["train", flag] if spec.kind == "bool" else ["train", flag, _other_value(spec)[0]]
    config = cfg.config_from_args(parser.parse_args(argv))
    assert getattr(config, name) == _other_value(spec)[1]
    assert config.replace(**{name: spec.default}) == SEED  # nothing else moved


@pytest.mark.parametrize("name", list(cfg.SPECS))
def test_every_field_but_the_varied_two_has_a_sweep_flag(name):
    """The sweep command's flags come from the declarations too: all but the two it sets per point."""
    spec = cfg.SPECS[name]
    parser = cli.build_parser()
    flag = "--" + name.replace("_", "-")
    if name in sweep_command.VARIED:
        with pytest.raises(SystemExit):
            parser.parse_args(["sweep", flag, _other_value(spec)[0]])
        return
    argv = ["sweep", flag] if spec.kind == "bool" else ["sweep", flag, _other_value(spec)[0]]
    config = cfg.config_from_args(parser.parse_args(argv))
    assert getattr(config, name) == _other_value(spec)[1]
    assert config.replace(**{name: spec.default}) == SEED  # nothing else moved


def test_the_sweep_command_keeps_its_old_defaults():
    parser = cli.build_parser()
    assert cfg.config_from_args(parser.parse_args(["sweep"])) == SEED
    # cifar10 unless --dataset says otherwise, even from the shapes preset (as before the flags were derived)
    assert cfg.config_from_args(parser.parse_args(["sweep", "--preset", "quick"])).dataset == "cifar10"
    args = parser.parse_args(["sweep", "--epochs", "2", "--limit", "120", "--dataset", "shapes"])
    assert (args.fractions, args.augment) == ("0.02,0.05,0.1,0.25,0.5,1", "none")
    assert cfg.config_from_args(args) == SEED.replace(epochs=2, limit=120, dataset="shapes")


def test_lessons_offer_exactly_the_declared_choices_and_each_opens_in_a_link():
    assert {name: spec.offer for name, spec in cfg.SPECS.items() if spec.offer} == lessons.OFFERABLE
    assert list(lessons.OFFERABLE) == ["train_fraction", "learning_rate"]  # the two offered before
    for name, values in lessons.OFFERABLE.items():
        for value in values:
            SEED.replace(**{name: value})  # every offered value is a valid setting
        lesson = lessons.Lesson.from_config(SEED, choices={name: values})
        assert lessons.open_link(lesson.token()).choices[name] == values
    at = app_at("pages/train.py")  # the teacher's panel draws one picker per offerable field
    pickers = {w.key for w in at.multiselect if w.key and w.key.startswith("teach_choice_")}
    assert pickers == {f"teach_choice_{name}" for name in lessons.OFFERABLE}


def test_a_new_field_reaches_the_sweep_flags_and_the_lesson_choices_by_its_declaration_alone(monkeypatch):
    """A field declared once (here added to a Config of the test's own) is a sweep flag and, when
    it declares values to offer, a lesson choice, with no edit anywhere else."""
    grown = dataclasses.make_dataclass(
        "Grown",
        [("mixup", "float", cfg.hp(0.0, low=0.0, high=1.0, group="augmentation", offer=(0.0, 0.2, 0.4)))],
        bases=(Config,),
        frozen=True,
    )
    specs = cfg._declarations(grown)
    assert cfg.offered(specs) == {**cfg.OFFERABLE, "mixup": (0.0, 0.2, 0.4)}
    monkeypatch.setattr(cfg, "SPECS", specs)
    args = cli.build_parser().parse_args(["sweep", "--mixup", "0.2", "--epochs", "3"])
    assert (args.mixup, args.epochs) == (0.2, 3)
    assert cli.build_parser().parse_args(["train", "--mixup", "0.4"]).mixup == 0.4


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"optimizer": "sgd", "lr_schedule": "cosine", "warmup_epochs": 2},
        {"lr_schedule": "step", "validation": "holdout"},
        {"lr_schedule": "plateau", "early_stopping": 3, "restore_best": True},
    ],
)
def test_the_form_disables_exactly_what_the_rows_leave_out(changes):
    """One rule (config.applies): the controls the form disables are the settings the rows omit."""
    config = SEED.replace(dataset="shapes", **changes)
    session = {train_form.FORM_READY: True, "hp_blocks": len(config.conv_filters), "hp_limit": 0}
    for name, value in config.to_dict().items():
        if name not in ("conv_filters", "pool_after", "limit"):
            session[f"hp_{name}"] = list(value) if isinstance(value, tuple) else value
    for i, (filters, pool) in enumerate(zip(config.conv_filters, config.pool_after)):
        session[f"hp_filters_{i}"], session[f"hp_pool_{i}"] = filters, pool
    at = app_at("pages/train.py", session=session)
    widgets = [w for kind in CONTROLS for w in getattr(at, kind)]
    disabled = {w.key.removeprefix("hp_") for w in widgets if w.key and w.key.startswith("hp_") and w.disabled}
    shown = {label for label, _ in config_rows(config)}
    omitted = {name for name in cfg.SPECS if name not in ("conv_filters", "pool_after")}
    omitted = {name for name in omitted if t(f"train.{name}") not in shown}
    assert disabled == omitted == {name for name in cfg.SPECS if not cfg.applies(name, config)}
    assert disabled, "each case leaves some setting unused"


def test_lessons_lock_the_declared_fields_and_old_links_still_open():
    assert tuple(cfg.SPECS) == cfg.LOCKABLE  # every field today; a field may opt out with lockable=False
    seed_lesson = lessons.builtin("seed").lesson
    assert set(seed_lesson.locked) == set(cfg.LOCKABLE) and "label_smoothing" in seed_lesson.locked
    # A link handed out before label smoothing existed opens with it off (the preset's value).
    lesson = lessons.open_link(lessons.builtin("learning_rate").lesson.token())
    assert lesson.config.label_smoothing == 0.0
    student = lesson.config.replace(label_smoothing=0.2)
    assert lesson.enforce(student).label_smoothing == 0.0  # locked: the lesson's value wins


def test_the_estimate_key_leaves_out_exactly_the_fields_that_do_not_change_step_time():
    config = SEED.replace(dataset="shapes")
    # The key as written before the declarations (so every estimate cached before stays valid).
    before = {
        name: value
        for name, value in config.to_dict().items()
        if name not in ("dataset", "limit", "epochs", "learning_rate", "random_seed", "validation", "holdout_fraction")
        and name != "label_smoothing"
    }
    before.update(
        precision=resolved_precision(config),
        classes=10,
        cpu=machine.cpu_name(),
        cores=machine.usable_cores(),
        step_version=estimate.STEP_VERSION,
    )
    assert (
        estimate.cache_key(config, 10) == hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()[:20]
    )
    for name in cfg.SPECS:
        value = _other_value(cfg.SPECS[name])[1]
        if name == "precision":  # a choice this machine really computes differently (auto is float32 on AVX2-only)
            value = next(
                c
                for c in cfg.SPECS[name].choices
                if resolved_precision(config.replace(precision=c)) != before["precision"]
            )
        try:
            other = config.replace(**{name: value})
        except ConfigError:
            continue
        assert (estimate.cache_key(other, 10) == estimate.cache_key(config, 10)) == (name in cfg.NOT_STEP_TIME), name


def test_presets_compare_a_set_in_any_order_and_label_smoothing_is_off_in_every_preset():
    for name, preset in PRESETS.items():
        assert preset.label_smoothing == 0.0 and cfg.matching_preset(preset) == name
    strong = PRESETS["strong"]
    assert cfg.matching_preset(strong.replace(augmentation=tuple(reversed(strong.augmentation)))) == "strong"
    assert cfg.matching_preset(strong.replace(label_smoothing=0.1)) is None
    with pytest.raises(ConfigError) as caught:
        SEED.replace(label_smoothing=0.5)
    assert (caught.value.message.code, caught.value.message.params["field"]) == ("config.range", "label_smoothing")


# --- label smoothing, trained --------------------------------------------------------------------------


def test_label_smoothing_is_kerass_smoothed_cross_entropy_on_integer_labels():
    assert build_model(SEED).loss == "sparse_categorical_crossentropy"  # the seed program's loss, untouched
    model = build_model(SEED.replace(label_smoothing=0.2, dataset="shapes"), num_classes=6)
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(6), size=8).astype("float32")
    labels = rng.integers(0, 6, size=8)
    ours = float(model.loss(labels, probabilities))
    reference = keras.losses.CategoricalCrossentropy(label_smoothing=0.2)(np.eye(6)[labels], probabilities)
    plain = keras.losses.SparseCategoricalCrossentropy()(labels, probabilities)
    assert ours == pytest.approx(float(reference), rel=1e-5) and abs(ours - float(plain)) > 1e-3


def test_a_label_smoothed_run_trains_and_resumes_in_a_new_process(tmp_path):
    store = RunStore(tmp_path / "runs")
    config = SEED.replace(dataset="shapes", limit=60, epochs=2, batch_size=16, label_smoothing=0.1)

    def stop_after_first_epoch(event, stop: threading.Event):
        if event.get("kind") == "epoch":
            stop.set()

    trainer, _ = train_in_this_process(store, config, on_event=stop_after_first_epoch)
    run_id = trainer.info.run_id
    assert store.load(run_id).epochs_completed == 1
    resumed = LocalEngine(store, keep_spare=False).resume(run_id)  # a fresh worker process loads the checkpoint
    assert resumed.wait(240)
    assert resumed.snapshot().status == "finished", resumed.snapshot().reason
    assert store.load(run_id).epochs_completed == 2 and store.load(run_id).config.label_smoothing == 0.1
