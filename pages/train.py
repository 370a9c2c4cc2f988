"""Train: choose data and hyperparameters, start a run, watch it learn, see the results."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from classifier import config as cfg
from classifier.config import Config
from classifier.engine import smoothed_batches
from classifier.model import describe_layers, estimate_epoch_seconds
from classifier.runs import RunError
from ui import charts, require_app, state, widgets
from ui.i18n import class_names, format_duration, labels, t

require_app()

LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
UPLOAD = "upload"
CUSTOM = "custom"  # the preset control's label once the settings match no preset


# --- hyperparameters in session state -------------------------------------------------------


def _apply(config: Config) -> None:
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


def _apply_preset() -> None:
    if st.session_state.hp_preset in cfg.PRESETS:
        _apply(cfg.PRESETS[st.session_state.hp_preset])


def _show_matching_preset() -> None:
    """Highlight the preset the settings are, or "custom" once they match none, so a preset's
    promise ("about 70% on CIFAR-10 after 10 epochs") is never shown for other settings. Runs
    before the control is drawn (a widget's value cannot change after it is drawn)."""
    try:
        name = cfg.matching_preset(current_config())
    except ValueError:
        name = None
    st.session_state.hp_preset = name or CUSTOM


def waiting_for_zip() -> bool:
    """ "My zip" chosen and nothing uploaded yet: nothing is wrong, the student has a step to do."""
    return st.session_state.hp_dataset == UPLOAD and not st.session_state.get("uploaded_dataset")


def _defaults() -> None:
    if "hp_preset" not in st.session_state:
        st.session_state.hp_preset = "seed"
        _apply(cfg.SEED)


def _blocks_changed() -> None:
    for i in range(st.session_state.hp_blocks):
        st.session_state.setdefault(f"hp_filters_{i}", 64)
        st.session_state.setdefault(f"hp_pool_{i}", False)


def current_config() -> Config:
    """The Config the widgets describe; raises ValueError naming the field when invalid."""
    s = st.session_state
    blocks = s.hp_blocks
    dataset = s.get("uploaded_dataset") if s.hp_dataset == UPLOAD else s.hp_dataset
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
    return Config.from_dict(values)


# --- the form --------------------------------------------------------------------------------


def data_section() -> None:
    options = ["cifar10", "shapes", UPLOAD]
    st.radio(
        t("train.dataset"),
        options,
        key="hp_dataset",
        format_func=labels("data", options).get,
        horizontal=True,
        persist_state="session",
    )
    if st.session_state.hp_dataset == UPLOAD:
        upload = st.file_uploader(t("train.upload_zip"), type=["zip"], key="dataset_zip", help=t("train.upload_help"))
        if upload is not None and st.session_state.get("uploaded_name") != upload.file_id:
            st.session_state.uploaded_dataset = str(state.save_upload(upload.getvalue(), ".zip"))
            st.session_state.uploaded_name = upload.file_id
            st.session_state.uploaded_label = upload.name  # shown in messages instead of the stored name
    low, high = cfg.LIMITS["limit"]
    st.number_input(
        t("train.limit"),
        min_value=0,
        max_value=int(high),
        step=500,
        key="hp_limit",
        help=t("train.limit_help"),
        persist_state="session",
    )


def network_section() -> None:
    low, high = cfg.LIMITS["conv_filters"]
    st.number_input(
        t("train.blocks"), 1, cfg.MAX_BLOCKS, key="hp_blocks", on_change=_blocks_changed, persist_state="session"
    )
    for i in range(st.session_state.hp_blocks):
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.number_input(
            t("train.block_filters", block=i + 1), int(low), int(high), key=f"hp_filters_{i}", persist_state="session"
        )
        right.checkbox(t("train.block_pool"), key=f"hp_pool_{i}", persist_state="session")
    left, right = st.columns(2)
    left.select_slider(t("train.kernel_size"), options=[1, 3, 5, 7], key="hp_kernel_size", persist_state="session")
    right.select_slider(
        t("train.convs_per_block"), options=[1, 2, 3, 4], key="hp_convs_per_block", persist_state="session"
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
        0,
        int(cfg.LIMITS["dense_units"][1]),
        step=16,
        key="hp_dense_units",
        persist_state="session",
    )
    right.slider(
        t("train.dropout"), 0.0, float(cfg.LIMITS["dropout"][1]), step=0.05, key="hp_dropout", persist_state="session"
    )


def training_section() -> None:
    left, right = st.columns(2)
    left.selectbox(t("train.optimizer"), cfg.OPTIMIZERS, key="hp_optimizer", persist_state="session")
    right.select_slider(
        t("train.learning_rate"),
        LEARNING_RATES,
        key="hp_learning_rate",
        format_func=lambda v: f"{v:g}",
        persist_state="session",
    )
    left.select_slider(t("train.batch_size"), BATCH_SIZES, key="hp_batch_size", persist_state="session")
    right.number_input(t("train.epochs"), 1, int(cfg.LIMITS["epochs"][1]), key="hp_epochs", persist_state="session")
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
        0,
        100,
        key="hp_warmup_epochs",
        persist_state="session",
        disabled=st.session_state.hp_lr_schedule != "cosine",
    )
    left.number_input(
        t("train.momentum"),
        0.0,
        float(cfg.LIMITS["momentum"][1]),
        step=0.05,
        key="hp_momentum",
        disabled=st.session_state.hp_optimizer != "sgd",
        persist_state="session",
    )
    right.number_input(
        t("train.weight_decay"),
        0.0,
        float(cfg.LIMITS["weight_decay"][1]),
        step=0.0001,
        format="%.4f",
        key="hp_weight_decay",
        persist_state="session",
    )
    st.pills(
        t("train.augmentation"),
        cfg.AUGMENTATIONS,
        selection_mode="multi",
        key="hp_augmentation",
        format_func=labels("augment", cfg.AUGMENTATIONS).get,
        persist_state="session",
    )
    left, right = st.columns(2)
    left.radio(
        t("train.validation"),
        cfg.VALIDATIONS,
        key="hp_validation",
        format_func=labels("validation", cfg.VALIDATIONS).get,
        persist_state="session",
    )
    right.number_input(
        t("train.holdout_fraction"),
        0.01,
        0.5,
        step=0.05,
        key="hp_holdout_fraction",
        disabled=st.session_state.hp_validation != "holdout",
        persist_state="session",
    )
    right.number_input(t("train.random_seed"), 0, 2**31 - 1, key="hp_random_seed", persist_state="session")
    left.radio(
        t("train.precision"),
        cfg.PRECISIONS,
        key="hp_precision",
        horizontal=True,
        format_func=labels("precision", cfg.PRECISIONS).get,
        help=t("train.precision_help"),
        persist_state="session",
    )


def summary_section(config: Config, train_images: int | None, num_classes: int) -> None:
    layers = describe_layers(config, num_classes)
    kinds = labels("layer.kind", {layer.kind for layer in layers})
    table = pd.DataFrame(
        [
            (layer.name, kinds[layer.kind], " × ".join(map(str, layer.output_shape)), f"{layer.params:,}")
            for layer in layers
        ],
        columns=[t("summary.layer"), t("summary.kind"), t("summary.shape"), t("summary.params")],
    )
    st.dataframe(table, hide_index=True, width="stretch")
    total = sum(layer.params for layer in layers)
    left, right = st.columns(2)
    left.metric(t("summary.total_params"), f"{total:,}")
    if train_images:
        seconds = estimate_epoch_seconds(config, train_images, num_classes)
        right.metric(
            t("summary.estimate"),
            format_duration(seconds),
            help=t("summary.estimate_help", total=format_duration(seconds * config.epochs)),
        )


def preview_section(dataset, name: str) -> None:
    st.caption(t("train.preview", name=name, train=len(dataset.y_train), test=len(dataset.y_test)))
    shown = dict(zip(dataset.classes, class_names(dataset.classes)))
    for name, pictures in list(dataset.examples_per_class(8).items())[:12]:
        cells = st.columns([1, 4], vertical_alignment="center")
        cells[0].markdown(f"**{shown.get(name, name)}**")
        cells[1].image(charts.enlarge(np.concatenate(list(pictures), axis=1), 2))


# --- running and results ---------------------------------------------------------------------


def dataset_label(config: Config) -> str:
    """The name a student knows their uploaded zip by (it is stored under a random one)."""
    uploaded = config.dataset == st.session_state.get("uploaded_dataset")
    return st.session_state.get("uploaded_label", "") if uploaded else ""


def start(config: Config) -> None:
    try:
        job = state.engine().submit(config, owner=state.owner(), dataset_label=dataset_label(config))
    except (RunError, ValueError) as error:
        st.session_state.start_error = str(error)
        return
    st.session_state.job_id = job.run_id
    st.session_state.pop("start_error", None)


def live_panel(run_id: str, notes_shown: dict | None = None) -> None:
    job = state.engine().job(run_id)
    if job is None:
        return
    snap = job.snapshot()
    if snap.status == "queued":
        st.info(t("train.queued", position=snap.queue_position or 1))
        st.button(t("train.cancel"), on_click=job.request_stop, key="cancel")
        return
    if snap.loading is not None:
        st.progress(snap.loading, text=t("data.loading", detail=snap.message))
    elif not snap.done:
        st.progress(
            snap.progress,
            text=t("train.progress", epoch=snap.epoch, epochs=snap.epochs, step=snap.step, steps=snap.steps_per_epoch),
        )
    cells = st.columns([1, 1, 1, 1, 1.2])
    cells[0].metric(t("train.epoch"), f"{min(snap.epoch, snap.epochs)} / {snap.epochs}")
    cells[1].metric(t("train.speed"), f"{snap.images_per_second:,.0f}" if snap.images_per_second else "–")
    cells[2].metric(t("train.eta"), format_duration(snap.eta) if snap.eta is not None and not snap.done else "–")
    cells[3].metric(t("train.elapsed"), format_duration(snap.elapsed))
    if not snap.done:
        cells[4].button(
            t("train.stop"),
            on_click=job.request_stop,
            type="primary",
            key="stop",
            disabled=job.stop_requested,
            icon=":material/stop:",
        )
    x, loss, accuracy = smoothed_batches(snap)
    labels = {
        key: t(f"chart.{key}") for key in ("loss", "accuracy", "batches", "train", "validation", "epoch", "reference")
    }
    reference = charts.SEED_ACCURACY if job.config.dataset == "cifar10" else None
    st.plotly_chart(
        charts.training_curves(x, loss, accuracy, list(snap.epochs_done), labels, reference, snap.epochs),
        key="live_chart",
    )
    if not snap.done:  # once done, the results below show them
        widgets.run_warnings(snap.warnings, skip=(notes_shown or {}).get(job.config.dataset, ()))
    if snap.done and st.session_state.get("live_active"):
        st.session_state.live_active = False
        st.rerun()  # the whole page, so the results appear below


def finished_panel(run_id: str, notes_shown: dict | None = None) -> None:
    try:
        info = state.engine().store.load(run_id, state.owner())
    except RunError:
        return
    if info.status == "failed":
        st.error(t("train.failed", reason=info.reason))
        if info.config.dataset == "cifar10" and "CIFAR-10" in info.reason:
            st.button(t("data.use_shapes"), on_click=widgets._switch_to_shapes, key="failed_switch")
    elif info.status == "interrupted":
        st.warning(t("train.interrupted", reason=info.reason))
    elif info.status in ("finished", "stopped"):
        st.success(t(f"train.{info.status}"))
        widgets.share_panel(info, key="train_share")
        widgets.run_results(info, key="train_results", notes_shown=(notes_shown or {}).get(info.config.dataset, ()))


# --- the page -------------------------------------------------------------------------------
# Start and the live view come first, so they are in sight when a run begins; the set-up below
# fills in first, though, because Start needs the data set it loads.

_defaults()
_show_matching_preset()
st.title(t("train.title"))
st.caption(t("train.intro"))
top = st.container()
st.divider()

setup, summary = st.columns([5, 4], gap="large")
with setup:
    st.segmented_control(
        t("train.preset"),
        (*cfg.PRESET_NAMES, CUSTOM),
        key="hp_preset",
        on_change=_apply_preset,
        format_func=labels("preset", (*cfg.PRESET_NAMES, CUSTOM)).get,
        required=True,
        persist_state="session",
    )
    st.caption(t(f"preset.{st.session_state.hp_preset}.help"))
    data_section()
    with st.expander(t("train.network"), expanded=False, icon=":material/account_tree:"):
        network_section()
    with st.expander(t("train.training"), expanded=False, icon=":material/tune:"):
        training_section()

config, problem = None, None
try:
    config = current_config()
except ValueError as error:
    problem = str(error)

dataset = None
with summary:
    st.subheader(t("summary.title"))
    if waiting_for_zip():
        st.info(t("train.zip_prompt"), icon=":material/upload_file:")
    if config is not None:
        dataset = widgets.load_dataset_or_explain(config.dataset, config.limit, key="preview_switch")
        if dataset is not None:
            widgets.data_notes(dataset.notes)
        summary_section(config, len(dataset.y_train) if dataset else None, dataset.num_classes if dataset else 10)
        if dataset is not None:
            with st.expander(t("train.preview_title"), expanded=False, icon=":material/grid_view:"):
                preview_section(dataset, dataset_label(config) or dataset.name)

if config is not None:
    st.plotly_chart(
        charts.network_diagram(
            describe_layers(config, dataset.num_classes if dataset else 10),
            t("home.input"),
            t("home.weights"),
            labels("layer.short", charts.LAYER_KINDS),
        ),
        config={"displayModeBar": False, "staticPlot": True},
        key="train_diagram",
    )

with top:
    job_id = st.session_state.get("job_id")
    job = state.engine().job(job_id) if job_id else None
    active = job is not None and not job.snapshot().done
    if problem and not waiting_for_zip():
        st.error(problem)
    if st.session_state.get("start_error"):
        st.error(t("train.start_failed", reason=st.session_state.start_error))
    st.button(
        t("train.start"),
        type="primary",
        disabled=config is None or active or dataset is None,
        on_click=start,
        args=(config,),
        icon=":material/play_arrow:",
        key="start",
    )
    if job_id:
        if active:
            st.session_state.live_active = True
        shown = {config.dataset: dataset.notes} if config is not None and dataset is not None else {}
        st.fragment(live_panel, run_every=1.0 if active else None)(job_id, shown)
        if not active:
            finished_panel(job_id, shown)
