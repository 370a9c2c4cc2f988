"""Train: choose data and hyperparameters, start a run, watch it learn, see the results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from classifier.core.config import Config
from classifier.core.messages import as_message
from classifier.core.model import describe_layers
from classifier.core.runs import RunError
from classifier.training import estimate
from ui import charts, lessons, live, require_app, state, train_form, widgets
from ui.i18n import class_names, format_duration, labels, say, t, t_text
from ui.text import plain

require_app()


def summary_section(config: Config, dataset) -> None:
    num_classes = dataset.num_classes if dataset is not None else 10
    layers = describe_layers(config, num_classes)
    kinds = labels("layer.kind", {layer.kind for layer in layers})
    table = pd.DataFrame(
        [
            (layer.name, kinds[layer.kind], " × ".join(map(str, layer.output_shape)), f"{layer.params:,}")
            for layer in layers
        ],
        columns=[t("summary.layer"), t("summary.kind"), t("summary.shape"), t("summary.params")],
    )
    # A static table, whose cells wrap: the data grid cut the parameters off ("Para…") at 1366×900.
    st.table(table, hide_index=True)
    total = sum(layer.params for layer in layers)
    left, right = st.columns(2)
    left.metric(t("summary.total_params"), f"{total:,}")
    if dataset is not None:
        with right:
            epoch_estimate(config, dataset)


def epoch_estimate(config: Config, dataset) -> None:
    """Seconds per epoch, measured on this server for this network. While it is measured, only this
    fragment redraws until the figure is in: a whole-page rerun when it arrived reset what a teacher
    was typing into the lesson maker's pickers at that moment."""
    if state.epoch_rates(config, dataset.num_classes) == state.MEASURING:
        st.fragment(_estimate_figure, run_every=1.0)(config, dataset)
    else:
        _estimate_figure(config, dataset)


def _estimate_figure(config: Config, dataset) -> None:
    rates = state.epoch_rates(config, dataset.num_classes)
    if isinstance(rates, dict):
        images = estimate.epoch_images(config, len(dataset.y_train), len(dataset.y_test))
        seconds = estimate.epoch_seconds(rates, *images)
        total = format_duration(seconds * config.epochs)
        st.metric(t("summary.estimate"), format_duration(seconds), help=t("summary.estimate_help", total=total))
        st.caption(t("summary.estimate_total", total=total, epochs=config.epochs))
    elif rates == state.BUSY:  # as text, which wraps: a metric's big value was cut off in the column
        st.caption(t("summary.estimate_line", value="–"), help=t("summary.estimate_busy"))
    elif rates == state.MEASURING:
        st.caption(t("summary.estimate_line", value=t("summary.estimate_measuring")))


def preview_section(dataset, name: str) -> None:
    st.caption(t("train.preview", name=name, train=len(dataset.y_train), test=len(dataset.y_test)))
    shown = dict(zip(dataset.classes, class_names(dataset.classes)))
    for name, pictures in list(dataset.examples_per_class(8).items())[:12]:
        cells = st.columns([1, 4], vertical_alignment="center")
        cells[0].markdown(f"**{plain(shown.get(name, name))}**")
        cells[1].image(
            charts.enlarge(np.concatenate(list(pictures), axis=1), 2),
            alt=t_text("alt.samples", count=len(pictures), name=shown.get(name, name)),
            output_format="PNG",
        )


# --- running and results ---------------------------------------------------------------------


def dataset_label(config: Config) -> str:
    """The name a student knows their uploaded zip by (it is stored under a random one)."""
    uploaded = config.dataset == st.session_state.get(state.UPLOADED_DATASET)
    return st.session_state.get(state.UPLOADED_LABEL, "") if uploaded else ""


def start(config: Config) -> None:
    state.stop_measurements()
    try:
        job = state.engine().submit(
            config, owner=state.owner(), dataset_label=dataset_label(config), lesson=lessons.run_tag()
        )
    except (RunError, ValueError) as error:
        st.session_state.start_error = as_message(error)
        return
    st.session_state[state.JOB_ID] = job.run_id
    st.query_params["run"] = job.run_id  # a reload, or the link copied to a second tab, shows this run
    st.session_state.pop("start_error", None)


def finished_panel(run_id: str, notes_shown: dict | None = None) -> None:
    try:
        info = state.engine().store.load(run_id, state.owner())
    except RunError:
        return
    if info.status == "failed":
        st.error(t("train.failed", reason=say(info.reason)))
        if info.config.dataset == "cifar10" and info.reason and info.reason.code.startswith("data.cifar"):
            st.button(t("data.use_shapes"), on_click=widgets.switch_to_shapes, key="failed_switch")
    elif info.status == "interrupted":
        st.warning(t("train.interrupted", reason=say(info.reason)))
    elif info.status in ("finished", "stopped"):
        st.success(t(f"train.{info.status}"))
        if info.status == "stopped" and info.reason is not None and info.reason.code.startswith("share."):
            st.caption(say(info.reason))
        widgets.share_panel(info, key="train_share")
        widgets.run_results(info, key="train_results", notes_shown=(notes_shown or {}).get(info.config.dataset, ()))


# --- the page -------------------------------------------------------------------------------
# Start and the live view come first, so they are in sight when a run begins; the set-up below
# fills in first, though, because Start needs the data set it loads.


def follow_linked_run() -> None:
    """`/train?run=ID` shows that run live (a second tab, or a teacher's link), if this viewer may see it."""
    run_id = st.query_params.get("run")
    if run_id and run_id != st.session_state.get(state.JOB_ID):
        try:
            state.engine().store.load(run_id, state.owner())
        except RunError as error:
            st.error(say(error))
            return
        st.session_state[state.JOB_ID] = run_id


lessons.open_linked_lesson()  # /train?lesson=...: the teacher's settings, before the defaults
train_form.ensure_defaults()
follow_linked_run()
st.title(t("train.title"))
st.caption(t("train.intro"))
lessons.lesson_panel()
top = st.container()
st.divider()

setup, summary = st.columns([5, 4], gap="large")
with setup:
    train_form.preset_section()
    train_form.data_section()
    with st.expander(t("train.network"), expanded=train_form.free_in_lesson("network"), icon=":material/account_tree:"):
        train_form.network_section()
    training_open = train_form.free_in_lesson(*train_form.TRAINING_GROUPS)
    with st.expander(t("train.training"), expanded=training_open, icon=":material/tune:"):
        train_form.training_section()

config, problem = None, None
try:
    config = train_form.current_config()
except ValueError as error:
    problem = say(error)

dataset = None
with summary:
    st.subheader(t("summary.title"))
    if train_form.waiting_for_zip():
        st.info(t("train.zip_prompt"), icon=":material/upload_file:")
    if config is not None:
        dataset = widgets.load_dataset_or_explain(config.dataset, config.limit, key="preview_switch")
        if dataset is not None:
            widgets.data_notes(dataset.notes)
        summary_section(config, dataset)
        if dataset is not None:
            with st.expander(t("train.preview_title"), expanded=False, icon=":material/grid_view:"):
                preview_section(dataset, dataset_label(config) or dataset.name)

with setup:
    lessons.teacher_panel(config)

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
    job_id = st.session_state.get(state.JOB_ID)
    active = job_id is not None and state.engine().job(job_id) is not None
    if problem and not train_form.waiting_for_zip():
        st.error(problem)
    if st.session_state.get("start_error"):
        st.error(t("train.start_failed", reason=say(st.session_state.start_error)))
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
            st.html(live.STILL_PAGE)
        shown = {config.dataset: dataset.notes} if config is not None and dataset is not None else {}
        st.fragment(live.live_panel, run_every=live.REFRESH_SECONDS if active else None)(job_id, shown, active)
        if not active:
            finished_panel(job_id, shown)
