"""Plotly figures and image helpers shared by the pages. Labels come in already translated."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.text import for_chart

if TYPE_CHECKING:  # pandas and plotly.express load on first use: the first page a server draws needs neither
    import pandas as pd

SEED_ACCURACY = 0.70  # the seed program's test accuracy on CIFAR-10, drawn as a reference line
# Okabe & Ito's palette, told apart with the common colour-vision deficiencies (protanopia,
# deuteranopia, tritanopia); the curves differ by line style and marker shape too, not only colour.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
TRAIN_COLOUR, VALIDATION_COLOUR = OKABE_ITO[0], OKABE_ITO[1]
RATE_COLOUR = OKABE_ITO[2]  # the learning rate, on the loss chart's right-hand axis
# Line style and marker per series: batches thin and solid, training solid with circles,
# validation dashed with squares, the rate dotted.
SOLID, DASHED, DOTTED = [1, 0], [6, 3], [2, 2]
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down")  # Plotly's names
LINE_DASHES = ("solid", "dash", "dot")
# Marks on the curves: where the rate dropped, where early stopping stopped, which epoch's weights were kept.
MARK_STYLES = {"drop": ("#6b7280", 2), "stopped": (OKABE_ITO[3], 14), "kept": ("#000000", 26)}  # colour, label offset
SMOOTHING_SPAN = 5  # batch reports in the live chart's moving average


def smoothed_batches(batches) -> tuple[list[float], list[float], list[float]]:
    """Training loss and accuracy per reporting interval, lightly smoothed, for the live chart.

    Keras reports running means that restart every epoch (a sawtooth); the mean over the
    batches between two reports is (m2*k2 - m1*k1) / (k2 - k1), which tracks the present
    instead of the whole epoch so far. An exponential moving average then calms the noise."""
    xs: list[float] = []
    losses: list[float] = []
    accuracies: list[float] = []
    previous_epoch, previous_step, previous = -1, 0, (0.0, 0.0)
    weight = 2 / (SMOOTHING_SPAN + 1)
    for point in batches:
        epoch, step = point.epoch_index, point.step
        if epoch != previous_epoch:
            previous_step, previous = 0, (0.0, 0.0)
        span_steps = step - previous_step
        if span_steps <= 0 or not math.isfinite(point.loss):
            continue
        loss = (point.loss * step - previous[0] * previous_step) / span_steps
        accuracy = (point.accuracy * step - previous[1] * previous_step) / span_steps
        if losses:
            loss = weight * loss + (1 - weight) * losses[-1]
            accuracy = weight * accuracy + (1 - weight) * accuracies[-1]
        xs.append(point.epoch)
        losses.append(loss)
        accuracies.append(min(max(accuracy, 0.0), 1.0))
        previous_epoch, previous_step, previous = epoch, step, (point.loss, point.accuracy)
    return xs, losses, accuracies


def training_curves(
    batches,
    epochs: list[dict],
    labels: dict[str, str],
    reference: float | None = SEED_ACCURACY,
    total_epochs: int | None = None,
    marks: dict | None = None,
) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Loss and accuracy as two Vega-Lite charts: smoothed batch values as a line, epochs as points.

    Redrawn every second while a run trains, so the chart is built for cheap updates: the spec
    depends only on the labels and the planned epochs, so between two redraws only the data
    changes and the browser updates the drawn chart in place (Vega's canvas, no re-layout);
    Plotly redrew the whole SVG figure several times per update, which cost Chromium about a
    quarter of a core. The record is bounded, so the data stays a few hundred rows.
    The loss chart also draws the learning rate on a second axis; `marks` ({"drops": [epochs that
    began with a lower rate], "stopped": epoch or None, "kept": epoch or None}) adds labelled rules
    where the rate dropped, where early stopping stopped and which epoch's weights were kept.
    Returns {"loss": (data, spec), "accuracy": (data, spec)} for `st.vega_lite_chart`."""
    import pandas as pd

    batch_x, batch_loss, batch_accuracy = smoothed_batches(batches)
    series = [labels["batches"], labels["train"], labels["validation"]]
    rate_label = labels.get("learning_rate", "learning rate")
    rates = rate_points(batches, epochs)
    mark_rows = _mark_rows(marks or {}, labels)
    charts = {}
    for metric, values in (("loss", batch_loss), ("accuracy", batch_accuracy)):
        rows = [(x, value, labels["batches"]) for x, value in zip(batch_x, values)]
        for record in epochs:
            if record.get(metric) is not None:
                rows.append((record["epoch"], record[metric], labels["train"]))
            if record.get(f"val_{metric}") is not None:
                rows.append((record["epoch"], record[f"val_{metric}"], labels["validation"]))
        if metric == "loss":
            rows += [(x, rate, rate_label) for x, rate in rates]
        rows += mark_rows
        data = pd.DataFrame([(*row, None)[:4] for row in rows], columns=["epoch", "value", "series", "note"])
        x = {"field": "epoch", "type": "quantitative", "title": labels["epoch"]}
        if total_epochs:
            x["scale"] = {"domain": [0, total_epochs]}
        # The chart's title names the metric. Ticks in short form ("2.5", not "2.500000"), and an
        # axis from 0 before the first value arrives (an empty loss axis was labelled 0.000000).
        y = {"field": "value", "type": "quantitative", "title": None, "axis": {"format": "~g"}}
        if metric == "accuracy":
            y["scale"] = {"domain": [0, 1]}
            y["axis"] = {"format": ".0%"}
        else:
            y["scale"] = {"zero": True}
            if not any(row[2] in series for row in rows):
                y["scale"]["domain"] = [0, 1]
        with_rate = metric == "loss" and bool(rates)
        domain = series + [rate_label] * with_rate
        legend = {"orient": "bottom", "direction": "vertical"}
        # Colour, dash and marker share one field, domain and legend: Vega-Lite draws one legend
        # whose symbols show all three.
        colour = {
            "field": "series",
            "type": "nominal",
            "title": None,
            "scale": {
                "domain": domain,
                "range": [TRAIN_COLOUR, TRAIN_COLOUR, VALIDATION_COLOUR] + [RATE_COLOUR] * with_rate,
            },
            "legend": legend,
        }
        dash = {**colour, "scale": {"domain": domain, "range": [SOLID, SOLID, DASHED] + [DOTTED] * with_rate}}
        shape = {
            **colour,
            "scale": {"domain": domain, "range": ["stroke", "circle", "square"] + ["stroke"] * with_rate},
        }
        layers = [
            {
                "transform": [{"filter": {"field": "series", "equal": labels["batches"]}}],
                "mark": {"type": "line", "opacity": 0.5, "strokeWidth": 1.5, "aria": False},
                "encoding": {"x": x, "y": y, "color": colour, "strokeDash": dash},
            },
            {
                "transform": [{"filter": {"field": "series", "oneOf": series[1:]}}],
                "mark": {"type": "line", "aria": False},
                "encoding": {"x": x, "y": y, "color": colour, "strokeDash": dash},
            },
            {
                "transform": [{"filter": {"field": "series", "oneOf": series[1:]}}],
                "mark": {"type": "point", "filled": True, "size": 40, "aria": False},
                "encoding": {"x": x, "y": y, "color": colour, "shape": shape},
            },
        ]
        if metric == "accuracy" and reference is not None:
            layers.append(
                {
                    "data": {"values": [{"reference": reference, "label": labels["reference"]}]},
                    "layer": [
                        {
                            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6b7280", "aria": False},
                            "encoding": {"y": {"field": "reference", "type": "quantitative"}},
                        },
                        {
                            "mark": {"type": "text", "align": "right", "dy": -6, "color": "#4b5563", "aria": False},
                            "encoding": {
                                "y": {"field": "reference", "type": "quantitative"},
                                "x": {"value": "width"},
                                "text": {"field": "label"},
                            },
                        },
                    ],
                }
            )
        layers += _mark_layers(x) if mark_rows else []
        if with_rate:  # the rate on its own right-hand axis: the metric layers share the left one
            layers = [{"layer": layers}, _rate_layer(x, colour, dash, rate_label)]
        # autosize "fit-x": the width fits the column, the 280 px are the plot's own. With Streamlit's
        # default ("fit") the legend below and the rate's axis came out of the 280, leaving a sliver.
        # The summary sentence and the table under the charts (ui/alt_text.py) say what they show;
        # the chart names itself (a constant description: the spec must not change as data comes in).
        spec = {
            "name": f"live-{metric}",
            "title": labels[metric],
            "description": labels[metric],
            "height": 280,
            "autosize": {"type": "fit-x", "contains": "padding"},
            "layer": layers,
        }
        if with_rate:
            spec["resolve"] = {"scale": {"y": "independent"}}
        charts[metric] = (data, spec)
    return charts


def rate_points(batches, epochs: list[dict]) -> list[tuple[float, float]]:
    """(epoch position, learning rate), drawn as a staircase: each epoch record's rate from where
    the epoch began (record["epoch"] - 1), the batch points' rates in between (cosine's curve)."""
    points: dict[float, float] = {}
    for point in batches:
        if getattr(point, "learning_rate", None) is not None:
            points[point.epoch] = point.learning_rate
    for record in epochs:  # after the batches: a plateau's drop takes effect at the epoch's start
        if record.get("learning_rate") is not None:
            points[record["epoch"] - 1] = record["learning_rate"]
    if epochs and epochs[-1].get("learning_rate") is not None:  # carry the last rate to the last epoch's end
        points.setdefault(epochs[-1]["epoch"], points[max(points)])
    return sorted(points.items())


def _mark_rows(marks: dict, labels: dict[str, str]) -> list[tuple]:
    """Rows (x, None, kind, label) for the rules: a rate drop at the start of its epoch, early
    stopping and the kept weights at the end of theirs."""
    rows = [(epoch - 1, None, "drop", labels.get("rate_drop", "rate drop")) for epoch in marks.get("drops") or ()]
    if marks.get("stopped"):
        rows.append((marks["stopped"], None, "stopped", labels.get("stopped", "early stop")))
    if marks.get("kept"):
        rows.append((marks["kept"], None, "kept", labels.get("kept", "weights kept")))
    return rows


def _mark_layers(x: dict) -> list[dict]:
    """A dashed rule and a label per kind of mark, each in its own colour (not in the legend)."""
    layers = []
    for kind, (colour, offset) in MARK_STYLES.items():
        keep = [{"filter": {"field": "series", "equal": kind}}]
        layers.append(
            {
                "transform": keep,
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": colour, "strokeWidth": 1.5, "aria": False},
                "encoding": {"x": x, "tooltip": [{"field": "note"}, {"field": "epoch", "title": x["title"]}]},
            }
        )
        layers.append(
            {
                "transform": keep,
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 3,
                    "dy": offset,
                    "color": colour,
                    "aria": False,
                },  # fmt: skip
                "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "note"}},
            }
        )
    return layers


def _rate_layer(x: dict, colour: dict, dash: dict, title: str) -> dict:
    return {
        "transform": [{"filter": {"field": "series", "equal": title}}],
        "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 1.5, "opacity": 0.8, "aria": False},
        "encoding": {
            "x": x,
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": title,
                "axis": {"orient": "right", "titleColor": RATE_COLOUR, "format": ".1e"},
            },
            "color": colour,
            "strokeDash": dash,
        },
    }


def confusion_heatmap(matrix: np.ndarray, classes: tuple[str, ...], labels: dict[str, str]) -> go.Figure:
    """counts[true, predicted] as a heatmap whose cells can be clicked.

    Plotly cannot select a heatmap cell, so (as on the Learn page) an invisible point sits at each
    cell centre carrying (true, predicted); with `hoverdistance=-1` a click anywhere in a cell
    selects its point. Axes are numeric with the class names as tick labels (names may repeat)."""
    classes = tuple(for_chart(name) for name in classes)  # a zip's folder names: shown as text
    n = len(classes)
    figure = go.Figure(
        go.Heatmap(
            z=matrix,
            x=list(range(n)),
            y=list(range(n)),
            colorscale="Blues",
            texttemplate="%{z}",
            colorbar={"title": {"text": labels["count"]}},
            hoverinfo="skip",
        )
    )
    true, predicted = np.mgrid[0:n, 0:n]
    figure.add_trace(
        go.Scatter(
            x=predicted.ravel(),
            y=true.ravel(),
            mode="markers",
            marker={"size": 12, "color": "rgba(0,0,0,0)"},
            customdata=np.stack(
                [true.ravel(), predicted.ravel(), matrix.ravel(), np.repeat(classes, n), np.tile(classes, n)], axis=1
            ),
            hovertemplate=labels.get("hover", "%{customdata[2]}") + "<extra></extra>",
            showlegend=False,
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
        )
    )
    ticks = {"tickmode": "array", "tickvals": list(range(n)), "ticktext": list(classes), "showgrid": False}
    figure.update_xaxes(title=labels["predicted"], side="top", range=[-0.5, n - 0.5], zeroline=False, **ticks)
    figure.update_yaxes(title=labels["true"], range=[n - 0.5, -0.5], zeroline=False, **ticks)
    figure.update_layout(
        height=max(320, 34 * n + 120),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="closest",
        hoverdistance=-1,  # the nearest cell centre answers: a click anywhere in a cell picks it
        dragmode=False,
        clickmode="event+select",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return figure


def clicked_cell(event) -> tuple[int, int] | None:
    """(true, predicted) of the confusion-matrix cell chosen in st.plotly_chart's selection event."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        data = point.get("customdata")
        if data is not None and len(data) >= 2:
            return int(data[0]), int(data[1])
    return None


def per_class_bars(values: np.ndarray, classes: tuple[str, ...], title: str) -> go.Figure:
    """Accuracy per class; a click on a bar selects that class (its point index is the class)."""
    import plotly.express as px

    classes = tuple(for_chart(name) for name in classes)
    figure = px.bar(
        x=list(range(len(classes))), y=values, labels={"x": "", "y": title}, range_y=[0, 1], text_auto=".0%"
    )
    figure.update_xaxes(tickmode="array", tickvals=list(range(len(classes))), ticktext=list(classes))
    figure.update_layout(
        height=280,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        dragmode=False,
        clickmode="event+select",
        hovermode="x",  # anywhere above a class picks its bar, however short (2% is a sliver)
    )
    return figure


def clicked_bar(event) -> int | None:
    """The class whose bar was clicked in `per_class_bars`, from st.plotly_chart's selection event."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        if point.get("point_index") is not None:
            return int(point["point_index"])
    return None


def probability_bars(top: list[tuple[str, float]], title: str) -> go.Figure:
    import plotly.express as px

    names = [for_chart(name) for name, _ in top][::-1]
    values = [value for _, value in top][::-1]
    figure = px.bar(x=values, y=names, orientation="h", range_x=[0, 1], text_auto=".1%", labels={"x": title, "y": ""})
    figure.update_layout(height=60 + 32 * len(top), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def runs_overlay(series: list[tuple[str, list[dict]]], metric: str, labels: dict[str, str]) -> go.Figure:
    """One line per run: `metric` over epochs."""
    figure = go.Figure()
    for index, (name, history) in enumerate(series):
        name = for_chart(name)  # a run's or sharer's name
        figure.add_trace(
            go.Scatter(
                x=[r["epoch"] for r in history], y=[r.get(metric) for r in history], mode="lines+markers", name=name,
                line={"color": OKABE_ITO[index % len(OKABE_ITO)], "dash": LINE_DASHES[index // len(OKABE_ITO) % 3]},
                marker={"symbol": MARKERS[index % len(MARKERS)], "size": 7},
            )
        )  # fmt: skip
    figure.update_layout(
        height=320,
        xaxis_title=labels["epoch"],
        yaxis_title=labels[metric],
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        legend={"orientation": "h", "y": -0.3},
    )
    return figure


PAGE_WIDTH = 1460  # Streamlit's widest picture (2 × 730 px): it resizes wider ones, blurring them


def enlarge(image: np.ndarray, scale: int = 6) -> bytes:
    """A small image blown up with hard pixel edges (the browser would blur it), as PNG bytes for
    `st.image(..., output_format="PNG")`, which then passes them on untouched. The scale shrinks
    until the picture fits PAGE_WIDTH: a wider array made Streamlit encode it as JPEG, decode it,
    resize it (blurring the edges) and encode it again, on every run (py-spy: most of the Inside
    page's time with a class of students)."""
    import io

    from PIL import Image

    if image.dtype != np.uint8:
        image = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    scale = max(1, min(scale, PAGE_WIDTH // image.shape[1]))
    picture = Image.fromarray(np.repeat(np.repeat(image, scale, axis=0), scale, axis=1))
    encoded = io.BytesIO()
    picture.save(encoded, format="PNG", compress_level=1)  # flat blocks: small even when fast
    return encoded.getvalue()


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


def class_curves(
    series: list[tuple[str, object, list[dict]]], labels: dict[str, str], epochs: int | None = None
) -> go.Figure:
    """The Class page's overlay: one colour per student; their training accuracy as it grows
    (smoothed batch reports, thin) and their test accuracy at each epoch's end (line with markers).
    `series`: (student, batch points, epoch records); `epochs`: the lesson's, the x axis's length
    from the start (Plotly's own range for an empty chart ran from -1 to 6). Before any point
    exists the chart says it waits (`labels["waiting"]`)."""

    figure = go.Figure()
    palette = OKABE_ITO
    for index, (name, batches, history) in enumerate(series):
        name = for_chart(name)  # the name a student gave
        colour = palette[index % len(palette)]
        batch_x, _, batch_accuracy = smoothed_batches(batches)
        figure.add_trace(
            go.Scatter(
                x=batch_x, y=batch_accuracy, mode="lines", name=name, legendgroup=name, showlegend=False,
                line={"color": colour, "width": 1}, opacity=0.45,
                hovertemplate=f"{name} · {labels['train']}: %{{y:.1%}}",
            )
        )  # fmt: skip
        tested = [r for r in history if r.get("val_accuracy") is not None]
        figure.add_trace(
            go.Scatter(
                x=[r["epoch"] for r in tested], y=[r["val_accuracy"] for r in tested], mode="lines+markers",
                name=name, legendgroup=name, line={"color": colour, "width": 2},
                marker={"symbol": MARKERS[index % len(MARKERS)], "size": 7},
                hovertemplate=f"{name} · {labels['test']}: %{{y:.1%}}",
            )
        )  # fmt: skip
    if not any(len(trace.x or ()) for trace in figure.data) and labels.get("waiting"):
        figure.add_annotation(
            text=labels["waiting"], x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
            font={"size": 15, "color": "#64748b"},
        )  # fmt: skip
    figure.update_layout(
        height=380,
        xaxis={"title": labels["epoch"], "range": [0, epochs], "dtick": 1 if epochs <= 20 else None}
        if epochs
        else {"title": labels["epoch"]},
        yaxis={"title": labels["accuracy"], "range": [0, 1], "tickformat": ".0%"},
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure
