"""What the Challenges page shares between its sections: the registry of background tasks and
its Plotly figures (labels come in already translated)."""

from __future__ import annotations

import secrets

import plotly.graph_objects as go
import streamlit as st

from classifier.challenges.background import Task

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")


@st.cache_resource
def _tasks() -> dict[str, Task]:
    """Background tasks of the whole server (export measurements, federated simulations) by id."""
    return {}


def start_task(task: Task) -> str:
    """Start a task and return the id a session keeps (never the object: sessions come and go)."""
    task_id = secrets.token_urlsafe(12)
    _tasks()[task_id] = task.start()
    return task_id


def task(task_id: str | None) -> Task | None:
    return _tasks().get(task_id) if task_id else None


def learning_curve(points: list[dict], labels: dict[str, str]) -> go.Figure:
    """Test accuracy against training images (log axis), one line per augmentation setting."""
    figure = go.Figure()
    variants: dict[str, list[dict]] = {}
    for point in points:
        name = labels["with"] if point["augmentation"] else labels["without"]
        variants.setdefault(name, []).append(point)
    for colour, (name, members) in zip(COLOURS, variants.items()):
        done = sorted(
            (p for p in members if p["test_accuracy"] is not None and p["train_images"]), key=lambda p: p["fraction"]
        )
        figure.add_trace(
            go.Scatter(
                x=[p["train_images"] for p in done],
                y=[p["test_accuracy"] for p in done],
                text=[f"{p['fraction']:.0%}" for p in done],
                mode="lines+markers+text",
                textposition="top center",
                name=name,
                line={"color": colour},
            )
        )
    figure.update_xaxes(type="log", title_text=labels["x"])
    figure.update_yaxes(title_text=labels["y"], tickformat=".0%", rangemode="tozero")
    figure.update_layout(height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"})
    return figure


def federated_curves(rounds: list, central: list[float], labels: dict[str, str]) -> go.Figure:
    """Test accuracy after each round: the federated model and the central run beside it."""
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[r.round for r in rounds],
            y=[r.test_accuracy for r in rounds],
            mode="lines+markers",
            name=labels["federated"],
            line={"color": COLOURS[0]},
        )
    )
    if central:
        figure.add_trace(
            go.Scatter(
                x=list(range(1, len(central) + 1)),
                y=central,
                mode="lines+markers",
                name=labels["central"],
                line={"color": COLOURS[1], "dash": "dash"},
            )
        )
    figure.update_xaxes(title_text=labels["x"], dtick=1)
    figure.update_yaxes(title_text=labels["y"], tickformat=".0%", rangemode="tozero")
    figure.update_layout(height=340, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"})
    return figure


def device_classes(counts: tuple[tuple[int, ...], ...], classes: tuple[str, ...], labels: dict[str, str]) -> go.Figure:
    """Images of each class on each device, stacked: IID devices look alike, skewed ones do not."""
    figure = go.Figure()
    devices = [str(i + 1) for i in range(len(counts))]
    for c, name in enumerate(classes):
        figure.add_trace(go.Bar(x=devices, y=[row[c] for row in counts], name=name))
    figure.update_layout(
        barmode="stack",
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=labels["x"],
        yaxis_title=labels["y"],
        legend={"orientation": "h"},
    )
    return figure
