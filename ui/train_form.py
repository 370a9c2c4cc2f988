"""The Train page's form: hyperparameter widgets <-> a Config, in one place.

Every widget keeps its value in st.session_state under `hp_<field>` (the Config's own field
names), so a preset, a lesson or a resumed run sets the form by writing a Config into it, and
the form reads back as a Config that validates itself. Each control is derived from its field's
declaration in classifier/core/config.py (widget, bounds, choices, place, when it applies).
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from classifier.core import config as cfg
from classifier.core.config import Config
from ui import state, widgets
from ui.i18n import TEXT, labels, t

UPLOAD = "upload"
PRESET = "hp_preset"  # the preset control's key, followed by "@" and the preset it shows
FORM_READY = "hp_form_ready"  # set once a session's form holds the seed network
CUSTOM = "custom"  # the preset control's label once the settings match no preset
LESSON = "lesson"  # the classifier.teach.lessons.Lesson this session follows (ui/lessons.py sets it)


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
    _draw_group("data")


def network_section() -> None:
    _draw_group("network")


TRAINING_GROUPS = ("training", "schedule", "augmentation", "evaluation")


def training_section() -> None:
    for group in TRAINING_GROUPS:
        _draw_group(group)


def free_in_lesson(*groups: str) -> bool:
    """True when the open lesson lets students change a field of these groups: their section is
    then drawn open, so a student's one free setting is not hidden in a collapsed section."""
    lesson = st.session_state.get(LESSON)
    return lesson is not None and any(spec.name in lesson.free for group in groups for spec in cfg.group_fields(group))


class _FormValues:
    """The form's values as attributes, for `config.applies` (valid or not: the form may hold a
    value the Config would refuse while the student types)."""

    def __getattr__(self, name: str):
        return st.session_state.get(f"hp_{name}", cfg.SPECS[name].default)


def _draw_group(group: str) -> None:
    """A group's controls, each derived from its declaration in classifier/core/config.py: the left and
    right fields share one block of two columns; a wide one takes the whole width and ends the block."""
    columns, drawn = None, set()
    for spec in cfg.group_fields(group):
        if spec.widget is None or spec.widget in drawn:
            continue
        if spec.widget in _COMPOSITES:
            drawn.add(spec.widget)
            columns = None
            _COMPOSITES[spec.widget]()
        elif spec.column == "wide":
            columns = None
            _widget(_form, spec)
        else:
            if columns is None:
                columns = dict(zip(("left", "right"), _columns(2)))
            _widget(columns[spec.column], spec)


def _widget(target, spec: cfg.Hyperparameter) -> None:
    """One control as its declaration says: the label `train.<name>`, help `train.<name>_help` where
    there is one, disabled where the setting does not apply, the key `hp_<name>`."""
    name = spec.name
    options: dict = {"key": f"hp_{name}", "persist_state": "session"}
    if f"train.{name}_help" in TEXT:
        options["help"] = t(f"train.{name}_help")
    if spec.applies is not None:
        options["disabled"] = not cfg.applies(name, _FormValues())
    if spec.option_labels:
        options["format_func"] = labels(spec.option_labels, spec.choices).get
    number = int if spec.kind == "int" else float
    label = t(f"train.{name}")
    if spec.widget == "number":
        extra = {k: v for k, v in (("step", spec.step), ("format", spec.format)) if v is not None}
        target.number_input(label, number(spec.low), number(spec.high), **extra, **options)
    elif spec.widget == "slider":
        target.slider(label, number(spec.low), number(spec.high), step=spec.step, **options)
    elif spec.widget == "select_slider":
        stops = spec.stops or tuple(range(int(spec.low), int(spec.high) + 1))
        stops = tuple(stop for stop in stops if spec.low <= stop <= spec.high)
        if spec.kind == "float":
            options["format_func"] = lambda v: f"{v:g}"
        target.select_slider(label, options=stops, **options)
    elif spec.widget == "selectbox":
        target.selectbox(label, spec.choices, **options)
    elif spec.widget == "radio":
        target.radio(label, spec.choices, horizontal=spec.horizontal, **options)
    elif spec.widget == "toggle":
        target.toggle(label, **options)
    elif spec.widget == "pills":
        target.pills(label, spec.choices, selection_mode="multi", **options)
    else:
        raise ValueError(f"{name}: no widget {spec.widget!r}")


# --- the composite controls: a field whose control is more than one widget --------------------------


def _dataset_control() -> None:
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


def _limit_control() -> None:
    _form.number_input(  # 0 stands for None, "all"
        t("train.limit"),
        min_value=0,
        max_value=int(cfg.SPECS["limit"].high),
        step=500,
        key="hp_limit",
        help=t("train.limit_help"),
        persist_state="session",
    )


def _conv_blocks_control() -> None:
    """conv_filters and pool_after: how many blocks, then each block's filters and pooling."""
    low, high = cfg.LIMITS["conv_filters"]
    _form.number_input(
        t("train.blocks"), 1, cfg.MAX_BLOCKS, key="hp_blocks", on_change=_blocks_changed, persist_state="session"
    )
    for i in range(st.session_state.hp_blocks):
        left, right = _columns([3, 2], vertical_alignment="bottom")
        left.number_input(
            t("train.block_filters", block=i + 1), int(low), int(high), key=f"hp_filters_{i}", persist_state="session"
        )
        right.checkbox(t("train.block_pool"), key=f"hp_pool_{i}", persist_state="session")


# The composite controls by the widget name their fields declare.
_COMPOSITES = {"dataset": _dataset_control, "limit": _limit_control, "conv_blocks": _conv_blocks_control}
