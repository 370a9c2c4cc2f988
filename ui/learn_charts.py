"""Figures and formulas of the Learn page: clickable feature maps, the patch outlined on the input,
the probability and loss curves, and the LaTeX with the model's own numbers put in.

Plotly cannot select a heatmap cell by clicking it, so every map carries an invisible scatter
point at each cell centre; with `hoverdistance=-1` the point nearest the click, i.e. the cell
clicked, is the one selected, and its (x, y) is (column, row).
"""

from __future__ import annotations

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
from PIL import Image

from ui.text import for_chart

HIGHLIGHT = "#e11d48"  # the chosen cell and the patch under it
MAP_HEIGHT = 340
_CLICK_CONFIG = {"displayModeBar": False}


def clickable_map(
    values: np.ndarray,
    chosen: tuple[int, int] | None,
    hover: str,
    height: int = MAP_HEIGHT,
    rgb: bool = False,
    colour_scale: str = "Viridis",
) -> go.Figure:
    """One 2-D map (or an RGB image) whose cells can be clicked; `chosen` is outlined."""
    rows, cols = values.shape[:2]
    if rgb:
        figure = px.imshow(values, binary_string=True)
        figure.update_traces(hoverinfo="skip", hovertemplate=None)
    else:
        figure = go.Figure(go.Heatmap(z=values, colorscale=colour_scale, showscale=False, hoverinfo="skip"))
    r, c = np.mgrid[0:rows, 0:cols]
    text = values.reshape(rows * cols, -1)[:, 0] if not rgb else np.zeros(rows * cols)
    figure.add_trace(
        go.Scatter(
            x=c.ravel(),
            y=r.ravel(),
            mode="markers",
            marker={"size": max(4, min(24, 300 // max(rows, cols))), "color": "rgba(0,0,0,0)"},
            customdata=np.stack([r.ravel(), c.ravel(), text], axis=1),
            hovertemplate=hover,
            name="",
            showlegend=False,
            # Plotly dims the unselected points; they are invisible anyway, and the outline is ours.
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
        )
    )
    if chosen is not None:
        outline(figure, chosen[0], chosen[0], chosen[1], chosen[1])
    _square_axes(figure, rows, cols, height)
    return figure


def overview_columns(channels: int) -> int:
    return min(16, channels)


def channel_overview(output: np.ndarray, chosen: int, height: int | None = None) -> go.Figure:
    """Every channel of a layer's output as a small map in a grid; a click on one chooses it."""
    from classifier.core.inspect import tile

    rows, cols, count = output.shape
    columns = overview_columns(count)
    grid = (tile(np.moveaxis(output, -1, 0), columns=columns) * 255).astype(np.uint8)
    figure = px.imshow(grid, binary_string=True)
    figure.update_traces(hoverinfo="skip", hovertemplate=None)
    k = np.arange(count)
    top, left = (k // columns) * (rows + 1), (k % columns) * (cols + 1)
    figure.add_trace(
        go.Scatter(
            x=left + (cols - 1) / 2,
            y=top + (rows - 1) / 2,
            mode="markers",
            marker={"size": 10, "color": "rgba(0,0,0,0)"},
            customdata=k,
            hovertemplate="c = %{customdata}<extra></extra>",
            showlegend=False,
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
        )
    )
    r, q = divmod(chosen, columns)
    outline(figure, r * (rows + 1), r * (rows + 1) + rows - 1, q * (cols + 1), q * (cols + 1) + cols - 1)
    shown_rows = -(-count // columns)
    _square_axes(figure, grid.shape[0], grid.shape[1], height or int(60 + 780 * shown_rows / columns))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def chosen_channel(event, rows: int, cols: int, channels: int) -> int | None:
    """The channel whose tile was clicked in `channel_overview`."""
    cell = chosen_cell(event)
    if cell is None:
        return None
    channel = (cell[0] // (rows + 1)) * overview_columns(channels) + cell[1] // (cols + 1)
    return channel if 0 <= channel < channels else None


def picture(values: np.ndarray, rows: list[int], cols: list[int], rgb: bool, height: int = MAP_HEIGHT) -> go.Figure:
    """The layer's input (the image, or one channel of the map below) with the window outlined."""
    if rgb:
        figure = px.imshow(values, binary_string=True)
    else:
        figure = go.Figure(go.Heatmap(z=values, colorscale="Viridis", showscale=False))
    figure.update_traces(hovertemplate="row %{y}, column %{x}<extra></extra>")
    inside_rows = [r for r in rows if r >= 0] or [0]
    inside_cols = [c for c in cols if c >= 0] or [0]
    outline(figure, min(inside_rows), max(inside_rows), min(inside_cols), max(inside_cols))
    _square_axes(figure, values.shape[0], values.shape[1], height)
    return figure


def outline(figure: go.Figure, top: int, bottom: int, left: int, right: int) -> None:
    """A red frame around the cells, on a white one so it shows on dark and bright maps alike."""
    for colour, width in (("white", 5), (HIGHLIGHT, 2.5)):
        figure.add_shape(
            type="rect",
            x0=left - 0.5,
            x1=right + 0.5,
            y0=top - 0.5,
            y1=bottom + 0.5,
            line={"color": colour, "width": width},
        )


def _square_axes(figure: go.Figure, rows: int, cols: int, height: int) -> None:
    figure.update_xaxes(range=[-0.5, cols - 0.5], showgrid=False, zeroline=False, constrain="domain")
    figure.update_yaxes(range=[rows - 0.5, -0.5], showgrid=False, zeroline=False, scaleanchor="x", constrain="domain")
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        hovermode="closest",
        hoverdistance=-1,  # the nearest cell centre always answers: a click anywhere in a cell picks it
        dragmode=False,
        clickmode="event+select",
        plot_bgcolor="rgba(0,0,0,0)",
    )


def chosen_cell(event) -> tuple[int, int] | None:
    """(row, column) of the clicked cell from st.plotly_chart's selection event, if any."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:  # the cell centre's coordinates: x is the column, y the row
        if point.get("x") is not None and point.get("y") is not None:
            return int(round(float(point["y"]))), int(round(float(point["x"])))
    return None


def probability_bars(classes: tuple[str, ...], probabilities: np.ndarray, true: int, label: str) -> go.Figure:
    colours = [HIGHLIGHT if i == true else "#94a3b8" for i in range(len(classes))]
    classes = [for_chart(name) for name in classes]
    figure = go.Figure(
        go.Bar(x=list(classes), y=probabilities, marker_color=colours, text=[f"{p:.1%}" for p in probabilities])
    )
    figure.update_traces(textposition="outside", cliponaxis=False)
    figure.update_layout(
        height=260, margin={"l": 10, "r": 10, "t": 20, "b": 10}, yaxis={"range": [0, 1.1], "title": label}
    )
    return figure


def minus_log_curve(p: float, marks: list[tuple[float, str]], labels: dict[str, str]) -> go.Figure:
    """The shape of −log p on (0, 1], with the slider's p and the image's own p marked."""
    grid = np.linspace(0.005, 1, 400)
    figure = go.Figure(go.Scatter(x=grid, y=-np.log(grid), mode="lines", name="−log p", line={"color": "#2563eb"}))
    for value, name in [(p, labels["slider"]), *marks]:
        figure.add_trace(
            go.Scatter(
                x=[value],
                y=[-np.log(max(value, 1e-7))],
                mode="markers+text",
                text=[f"{name}: −log {value:.2f} = {-np.log(max(value, 1e-7)):.2f}"],
                textposition="top right" if value < 0.6 else "top left",
                marker={"size": 11},
                showlegend=False,
            )
        )
    figure.update_layout(
        height=280,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": labels["x"], "range": [0, 1.02]},
        yaxis={"title": labels["y"], "range": [0, 5.5]},
        showlegend=False,
    )
    return figure


def loss_curve(losses: list[float], rates: list[float], labels: dict[str, str]) -> go.Figure:
    """The batch loss after each step (step 0: before any)."""
    shown = [value if np.isfinite(value) else None for value in losses]
    figure = go.Figure(
        go.Scatter(
            x=list(range(len(losses))),
            y=shown,
            mode="lines+markers",
            customdata=[None, *rates],
            hovertemplate=(
                f"{labels['step']} %{{x}}<br>{labels['loss']} %{{y:.4f}}<br>α = %{{customdata}}<extra></extra>"
            ),
            line={"color": "#2563eb"},
        )
    )
    finite = [value for value in shown if value is not None]
    log = bool(finite) and max(finite) / max(min(finite), 1e-9) > 50  # a blow-up: a log axis keeps the start visible
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": labels["step"], "dtick": max(1, len(losses) // 10)},
        yaxis={"title": labels["loss"], "type": "log" if log else "linear"},
    )
    return figure


def sweep_chart(
    parameters: tuple[float, ...],
    thumbnails: np.ndarray,
    series: list[tuple[str, np.ndarray, np.ndarray, tuple[str, ...]]],
    true: int,
    labels: dict[str, str],
) -> go.Figure:
    """p(true class) along one sweep, one line per model; each point labelled with the class the
    model predicts (a cross when that is not the true class); the versions shown above the axis."""
    colours = ("#2563eb", "#ea580c")
    figure = go.Figure()
    for n, (name, probabilities, predicted, classes) in enumerate(series):
        name, classes = for_chart(name), [for_chart(c) for c in classes]  # a model's file and class names
        right = predicted == true
        figure.add_trace(
            go.Scatter(
                x=parameters,
                y=probabilities[:, true],
                mode="lines+markers+text",
                name=name,
                line={"color": colours[n % 2], "width": 2},
                marker={"symbol": ["circle" if r else "x" for r in right], "size": 11, "color": colours[n % 2]},
                text=[classes[p] for p in predicted],
                textposition="bottom center" if n else "top center",
                textfont={"size": 10, "color": colours[n % 2]},
                customdata=[[classes[p], probabilities[i, p]] for i, p in enumerate(predicted)],
                hovertemplate=(
                    f"{labels['parameter']} %{{x}}<br>{labels['p_true']} %{{y:.1%}}"
                    f"<br>{labels['predicted']} %{{customdata[0]}} (%{{customdata[1]:.1%}})<extra>{name}</extra>"
                ),
            )
        )
    step = (parameters[-1] - parameters[0]) / max(1, len(parameters) - 1)
    for parameter, thumbnail in zip(parameters, thumbnails):
        figure.add_layout_image(
            source=Image.fromarray(np.repeat(np.repeat(thumbnail, 2, axis=0), 2, axis=1)),
            xref="x",
            yref="paper",
            x=parameter,
            y=1.02,
            sizex=step * 0.9,
            sizey=0.3,
            xanchor="center",
            yanchor="bottom",
            layer="above",
        )
    figure.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        xaxis={
            "title": labels["parameter"],
            "tickvals": list(parameters),
            "range": [parameters[0] - step * 0.6, parameters[-1] + step * 0.6],
        },
        yaxis={"title": labels["p_true"], "range": [-0.08, 1.12], "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.25},
        hovermode="closest",
    )
    return figure


# --- formulas -----------------------------------------------------------------------------------


def number(value: float, digits: int = 4) -> str:
    """A number for LaTeX; negatives in brackets so that 'x · (−0.12)' reads right."""
    text = f"{value:.{digits}f}"
    return f"({text})" if value < 0 else text


def matrix(values: np.ndarray, digits: int = 3, boxed: tuple[int, int] | None = None) -> str:
    rows = []
    for p, row in enumerate(values):
        cells = []
        for q, value in enumerate(row):
            cell = r"\cdot" if np.isnan(value) else f"{value:.{digits}f}"
            cells.append(rf"\boxed{{{cell}}}" if boxed == (p, q) else cell)
        rows.append(" & ".join(cells))
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def substituted_sum(patch: np.ndarray, kernel: np.ndarray, total: float, name: str) -> str:
    """name = x(0,0)·k(0,0) + x(0,1)·k(0,1) + … with the numbers put in, one kernel row per line."""
    lines = [
        " + ".join(f"{number(x, 3)} \\cdot {number(k, 3)}" for x, k in zip(patch_row, kernel_row))
        for patch_row, kernel_row in zip(patch, kernel)
    ]
    body = r" \\ &\quad + ".join(lines)
    return rf"\begin{{aligned}} {name} &= {body} \\ &= {total:.6f} \end{{aligned}}"
