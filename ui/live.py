"""The live view of a training run: progress, speed, Stop, and the curves, redrawn each second.

It runs in an `st.fragment(run_every=REFRESH_SECONDS)` and must stay cheap: it reads the
engine's immutable record of the run (a few hundred batch points at most, whatever the number
of epochs) and builds one small figure. The training itself runs in a worker process, so
nothing here can slow it down except the CPU this fragment and the browser use.
"""

from __future__ import annotations

import time

import streamlit as st

from classifier.core.runs import RunError, can_modify
from classifier.training.schedules import rate_drops
from ui import alt_text, charts, state, widgets
from ui.i18n import format_duration, say, t

# While a run is watched the page redraws every second on a machine whose cores the training
# needs: no decorative motion (the header's "running" indicator, fades and transitions of the
# redrawn elements), which the browser would otherwise repaint frame after frame. Nor is what is being
# redrawn faded out ("stale"), each second: faded, the metrics' labels fell to 2.3:1 contrast (axe).
STILL_PAGE = """<style>
[data-testid="stStatusWidget"] { display: none; }
[data-testid="stMain"] *, [data-testid="stMain"] *::before, [data-testid="stMain"] *::after {
    transition: none !important; animation: none !important;
}
[data-testid="stMain"] [data-stale="true"] { opacity: 1 !important; }
</style>"""
REFRESH_SECONDS = 0.9  # a little under a second: each redraw itself takes a few tens of ms
STOP_REFUSED = "stop_refused"  # the engine's answer to a refused stop, shown once


def expected_wait(snap) -> str:
    """When a queued run should start and end, from the epoch time measured on this server."""
    if snap.expected_start is None or snap.expected_end is None:
        return t("queue.expected_unknown")
    now = time.time()
    return t(
        "queue.expected",
        start=format_duration(max(0.0, snap.expected_start - now)),
        end=format_duration(max(0.0, snap.expected_end - now)),
        at=time.strftime("%H:%M", time.localtime(snap.expected_end)),
    )


def _stop(job) -> None:
    """Stop or Cancel: the engine checks the owner again (a widget message can be replayed by hand)."""
    try:
        job.request_stop(state.owner())
    except RunError as error:
        st.session_state[STOP_REFUSED] = error.message


def progress_text(snap) -> str:
    """Epoch and batch once the first epoch's batches are counted; "starting…" (and what the worker
    is doing) before that, never "batch 0 of 0"."""
    if not snap.steps_per_epoch:
        return t("train.starting", phase=say(snap.phase)) if snap.phase is not None else t("train.starting_plain")
    return t("train.progress", epoch=snap.epoch, epochs=snap.epochs, step=snap.step, steps=snap.steps_per_epoch)


def live_panel(run_id: str, notes_shown: dict | None = None, live: bool = False) -> None:
    """`notes_shown`: data-set notes the page already shows, by data set (each note appears once).
    `live`: the page was drawn while the run was under way, and this fragment redraws it every
    REFRESH_SECONDS; once the run is done it reruns the whole page, so the results appear below."""
    engine = state.engine()
    job = engine.job(run_id)
    if job is not None and not can_modify(job.info, state.owner()):
        job = None  # a classmate's run (shared, or opened by its link): watched, never stopped from here
    try:
        snap = engine.progress(run_id, state.owner())
    except RunError:
        return
    if snap.students:
        st.caption(t("share.note", students=snap.students), help=t("share.help"))
    refused = st.session_state.pop(STOP_REFUSED, None)
    if refused is not None:
        st.error(say(refused))
    if snap.status == "queued":
        st.info(t("train.queued", position=snap.queue_position or 1))
        st.caption(expected_wait(snap))
        if job is not None:
            st.button(t("train.cancel"), on_click=_stop, args=(job,), key="cancel")
        return
    if snap.loading is not None:
        st.progress(min(max(snap.loading, 0.0), 1.0), text=widgets.loading_text(snap.phase))
    elif not snap.done:
        st.progress(snap.fraction_done, text=progress_text(snap))
    cells = st.columns([1, 1, 1, 1, 1.2])
    cells[0].metric(t("train.epoch"), f"{min(snap.epoch, snap.epochs)} / {snap.epochs}")
    cells[1].metric(t("train.speed"), f"{snap.images_per_second:,.0f}" if snap.images_per_second else "–")
    cells[2].metric(t("train.eta"), format_duration(snap.eta) if snap.eta is not None and not snap.done else "–")
    cells[3].metric(t("train.elapsed"), format_duration(snap.elapsed))
    if job is not None and not snap.done:
        cells[4].button(
            t("train.stop"),
            on_click=_stop,
            args=(job,),
            type="primary",
            key="stop",
            disabled=job.stop_requested,
            icon=":material/stop:",
        )
    labels = {
        key: t(f"chart.{key}") for key in ("loss", "accuracy", "batches", "train", "validation", "epoch", "reference")
    }
    labels |= {key: t(f"chart.{key}") for key in ("learning_rate", "rate_drop", "stopped")}
    labels["kept"] = t("chart.kept", epoch=snap.best_epoch) if snap.best_epoch else ""
    config = job.config if job is not None else engine.store.load(run_id, state.owner()).config
    reference = charts.SEED_ACCURACY if config.dataset == "cifar10" else None
    marks = {
        "drops": rate_drops(snap.history, config.lr_schedule),
        "stopped": snap.stopped_epoch,
        "kept": snap.best_epoch,
    }
    curves = charts.training_curves(snap.batches, list(snap.history), labels, reference, snap.epochs, marks)
    for column, (metric, (data, spec)) in zip(st.columns(2), curves.items()):
        column.vega_lite_chart(data, spec, key=f"live_{metric}")
    alt_text.curves_alternative(list(snap.history), snap.epochs, key="live_curves")  # grows with the run
    if snap.done and snap.reason is not None and snap.reason.code.startswith("schedules."):
        st.info(say(snap.reason), icon=":material/flag:")  # early stopping, and which weights were kept
    if not snap.done:  # once done, the results below show them
        widgets.run_warnings(snap.warnings, skip=(notes_shown or {}).get(config.dataset, ()))
    if snap.done and live:
        # Asked at each redraw until the page's own run finds the run ended. Asked once (a flag
        # cleared as it asked), on a busy server the page once showed a finished run without its
        # results for two minutes, until something else reran it.
        st.rerun(scope="app")
