"""Runs: every run this browser may see, compared side by side; share, resume, delete, download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from classifier.runs import ACTIVE, RunError, can_modify
from ui import charts, lessons, require_app, state, widgets
from ui.config_rows import config_rows
from ui.i18n import format_duration, say, t

require_app()


def table(runs) -> pd.DataFrame:
    rows = []
    for info in runs:
        c = info.config
        rows.append(
            {
                t("runs.col.when"): widgets.describe_run(info).split(" · ")[0],
                t("runs.col.status"): t(f"status.{info.status}"),
                t("runs.col.dataset"): info.dataset_name or c.dataset,
                t("runs.col.network"): "-".join(map(str, c.conv_filters)) + (" BN" if c.batch_norm else ""),
                t("runs.col.optimizer"): f"{c.optimizer} {c.learning_rate:g}",
                t("runs.col.batch"): c.batch_size,
                # The arithmetic the run really used ("auto" resolves per machine), once it started.
                t("runs.col.precision"): info.precision or t(f"precision.{c.precision}"),
                t("runs.col.epochs"): f"{info.epochs_completed}/{c.epochs}",
                t("runs.col.best_val"): info.best_val_accuracy,
                t("runs.col.test"): info.test_accuracy,
                t("runs.col.duration"): format_duration(info.duration) if info.duration else "–",
                t("runs.col.owner"): whose(info),
                t("runs.col.lesson"): lessons.lesson_label(info),
            }
        )
    return pd.DataFrame(rows)


def whose(info) -> str:
    """Mine, or who shared it with the class (by the name they gave)."""
    if info.owner == state.owner():
        return t("runs.mine")
    return t("runs.shared_by", name=info.shared_as) if info.shared_as else t("runs.shared")


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
    st.markdown(f"#### {widgets.describe_run(info)}")
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
                st.toast(t("runs.deleted"))
                st.rerun()
            except RunError as error:
                st.error(say(error))
    with st.expander(t("runs.config"), icon=":material/tune:"):
        rows = config_rows(info.config, info.dataset_name)
        st.table(pd.DataFrame(rows, columns=[t("config.setting"), t("config.value")]), hide_index=True)
    if info.status in ("finished", "stopped"):
        widgets.run_results(info, key=f"runs_{info.run_id}")


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
    column_config={
        t("runs.col.best_val"): st.column_config.NumberColumn(format="percent"),
        t("runs.col.test"): st.column_config.NumberColumn(format="percent"),
    },
)
labels = {info.run_id: widgets.describe_run(info) for info in runs}
default = [info.run_id for info in runs if info.epochs_completed][:3]
chosen = st.multiselect(t("runs.compare"), list(labels), default=default, format_func=labels.get, key="runs_chosen")
selected = [info for info in runs if info.run_id in chosen]
if selected:
    compare(selected)
    focus = st.selectbox(
        t("runs.details"), [info.run_id for info in selected], format_func=labels.get, key="runs_focus"
    )
    actions(next(info for info in selected if info.run_id == focus))
