"""The Train page's form: hyperparameter widgets <-> a Config, in one place.

Every widget keeps its value in st.session_state under `hp_<field>` (the Config's own field
names), so a preset, a lesson or a resumed run sets the form by writing a Config into it, and
the form reads back as a Config that validates itself. Every limit comes from
`classifier.config.LIMITS`, the package's one table.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from classifier import config as cfg
from classifier.config import Config
from ui import state, widgets
from ui.i18n import TEXT, labels, t


def _within(name: str, options: tuple) -> tuple:
    low, high = cfg.LIMITS[name]
    return tuple(option for option in options if low <= option <= high)


# The choices a slider offers, trimmed to what the Config accepts.
LEARNING_RATES = _within(
    "learning_rate", (1e-5, 3e-5, 1e-4, 3e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
)
BATCH_SIZES = _within("batch_size", (8, 16, 32, 64, 128, 256, 512))
KERNEL_SIZES = _within("kernel_size", (1, 3, 5, 7))
CONVS_PER_BLOCK = tuple(range(int(cfg.LIMITS["convs_per_block"][0]), int(cfg.LIMITS["convs_per_block"][1]) + 1))
UPLOAD = "upload"
PRESET = "hp_preset"  # the preset control's key, followed by "@" and the preset it shows
FORM_READY = "hp_form_ready"  # set once a session's form holds the seed network
CUSTOM = "custom"  # the preset control's label once the settings match no preset
LESSON = "lesson"  # the classifier.lessons.Lesson this session follows (ui/lessons.py sets it)


def _high(name: str):
    return cfg.LIMITS[name][1]


def _low(name: str):
    return cfg.LIMITS[name][0]


# --- hyperparameters in session state -------------------------------------------------------


def apply_config(config: Config) -> None:
    """Put every field of `config` into the widgets' session state."""
    values = config.to_dict()
    for name in ("dataset", "limit", "conv_filters", "pool_after"):
        values.pop(name)
    for name, value in values.items():
        st.session_state[f"hp_{name}"] = list(value) if isinstance(value, tuple) else value
    st.session_state.hp_blocks = len(config.conv_filters)
    for i, (filters, pool) in enumerate(zip(config.conv_filters, config.pool_after)):
        st.session_state[f"hp_filters_{i}"] = filters
        st.session_state[f"hp_pool_{i}"] = pool
    if config.dataset in ("cifar10", "shapes"):
        st.session_state.hp_dataset = config.dataset
    st.session_state.hp_limit = config.limit or 0


PRESET_SWITCHED_DATA = "hp_preset_switched_data"  # a preset just changed the data set: said once


def _apply_preset(name: str) -> None:
    if name not in cfg.PRESETS:
        return
    before = st.session_state.get("hp_dataset")
    apply_config(cfg.PRESETS[name])
    after = st.session_state.get("hp_dataset")
    if before != after:  # e.g. the quick demo trains on shapes: never switch the data set silently
        st.session_state[PRESET_SWITCHED_DATA] = (name, after)


def shown_preset() -> str:
    """The preset the settings are, apart from the number of epochs (a seed network trained for 2
    epochs is still the seed network), or "custom" once they match none."""
    try:
        return cfg.preset_apart_from_epochs(current_config()) or CUSTOM
    except ValueError:
        return CUSTOM


def preset_caption(shown: str) -> str:
    """What the shown preset promises: its own help for its exact settings; for other epochs, which
    network it is and that its accuracy figure is for its own epochs (a preset's promise ("about 70%
    on CIFAR-10 after 10 epochs") is never shown for other settings)."""
    if shown == CUSTOM:
        return t("preset.custom.help")
    planned = cfg.PRESETS[shown].epochs
    epochs = st.session_state.get("hp_epochs", planned)
    if epochs == planned:
        return t(f"preset.{shown}.help")
    return t("preset.epochs_variant.help", preset=t(f"preset.{shown}"), epochs=epochs, planned=planned)


def waiting_for_zip() -> bool:
    """ "My zip" chosen and nothing uploaded yet: nothing is wrong, the student has a step to do."""
    return st.session_state.hp_dataset == UPLOAD and not st.session_state.get(state.UPLOADED_DATASET)


def ensure_defaults() -> None:
    """A new session's form: the seed network, as the tutorial wrote it."""
    if FORM_READY not in st.session_state:
        st.session_state[FORM_READY] = True
        apply_config(cfg.SEED)


def _blocks_changed() -> None:
    for i in range(st.session_state.hp_blocks):
        st.session_state.setdefault(f"hp_filters_{i}", 64)
        st.session_state.setdefault(f"hp_pool_{i}", False)


def current_config() -> Config:
    """The Config the widgets describe; raises ValueError naming the field when invalid."""
    s = st.session_state
    blocks = s.hp_blocks
    dataset = s.get(state.UPLOADED_DATASET) if s.hp_dataset == UPLOAD else s.hp_dataset
    if not dataset:
        raise ValueError(t("train.no_upload"))
    values = {f.name: s[f"hp_{f.name}"] for f in dataclasses.fields(Config) if f"hp_{f.name}" in s}
    values.update(
        dataset=dataset,
        limit=s.hp_limit or None,
        conv_filters=tuple(int(s[f"hp_filters_{i}"]) for i in range(blocks)),
        pool_after=tuple(bool(s[f"hp_pool_{i}"]) for i in range(blocks)),
        augmentation=tuple(s.hp_augmentation or ()),
    )
    config = Config.from_dict(values)
    lesson = s.get(LESSON)
    return lesson.enforce(config) if lesson is not None else config  # locked values, whatever was sent


def set_field(name: str, value) -> None:
    """Change one field of the form (a lesson's choice), keeping the others."""
    try:
        config = current_config()
    except ValueError:
        return
    apply_config(config.replace(**{name: value}))


def field_label(name: str) -> str:
    """A Config field as its control is labelled."""
    return t(f"train.{name}") if f"train.{name}" in TEXT else name


# --- a lesson's locked and hidden controls ---------------------------------------------------------

LOCKED, HIDDEN = "locked", "hidden"
_KEY_FIELDS = {"hp_blocks": "conv_filters", "dataset_zip": "dataset"}


def lesson_rule(key: str | None) -> str | None:
    """What the active lesson does to the control with this key: LOCKED (drawn disabled), HIDDEN
    (not drawn; its value stays), or None. A field the lesson offers as a choice is drawn in the
    lesson's panel instead, so it is hidden here; the preset control is hidden in any lesson."""
    lesson = st.session_state.get(LESSON)
    if lesson is None or key is None:
        return None
    if key == PRESET:
        return HIDDEN
    name = _KEY_FIELDS.get(key) or key.removeprefix("hp_")
    for prefix, field in (("hp_filters_", "conv_filters"), ("hp_pool_", "pool_after")):
        if key.startswith(prefix):
            name = field
    if name in lesson.choices:
        return HIDDEN
    if name in lesson.locked or (key == "hp_blocks" and "pool_after" in lesson.locked):
        return HIDDEN if lesson.hide_locked else LOCKED
    return None


class _Controls:
    """Draws widgets into `target` (st, or a column) the way the active lesson says: a locked
    field's control disabled, a hidden one not drawn. Keys name the fields (`hp_<field>`)."""

    def __init__(self, target):
        self._target = target

    def __getattr__(self, name: str):
        draw = getattr(self._target, name)

        def control(*args, key=None, **kwargs):
            rule = lesson_rule(key)
            if rule == HIDDEN:
                return st.session_state.get(key)
            if rule == LOCKED:
                kwargs["disabled"] = True
            return draw(*args, key=key, **kwargs)

        return control


_form = _Controls(st)


def _columns(*args, **kwargs) -> list[_Controls]:
    return [_Controls(column) for column in st.columns(*args, **kwargs)]


# --- the form --------------------------------------------------------------------------------


def preset_section() -> None:
    if st.session_state.get(LESSON) is not None:
        return  # a preset would overwrite the lesson's locked settings
    shown = shown_preset()
    widgets.derived_picker(
        t("train.preset"),
        [*cfg.PRESET_NAMES, CUSTOM],
        shown,
        _apply_preset,
        key=PRESET,
        format_func=labels("preset", (*cfg.PRESET_NAMES, CUSTOM)).get,
    )
    st.caption(preset_caption(shown))
    switched = st.session_state.pop(PRESET_SWITCHED_DATA, None)
    if switched:
        name, dataset = switched
        st.info(
            t("preset.switched_data", preset=t(f"preset.{name}"), dataset=t(f"data.{dataset}")),
            icon=":material/swap_horiz:",
        )


def data_section() -> None:
    options = ["cifar10", "shapes", UPLOAD]
    _form.radio(
        t("train.dataset"),
        options,
        key="hp_dataset",
        format_func=labels("data", options).get,
        horizontal=True,
        persist_state="session",
    )
    if st.session_state.hp_dataset == UPLOAD:
        upload = _form.file_uploader(
            t("train.upload_zip"), type=["zip"], key="dataset_zip", help=t("train.upload_help")
        )
        if upload is not None and st.session_state.get("uploaded_name") != upload.file_id:
            st.session_state[state.UPLOADED_DATASET] = str(state.save_upload(upload.getvalue(), ".zip"))
            st.session_state.uploaded_name = upload.file_id
            st.session_state[state.UPLOADED_LABEL] = upload.name  # shown in messages instead of the stored name
    _form.number_input(
        t("train.limit"),
        min_value=0,
        max_value=int(_high("limit")),
        step=500,
        key="hp_limit",
        help=t("train.limit_help"),
        persist_state="session",
    )


def network_section() -> None:
    low, high = _low("conv_filters"), _high("conv_filters")
    _form.number_input(
        t("train.blocks"), 1, cfg.MAX_BLOCKS, key="hp_blocks", on_change=_blocks_changed, persist_state="session"
    )
    for i in range(st.session_state.hp_blocks):
        left, right = _columns([3, 2], vertical_alignment="bottom")
        left.number_input(
            t("train.block_filters", block=i + 1), int(low), int(high), key=f"hp_filters_{i}", persist_state="session"
        )
        right.checkbox(t("train.block_pool"), key=f"hp_pool_{i}", persist_state="session")
    left, right = _columns(2)
    left.select_slider(t("train.kernel_size"), options=KERNEL_SIZES, key="hp_kernel_size", persist_state="session")
    right.select_slider(
        t("train.convs_per_block"), options=CONVS_PER_BLOCK, key="hp_convs_per_block", persist_state="session"
    )
    left.radio(
        t("train.padding"),
        cfg.PADDINGS,
        key="hp_padding",
        horizontal=True,
        persist_state="session",
        format_func=labels("padding", cfg.PADDINGS).get,
    )
    right.selectbox(t("train.activation"), cfg.ACTIVATIONS, key="hp_activation", persist_state="session")
    left.toggle(t("train.batch_norm"), key="hp_batch_norm", persist_state="session")
    right.radio(
        t("train.head"), cfg.HEADS, key="hp_head", format_func=labels("head", cfg.HEADS).get, persist_state="session"
    )
    left.number_input(
        t("train.dense_units"),
        int(_low("dense_units")),
        int(_high("dense_units")),
        step=16,
        key="hp_dense_units",
        persist_state="session",
    )
    right.slider(
        t("train.dropout"),
        float(_low("dropout")),
        float(_high("dropout")),
        step=0.05,
        key="hp_dropout",
        persist_state="session",
    )


def training_section() -> None:
    left, right = _columns(2)
    left.selectbox(t("train.optimizer"), cfg.OPTIMIZERS, key="hp_optimizer", persist_state="session")
    right.select_slider(
        t("train.learning_rate"),
        LEARNING_RATES,
        key="hp_learning_rate",
        format_func=lambda v: f"{v:g}",
        persist_state="session",
    )
    left.select_slider(t("train.batch_size"), BATCH_SIZES, key="hp_batch_size", persist_state="session")
    right.number_input(
        t("train.epochs"), int(_low("epochs")), int(_high("epochs")), key="hp_epochs", persist_state="session"
    )
    left.radio(
        t("train.lr_schedule"),
        cfg.SCHEDULES,
        key="hp_lr_schedule",
        horizontal=True,
        format_func=labels("schedule", cfg.SCHEDULES).get,
        persist_state="session",
    )
    right.number_input(
        t("train.warmup_epochs"),
        int(_low("warmup_epochs")),
        int(_high("warmup_epochs")),
        key="hp_warmup_epochs",
        persist_state="session",
        disabled=st.session_state.hp_lr_schedule != "cosine",
    )
    schedule_controls()
    left.number_input(
        t("train.momentum"),
        float(_low("momentum")),
        float(_high("momentum")),
        step=0.05,
        key="hp_momentum",
        disabled=st.session_state.hp_optimizer != "sgd",
        persist_state="session",
    )
    right.number_input(
        t("train.weight_decay"),
        float(_low("weight_decay")),
        float(_high("weight_decay")),
        step=0.0001,
        format="%.4f",
        key="hp_weight_decay",
        persist_state="session",
    )
    _form.pills(
        t("train.augmentation"),
        cfg.AUGMENTATIONS,
        selection_mode="multi",
        key="hp_augmentation",
        format_func=labels("augment", cfg.AUGMENTATIONS).get,
        persist_state="session",
    )
    left, right = _columns(2)
    left.radio(
        t("train.validation"),
        cfg.VALIDATIONS,
        key="hp_validation",
        format_func=labels("validation", cfg.VALIDATIONS).get,
        persist_state="session",
    )
    right.number_input(
        t("train.holdout_fraction"),
        float(_low("holdout_fraction")),
        float(_high("holdout_fraction")),
        step=0.05,
        key="hp_holdout_fraction",
        disabled=st.session_state.hp_validation != "holdout",
        persist_state="session",
    )
    right.number_input(
        t("train.random_seed"),
        int(_low("random_seed")),
        int(_high("random_seed")),
        key="hp_random_seed",
        persist_state="session",
    )
    right.radio(
        t("train.tta"),
        cfg.TTA_CHOICES,
        key="hp_tta",
        format_func=labels("tta", cfg.TTA_CHOICES).get,
        help=t("train.tta_help"),
        persist_state="session",
    )
    left.radio(
        t("train.precision"),
        cfg.PRECISIONS,
        key="hp_precision",
        horizontal=True,
        format_func=labels("precision", cfg.PRECISIONS).get,
        help=t("train.precision_help"),
        persist_state="session",
    )


def schedule_controls() -> None:
    """The step and plateau schedules' settings, and early stopping: each enabled only where it acts."""
    s = st.session_state
    schedule = s.get("hp_lr_schedule")
    left, right = _columns(2)  # a lesson's locks apply to these controls too
    left.number_input(
        t("train.lr_drop_factor"),
        float(_low("lr_drop_factor")),
        float(_high("lr_drop_factor")),
        step=0.05,
        key="hp_lr_drop_factor",
        help=t("train.lr_drop_factor_help"),
        disabled=schedule not in ("step", "plateau"),
        persist_state="session",
    )
    right.number_input(
        t("train.lr_drop_every"),
        int(_low("lr_drop_every")),
        int(_high("lr_drop_every")),
        key="hp_lr_drop_every",
        disabled=schedule != "step",
        persist_state="session",
    )
    left.number_input(
        t("train.lr_patience"),
        int(_low("lr_patience")),
        int(_high("lr_patience")),
        key="hp_lr_patience",
        help=t("train.lr_patience_help"),
        disabled=schedule != "plateau",
        persist_state="session",
    )
    right.number_input(
        t("train.early_stopping"),
        int(_low("early_stopping")),
        int(_high("early_stopping")),
        key="hp_early_stopping",
        help=t("train.early_stopping_help"),
        persist_state="session",
    )
    watching = s.get("hp_early_stopping") or s.get("hp_restore_best") or schedule == "plateau"
    left.selectbox(
        t("train.monitor"),
        cfg.MONITORS,
        key="hp_monitor",
        format_func=labels("monitor", cfg.MONITORS).get,
        help=t("train.monitor_help"),
        disabled=not watching,
        persist_state="session",
    )
    _form.toggle(  # the whole width: in half of it the label was cut to "Keep the best epoch's w…"
        t("train.restore_best"), key="hp_restore_best", help=t("train.restore_best_help"), persist_state="session"
    )
