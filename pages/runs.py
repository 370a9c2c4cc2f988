"""Runs: every run this browser may see, compared side by side; share, resume, delete, download."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from classifier.core.runs import ACTIVE, RunError, can_modify
from ui import charts, lessons, ondevice, require_app, state, widgets
from ui import timeline as timeline_view
from ui.config_rows import config_rows
from ui.i18n import format_duration, say, t, t_text
from ui.text import plain, shown

require_app()

NO_FIGURE = "—"


def table(runs) -> pd.DataFrame:
    rows = []
    for info in runs:
        c = info.config
        rows.append(
            {
                t("runs.col.when"): widgets.describe_run(info).split(" · ")[0],
                t("runs.col.status"): t(f"status.{info.status}"),
                t("runs.col.dataset"): shown(widgets.dataset_label(info)),
                t("runs.col.network"): "-".join(map(str, c.conv_filters)) + (" BN" if c.batch_norm else ""),
                # The optimizer, rate and batch in one column (every setting is in the run's details),
                # so that the row, lesson included, fits a laptop's width.
                t("runs.col.optimizer"): f"{c.optimizer} {c.learning_rate:g} · {c.batch_size}",
                # The arithmetic the run really used ("auto" resolves per machine), once it started.
                t("runs.col.precision"): info.precision or t(f"precision.{c.precision}"),
                t("runs.col.epochs"): f"{info.epochs_completed}/{c.epochs}",
                t("runs.col.best_val"): percent(info.best_val_accuracy),
                t("runs.col.test"): percent(info.test_accuracy),
                t("runs.col.owner"): whose(info),
                t("runs.col.lesson"): shown(lessons.lesson_label(info)),
            }
        )
    frame = pd.DataFrame(rows)
    if all(info.lesson is None for info in runs):  # no lesson column of dashes: the table fits a laptop's width
        frame = frame.drop(columns=t("runs.col.lesson"))
    return frame


def percent(value: float | None) -> str:
    """An accuracy as the table shows it; a dash, explained in the header's tooltip, where there is
    none yet (the data grid wrote "None")."""
    return NO_FIGURE if value is None else f"{value:.1%}"


def open_row(run_ids: list[str]) -> None:
    """on_select of the runs table: the clicked row's run joins the comparison and its details
    (results, replay) open below."""
    rows = st.session_state["runs_table"].selection.rows
    if rows and 0 <= rows[0] < len(run_ids):
        run_id = run_ids[rows[0]]
        chosen = st.session_state.get("runs_chosen") or []
        st.session_state["runs_chosen"] = [*chosen, run_id] if run_id not in chosen else chosen
        st.session_state["runs_focus"] = run_id


def whose(info) -> str:
    """Mine, or who shared it with the class (by the name they gave)."""
    if info.owner == state.owner():
        return t("runs.mine")
    return t_text("runs.shared_by", name=info.shared_as) if info.shared_as else t("runs.shared")


def compare(selected) -> None:
    store = state.engine().store
    series = [(widgets.describe_run(info), store.history(info.run_id)) for info in selected]
    series = [(name, history) for name, history in series if history]
    if not series:
        st.info(t("runs.no_history"))
        return
    has_validation = any("val_accuracy" in h[0] for _, h in series)
    labels = {
        "epoch": t("chart.epoch"),
        "val_accuracy": t("chart.val_accuracy"),
        "val_loss": t("chart.val_loss"),
        "accuracy": t("chart.accuracy"),
        "loss": t("chart.loss"),
    }
    left, right = st.columns(2)
    prefix = "val_" if has_validation else ""
    left.plotly_chart(charts.runs_overlay(series, f"{prefix}accuracy", labels), key="runs_accuracy")
    right.plotly_chart(charts.runs_overlay(series, f"{prefix}loss", labels), key="runs_loss")


def actions(info) -> None:
    engine = state.engine()
    mine = can_modify(info, state.owner())
    st.markdown(f"#### {plain(widgets.describe_run(info))}")
    if info.duration:
        st.caption(t("runs.took", duration=format_duration(info.duration)))
    if info.reason:
        st.caption(say(info.reason))
    if info.lesson:
        st.caption(t("runs.lesson", lesson=lessons.lesson_label(info)), help=t("runs.lesson_help"))
    if mine:
        widgets.share_panel(info, key=f"share_{info.run_id}")
    elif info.shared_as:
        st.caption(whose(info))
    row = st.container(horizontal=True)
    if mine:
        resumable = info.status in ("interrupted", "stopped") and info.epochs_completed < info.config.epochs
        if resumable and row.button(t("runs.resume"), key=f"resume_{info.run_id}", icon=":material/replay:"):
            try:
                engine.resume(info.run_id, state.owner())
                st.session_state[state.JOB_ID] = info.run_id
                st.switch_page("pages/train.py")
            except RunError as error:
                st.error(say(error))
        if info.status not in ACTIVE and row.button(
            t("runs.delete"), key=f"delete_{info.run_id}", icon=":material/delete:"
        ):
            try:
                engine.store.delete(info.run_id, state.owner())
                ondevice.forget_deleted()  # its phone link's model copies too
                st.toast(t("runs.deleted"))
                st.rerun()
            except RunError as error:
                st.error(say(error))
    with st.expander(t("runs.config"), icon=":material/tune:"):
        rows = config_rows(info.config, info.dataset_name)
        st.table(pd.DataFrame(rows, columns=[t("config.setting"), t("config.value")]), hide_index=True)
        widgets.tensorboard_hint(info.run_id)
    if info.status in ("finished", "stopped"):
        widgets.run_results(info, key=f"runs_{info.run_id}")
    if info.epochs_completed:  # finished, stopped or interrupted: replay how it learned
        st.subheader(t("timeline.title"))
        timeline_view.replay(engine.store, info.run_id, key=f"runs_timeline_{info.run_id}")


st.title(t("runs.title"))
st.caption(t("runs.intro"))
runs = state.visible_runs()
if not runs:
    st.info(t("runs.none"))
    st.page_link("pages/train.py", label=t("home.go_train"), icon=":material/model_training:")
    st.stop()

st.dataframe(
    table(runs),
    hide_index=True,
    width="stretch",
    # Short headers, the full names in their tooltips: so the row, lesson included, fits a 1366×900
    # window (the full headers made the table scroll sideways; its last column read "L…").
    column_config={
        t("runs.col.optimizer"): st.column_config.TextColumn(
            t("runs.col.optimizer_short"), help=t("runs.col.optimizer")
        ),
        t("runs.col.best_val"): st.column_config.TextColumn(
            t("runs.col.best_val_short"), help=t("runs.col.best_val_help"), alignment="right"
        ),
        t("runs.col.test"): st.column_config.TextColumn(
            t("runs.col.test_short"), help=t("runs.col.test_help"), alignment="right"
        ),
    },
    key="runs_table",
    on_select=functools.partial(open_row, [info.run_id for info in runs]),
    selection_mode="single-row",
)
st.caption(t("runs.click_row"))
with st.expander(t("runs.tensorboard"), icon=":material/monitoring:"):
    widgets.tensorboard_hint()
labels = {info.run_id: widgets.describe_run(info) for info in runs}
# The comparison starts with the latest three runs; a row click adds its run (see open_row).
default = [info.run_id for info in runs if info.epochs_completed][:3]
st.session_state["runs_chosen"] = [r for r in st.session_state.get("runs_chosen", default) if r in labels]
chosen = st.multiselect(
    t("runs.compare"), list(labels), format_func=labels.get, key="runs_chosen", **widgets.choose_texts()
)
selected = [info for info in runs if info.run_id in chosen]
if selected:
    compare(selected)
    focus = st.selectbox(
        t("runs.details"), [info.run_id for info in selected], format_func=labels.get, key="runs_focus"
    )
    actions(next(info for info in selected if info.run_id == focus))
