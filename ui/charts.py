"""Plotly figures and image helpers shared by the pages. Labels come in already translated."""

from __future__ import annotations

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

SEED_ACCURACY = 0.70  # the seed program's test accuracy on CIFAR-10, drawn as a reference line
TRAIN_COLOUR, VALIDATION_COLOUR = "#1f77b4", "#ff7f0e"


def training_curves(
    batch_x: list[float],
    batch_loss: list[float],
    batch_accuracy: list[float],
    epochs: list[dict],
    labels: dict[str, str],
    reference: float | None = SEED_ACCURACY,
    total_epochs: int | None = None,
) -> go.Figure:
    """Loss (left) and accuracy (right): smoothed batch values as lines, epochs as points."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=(labels["loss"], labels["accuracy"]))
    for column, values, key in ((1, batch_loss, "loss"), (2, batch_accuracy, "accuracy")):
        figure.add_trace(
            go.Scatter(
                x=batch_x,
                y=values,
                mode="lines",
                name=labels["batches"],
                line={"color": TRAIN_COLOUR, "width": 1.5},
                opacity=0.6,
                legendgroup="batches",
                showlegend=column == 1,
            ),
            row=1,
            col=column,
        )
        x = [record["epoch"] for record in epochs]
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[record.get(key) for record in epochs],
                mode="lines+markers",
                name=labels["train"],
                line={"color": TRAIN_COLOUR},
                legendgroup="train",
                showlegend=column == 1,
            ),
            row=1,
            col=column,
        )
        if any(f"val_{key}" in record for record in epochs):
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=[record.get(f"val_{key}") for record in epochs],
                    mode="lines+markers",
                    name=labels["validation"],
                    line={"color": VALIDATION_COLOUR},
                    legendgroup="validation",
                    showlegend=column == 1,
                ),
                row=1,
                col=column,
            )
    if reference is not None:
        figure.add_hline(
            y=reference,
            line_dash="dot",
            line_color="gray",
            row=1,
            col=2,
            annotation_text=labels["reference"],
            annotation_position="bottom right",
        )
    figure.update_xaxes(title_text=labels["epoch"], range=[0, total_epochs] if total_epochs else None)
    figure.update_yaxes(range=[0, 1], row=1, col=2)
    figure.update_layout(
        height=340, margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.25}
    )
    return figure


def confusion_heatmap(matrix: np.ndarray, classes: tuple[str, ...], labels: dict[str, str]) -> go.Figure:
    figure = px.imshow(
        matrix,
        x=list(classes),
        y=list(classes),
        text_auto=True,
        color_continuous_scale="Blues",
        labels={"x": labels["predicted"], "y": labels["true"], "color": labels["count"]},
        aspect="auto",
    )
    figure.update_layout(height=max(320, 34 * len(classes) + 120), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    figure.update_xaxes(side="top")
    return figure


def per_class_bars(values: np.ndarray, classes: tuple[str, ...], title: str) -> go.Figure:
    figure = px.bar(x=list(classes), y=values, labels={"x": "", "y": title}, range_y=[0, 1], text_auto=".0%")
    figure.update_layout(height=280, margin={"l": 10, "r": 10, "t": 20, "b": 10})
    return figure


def probability_bars(top: list[tuple[str, float]], title: str) -> go.Figure:
    names = [name for name, _ in top][::-1]
    values = [value for _, value in top][::-1]
    figure = px.bar(x=values, y=names, orientation="h", range_x=[0, 1], text_auto=".1%", labels={"x": title, "y": ""})
    figure.update_layout(height=60 + 32 * len(top), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def runs_overlay(series: list[tuple[str, list[dict]]], metric: str, labels: dict[str, str]) -> go.Figure:
    """One line per run: `metric` over epochs."""
    figure = go.Figure()
    for name, history in series:
        figure.add_trace(
            go.Scatter(
                x=[r["epoch"] for r in history], y=[r.get(metric) for r in history], mode="lines+markers", name=name
            )
        )
    figure.update_layout(
        height=320,
        xaxis_title=labels["epoch"],
        yaxis_title=labels[metric],
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        legend={"orientation": "h", "y": -0.3},
    )
    return figure


def enlarge(image: np.ndarray, scale: int = 6) -> np.ndarray:
    """Blow up a small image with hard pixel edges (the browser would blur it)."""
    if image.dtype != np.uint8:
        image = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


LAYER_KINDS = (
    "Conv2D",
    "MaxPooling2D",
    "Flatten",
    "Dense",
    "GlobalAveragePooling2D",
    "BatchNormalization",
    "Activation",
    "Dropout",
)


def network_diagram(
    layers, input_label: str, params_label: str, kind_labels: dict[str, str] | None = None
) -> go.Figure:
    """The network as a row of blocks: height follows the image size (32 -> 4), width the number
    of channels, so one sees the picture shrink while the features multiply. `kind_labels` names
    each layer type in the reader's language; the Keras class name follows in brackets where it
    differs, as the student will meet it in code."""
    colours = {
        "Conv2D": "#3b82f6",
        "MaxPooling2D": "#f59e0b",
        "Flatten": "#9ca3af",
        "Dense": "#10b981",
        "GlobalAveragePooling2D": "#9ca3af",
        "BatchNormalization": "#a78bfa",
        "Activation": "#c4b5fd",
        "Dropout": "#e5e7eb",
        "Input": "#6b7280",
    }
    figure = go.Figure()
    blocks = [("Input", (32, 32, 3), 0), *((layer.kind, layer.output_shape, layer.params) for layer in layers)]
    x = 0.0
    for kind, shape, params in blocks:
        if len(shape) == 3:
            height, width = shape[0] / 32, 0.25 + 0.12 * np.log2(shape[2])
        else:
            height, width = min(1.0, 0.15 + 0.08 * np.log2(shape[0])), 0.25
        figure.add_shape(
            type="rect",
            x0=x,
            x1=x + width,
            y0=-height / 2,
            y1=height / 2,
            line={"width": 0},
            fillcolor=colours.get(kind, "#9ca3af"),
            opacity=0.85,
        )
        if kind == "Input":
            label = f"<b>{input_label}</b>"
        else:
            name = (kind_labels or {}).get(kind) or kind.replace("2D", "").replace("MaxPooling", "MaxPool")
            label = f"<b>{name}</b>" + ("" if name == kind else f"<br><span style='color:gray'>({kind})</span>")
        crowded = len(blocks) > 10
        figure.add_annotation(
            x=x + width / 2,
            y=0.6,
            text=label,
            showarrow=False,
            textangle=-35 if crowded else 0,
            font={"size": 12},
            xanchor="left" if crowded else "center",
            yanchor="bottom",
        )
        extra = f"<br>{params:,} {params_label}" if params else ""
        figure.add_annotation(
            x=x + width / 2,
            y=-0.58,
            text="×".join(map(str, shape)) + extra,
            showarrow=False,
            font={"size": 10},
            yanchor="top",
        )
        x += width + 0.45
    figure.update_xaxes(visible=False, range=[-0.3, x + 0.1])
    figure.update_yaxes(visible=False, range=[-1.05, 1.25])
    figure.update_layout(
        height=300,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        showlegend=False,
        plot_bgcolor="rgba(0,0,0,0)",
        dragmode=False,
    )
    return figure
