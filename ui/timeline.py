"""Learning over time: replay a run's first-layer filters and its probe image's feature maps epoch
by epoch, from random initialisation to the end (Inside the network and Runs share it).

The frame is a fragment: the epoch slider redraws only it, and Play gives it a timer
(`run_every`) that moves the slider one kept epoch per tick until the last one. The snapshots are
small files in the run's folder (classifier/training/timeline.py), read one per frame.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from classifier.core import inspect
from classifier.core.runs import RunStore
from classifier.training import timeline
from ui import alt_text, charts
from ui.i18n import t, t_text

PLAY_SECONDS = 0.8  # one epoch per tick: a 10-epoch run replays in under ten seconds


def replay(store: RunStore, run_id: str, key: str, history: list[dict] | None = None) -> None:
    """The replay of one run: Play/Pause, the epoch slider, filters, the probe's feature maps."""
    kept = timeline.epochs(store, run_id)
    if not kept:
        st.info(t("timeline.none"))
        return
    st.caption(t("timeline.intro", count=len(kept), last=kept[-1]))
    playing = bool(st.session_state.get(f"{key}_playing"))
    st.button(
        t("timeline.pause") if playing else t("timeline.play"),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        key=f"{key}_play",
        on_click=_toggle,
        args=(key, kept),
        disabled=len(kept) < 2,
    )
    history = store.history(run_id) if history is None else history
    st.fragment(_frame, run_every=PLAY_SECONDS if playing else None)(store, run_id, key, kept, history)


def _toggle(key: str, kept: list[int]) -> None:
    """Play from the start when at the end (or never moved); Pause keeps the epoch shown."""
    playing = not st.session_state.get(f"{key}_playing")
    st.session_state[f"{key}_playing"] = playing
    if playing:
        if st.session_state.get(f"{key}_epoch", kept[-1]) == kept[-1]:
            st.session_state[f"{key}_epoch"] = kept[0]
        st.session_state[f"{key}_fresh"] = True  # the first frame shows where play starts


def epoch_label(epoch: int) -> str:
    return t("timeline.initial") if epoch == 0 else t("timeline.after", epoch=epoch)


def _frame(store: RunStore, run_id: str, key: str, kept: list[int], history: list[dict]) -> None:
    epoch_key = f"{key}_epoch"
    if st.session_state.get(epoch_key) not in kept:
        st.session_state[epoch_key] = kept[-1]  # the trained network, before anyone moves the slider
    if st.session_state.get(f"{key}_playing"):
        if st.session_state.pop(f"{key}_fresh", False):
            pass
        elif st.session_state[epoch_key] == kept[-1]:
            st.session_state[f"{key}_playing"] = False
            st.rerun()  # the whole page: the button reads Play again and the timer stops
        else:
            st.session_state[epoch_key] = kept[kept.index(st.session_state[epoch_key]) + 1]
    epoch = st.select_slider(t("timeline.epoch"), kept, key=epoch_key, format_func=epoch_label)
    snap = timeline.load(store, run_id, epoch)
    if snap is None:
        st.warning(t("timeline.unreadable", epoch=epoch))
        return
    record = next((r for r in history if r.get("epoch") == epoch), None)
    st.markdown(_metrics_line(epoch, record))
    left, right = st.columns([1, 2])
    with left:
        st.image(
            charts.enlarge(snap.probe, 4),
            caption=t("timeline.probe"),
            alt=t_text("alt.input"),
            width="content",
            output_format="PNG",
        )
        change = timeline.filter_change(store, run_id)
        if len(change) > 1:
            st.caption(t("timeline.change"))
            st.plotly_chart(_change_figure(change, epoch), key=f"{key}_change", config={"displayModeBar": False})
    with right:
        if snap.kernels.size:
            filters = snap.filters()
            st.markdown(t("timeline.filters", count=len(filters), size=filters.shape[1]))
            st.image(
                charts.enlarge(inspect.tile(filters, columns=16), max(1, 36 // filters.shape[1])),
                alt=t_text("alt.timeline_filters", count=len(filters), size=filters.shape[1], epoch=epoch),
                output_format="PNG",
            )
        if snap.maps:
            names = list(snap.maps)
            layer = st.segmented_control(
                t("timeline.layer"), names, key=f"{key}_layer", default=names[0], required=True
            )
            maps = np.moveaxis(snap.maps[layer or names[0]], -1, 0)  # (channels, h, w)
            st.caption(t("timeline.maps", layer=layer, count=len(maps), size=f"{maps.shape[1]}×{maps.shape[2]}"))
            st.image(
                charts.enlarge(inspect.tile(maps, columns=16), max(1, 64 // maps.shape[1])),
                alt=alt_text.maps_alt(maps, layer or names[0]),
                output_format="PNG",
            )


def _metrics_line(epoch: int, record: dict | None) -> str:
    if epoch == 0:
        return t("timeline.initial_note")
    if record is None:
        return f"**{epoch_label(epoch)}**"
    parts = [t("timeline.train_accuracy", value=record.get("accuracy", float("nan")))]
    if record.get("val_accuracy") is not None:
        parts.append(t("timeline.val_accuracy", value=record["val_accuracy"]))
    return f"**{epoch_label(epoch)}** · " + " · ".join(parts)


def _change_figure(change: list[tuple[int, float]], epoch: int) -> go.Figure:
    """How far the filters have moved from their random start (‖W_e − W_0‖ / ‖W_0‖), the shown epoch marked."""
    xs, ys = zip(*change)
    figure = go.Figure(go.Scatter(x=xs, y=ys, mode="lines+markers", name="", hovertemplate="%{x}: %{y:.2f}"))
    here = dict(change).get(epoch)
    if here is not None:
        figure.add_trace(go.Scatter(x=[epoch], y=[here], mode="markers", marker={"size": 13, "color": "#e11d48"}))
    figure.update_layout(
        height=220,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": t("chart.epoch")},
        yaxis={"rangemode": "tozero"},
        dragmode=False,
    )
    return figure
