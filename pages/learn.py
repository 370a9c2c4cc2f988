"""Learn: the tutorial's formulas (§3.3) and one of its claims (§2.3), worked out live on the
student's own network. The numbers come from classifier.teach.learn / classifier.challenges.probe; this page only
picks, draws and explains."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import streamlit as st

from classifier.challenges import probe
from classifier.teach import learn
from ui import learn_charts as charts
from ui import require_app, widgets
from ui.i18n import class_names, labels, say, t
from ui.text import Markdown, for_latex, plain

require_app()

SECTIONS = ("conv", "pool", "loss", "step", "probe")
RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RGB = ("R", "G", "B")
LOSS_BATCH_SEED = 0


def worked_out(loaded, function, *args):
    """A package computation on the chosen model; a model that cannot be taken apart, or a request
    it cannot answer, gets its message in the reader's language instead of a traceback."""
    try:
        with loaded.lock:
            return function(loaded.model, *args)
    except Exception as error:  # noqa: BLE001 - LearnError, or anything an uploaded model raises
        st.error(say(error))
        return None


def agreement(value: float, keras_value: float, keras_label: str) -> None:
    """The formula's number beside Keras's, and whether they agree to 1e-4."""
    left, middle, right = st.columns(3)
    left.metric(t("learn.formula_value"), f"{value:.6f}")
    middle.metric(keras_label, f"{keras_value:.6f}")
    right.metric(t("learn.difference"), f"{abs(value - keras_value):.1e}")
    if learn.agrees(value, keras_value):
        st.success(t("learn.agree"), icon=":material/check_circle:")
    else:
        st.error(t("learn.disagree", difference=abs(value - keras_value)))


def remember_click(chart_key: str, cell_key: str) -> None:
    """on_select callback: keep the clicked cell. The chart's own selection is lost when the figure
    changes (the outline moves), so the cell lives in session state."""
    cell = charts.chosen_cell(st.session_state.get(chart_key))
    if cell is not None:
        st.session_state[cell_key] = cell


def clicked_map(figure, chart_key: str, cell_key: str) -> None:
    st.plotly_chart(
        figure,
        key=chart_key,
        on_select=functools.partial(remember_click, chart_key, cell_key),
        selection_mode="points",
        config={"displayModeBar": False},
    )


def remember_channel(chart_key: str, slider_key: str, shape: tuple[int, int, int]) -> None:
    """on_select callback of the channel overview: the clicked tile's channel moves the slider."""
    channel = charts.chosen_channel(st.session_state.get(chart_key), *shape)
    if channel is not None:
        st.session_state[slider_key] = channel


def channel_picker(output: np.ndarray, channel: int, layer: str, slider_key: str) -> None:
    """All the layer's channels, small; a click on one chooses it (as the slider does)."""
    st.caption(t("learn.channels", layer=layer, count=output.shape[-1]))
    chart_key = f"{slider_key}_overview"
    st.plotly_chart(
        charts.channel_overview(output, channel),
        key=chart_key,
        on_select=functools.partial(remember_channel, chart_key, slider_key, output.shape),
        selection_mode="points",
        config={"displayModeBar": False},
    )


def cell_for(cell_key: str, rows: int, cols: int) -> tuple[int, int]:
    """The cell chosen on this map, or its centre before any click; also two number fields that
    choose it from the keyboard (a click on the map is the mouse's way; the fields follow it)."""
    cell = st.session_state.get(cell_key)
    if not cell or not (0 <= cell[0] < rows and 0 <= cell[1] < cols):
        cell = (rows // 2, cols // 2)
        st.session_state[cell_key] = cell
    st.session_state[f"{cell_key}_i"], st.session_state[f"{cell_key}_j"] = int(cell[0]), int(cell[1])
    left, right = st.columns(2)
    for column, axis, size, label in ((left, "i", rows, "learn.cell_row"), (right, "j", cols, "learn.cell_col")):
        column.number_input(
            t(label), 0, size - 1, step=1, key=f"{cell_key}_{axis}", on_change=_typed_cell, args=(cell_key,)
        )
    return tuple(cell)


def _typed_cell(cell_key: str) -> None:
    st.session_state[cell_key] = (st.session_state[f"{cell_key}_i"], st.session_state[f"{cell_key}_j"])


def true_class(loaded, label: int | None) -> int | None:
    """The image's label; an upload's true class is the student's to say (None until they do)."""
    if label is not None:
        st.markdown(t("learn.true_label", label=class_names(loaded.classes)[label]))
        return label
    chosen = st.selectbox(
        t("learn.true_class"),
        range(len(loaded.classes)),
        index=None,
        format_func=class_names(loaded.classes).__getitem__,
        placeholder=t("learn.true_class_placeholder"),
        key="learn_true_class",
    )
    if chosen is None:
        st.info(t("learn.true_class_needed"))
    return chosen


# --- 1. convolution -----------------------------------------------------------------------------


@st.fragment
def convolution_section(loaded, image: np.ndarray) -> None:
    st.markdown(t("learn.conv.doc"))
    st.latex(r"y(i,j) = \sum_{p=0}^{P-1}\sum_{q=0}^{Q-1} x(i+p,\,j+q)\cdot k(p,q)")
    layers = learn.conv_layers(loaded.model)
    if not layers:
        st.info(t("learn.no_conv"))
        return
    left, right = st.columns(2)
    layer = left.selectbox(t("learn.conv.layer"), layers, key="learn_conv_layer")
    rows, cols, channels = learn.output_shape(loaded.model, layer)
    slider_key = f"learn_conv_channel_{layer}"
    channel = right.slider(t("learn.conv.channel"), 0, channels - 1, key=slider_key) if channels > 1 else 0
    cell_key, chart_key = f"learn_conv_cell_{layer}", f"learn_conv_map_{layer}_{channel}"
    i, j = cell_for(cell_key, rows, cols)
    explained = worked_out(loaded, learn.explain_conv, image, layer, (i, j, channel))
    if explained is None:
        return
    channel_picker(explained.output, channel, layer, slider_key)
    x = explained.input
    detail = 0
    if x.shape[-1] > 3:
        detail = st.slider(t("learn.conv.detail"), 0, x.shape[-1] - 1, key=f"learn_conv_detail_{layer}")
    picture_column, map_column = st.columns(2)
    with picture_column:
        if explained.source is None:
            st.caption(t("learn.conv.input_image"))
            st.plotly_chart(charts.picture(image, explained.rows, explained.cols, rgb=True), key="learn_conv_input")
        else:
            st.caption(t("learn.conv.input_map", source=explained.source, channel=detail, channels=x.shape[-1]))
            figure = charts.picture(x[..., detail], explained.rows, explained.cols, rgb=False)
            st.plotly_chart(figure, key="learn_conv_input")
    with map_column:
        st.caption(t("learn.conv.output_map", layer=layer, channel=channel, rows=rows, cols=cols, i=i, j=j))
        hover = "i = %{customdata[0]}, j = %{customdata[1]}<br>y = %{customdata[2]:.4f}<extra></extra>"
        clicked_map(charts.clickable_map(explained.output[..., channel], (i, j), hover), chart_key, cell_key)
    st.caption(t("learn.conv.click"))
    conv_numbers(explained, detail)


def conv_formula(explained: learn.ConvExplanation) -> str:
    """The layer's own formula: its stride, padding, bias and activation written in."""

    def index(out: str, tap: str, stride: int, dilation: int, pad: int) -> str:
        text = out + (rf"\cdot {stride}" if stride > 1 else "") + "+" + (f"{dilation}{tap}" if dilation > 1 else tap)
        return text + (f"-{pad}" if pad else "")

    row = index("i", "p", explained.stride[0], explained.dilation[0], explained.padding_before[0])
    col = index("j", "q", explained.stride[1], explained.dilation[1], explained.padding_before[1])
    total = rf"\sum_{{ch=0}}^{{C-1}} \sum_{{p=0}}^{{P-1}}\sum_{{q=0}}^{{Q-1}} x({row},\, {col},\, ch)\cdot k(p,q,ch,c)"
    inner = rf"b_c + {total}" if explained.use_bias else total
    if explained.activation == "linear":
        return rf"y(i,j,c) = {inner}"
    # Activations are Keras names ([a-z_]): upright in \mathrm, their "_" escaped (as \_ renders in math too).
    return rf"y(i,j,c) = \mathrm{{{for_latex(explained.activation)}}}\Big({inner}\Big)"


def conv_numbers(explained: learn.ConvExplanation, detail: int) -> None:
    i, j, c = explained.at
    layer, f = explained.layer, explained.activation
    if explained.stages:
        names = Markdown(", ".join(f"**{plain(stage.layer)}**" for stage in explained.stages))
        st.markdown(t("learn.conv.covers_split", layer=layer, stages=names))
    else:
        st.markdown(t("learn.conv.covers_fused", layer=layer, activation=f))
    st.markdown(t("learn.conv.real"))
    st.latex(conv_formula(explained))
    st.subheader(t("learn.conv.numbers", i=i, j=j, c=c))
    if -1 in explained.rows or -1 in explained.cols:
        st.caption(t("learn.padding"))
    count = explained.patch.shape[-1]
    for ch in range(count) if count <= 3 else [detail]:
        name = RGB[ch] if count == 3 else str(ch)
        st.markdown(t("learn.conv.slice", channel=name))
        x, k, products = explained.patch[..., ch], explained.kernel[..., ch], explained.products[..., ch]
        st.latex(rf"\small {charts.matrix(x)} \odot {charts.matrix(k)} = {charts.matrix(products, 4)}")
        st.latex(
            charts.substituted_sum(
                explained.patch[..., ch], explained.kernel[..., ch], explained.channel_sums[ch], rf"S_{{{name}}}"
            )
        )
    st.markdown(t("learn.conv.channels_add", count=count))
    sums = explained.channel_sums
    if count <= 3:
        names = [RGB[ch] if count == 3 else str(ch) for ch in range(count)]
        terms = " + ".join(charts.number(s, 6) for s in sums)
        st.latex(rf"\sum_{{ch}} S_{{ch}} = S_{{{'} + S_{'.join(names)}}} = {terms} = {explained.products_sum:.6f}")
    else:
        st.latex(
            rf"\sum_{{ch}} S_{{ch}} = S_{{0}} + S_{{1}} + \dots + S_{{{count - 1}}}"
            rf" = {charts.number(sums[0], 6)} + {charts.number(sums[1], 6)} + \dots + {charts.number(sums[-1], 6)}"
            rf" = {explained.products_sum:.6f}"
        )
        st.caption(t("learn.conv.channel_sums", count=count))
        st.bar_chart(pd.DataFrame({"S": sums}), height=160)
    result = rf"y({i},{j},{c}) = "
    if explained.use_bias:
        st.latex(
            rf"z = \sum_{{ch}} S_{{ch}} + b_{{{c}}} = {explained.products_sum:.6f} + {charts.number(explained.bias, 6)}"
            rf" = {explained.pre_activation:.6f}"
        )
        result += rf"\mathrm{{{for_latex(f)}}}(z) = " if f != "linear" else "z = "
    else:
        summed = r"\sum_{ch} S_{ch}"
        result += rf"\mathrm{{{for_latex(f)}}}\Big({summed}\Big) = " if f != "linear" else rf"{summed} = "
    st.latex(result + f"{explained.value:.6f}")
    agreement(explained.value, explained.keras_value, t("learn.keras_value", layer=layer))
    value = explained.value
    for stage in explained.stages:
        if stage.kind == "BatchNormalization":
            st.markdown(t("learn.stage.bn", layer=stage.layer))
            v = stage.inputs
            st.latex(
                rf"\hat y = \gamma\,\frac{{y-\mu}}{{\sqrt{{\sigma^2+\varepsilon}}}} + \beta"
                rf" = {v['gamma']:.4f}\cdot\frac{{{value:.6f} - {charts.number(v['mean'])}}}"
                rf"{{\sqrt{{{v['variance']:.4f} + {v['epsilon']:g}}}}} + {charts.number(v['beta'])}"
                rf" = {stage.value:.6f}"
            )
        else:
            st.markdown(t("learn.stage.act", layer=stage.layer))
            st.latex(rf"\mathrm{{{for_latex(stage.kind)}}}({value:.6f}) = {stage.value:.6f}")
        agreement(stage.value, stage.keras_value, t("learn.keras_value", layer=stage.layer))
        value = stage.value


# --- 2. max pooling -----------------------------------------------------------------------------


def readable_pool_cell(loaded, image: np.ndarray, layer: str, channel: int, rows: int, cols: int) -> tuple[int, int]:
    """The map's centre, unless ReLU left the centre's window all zeros on this channel ("0 = max
    of zeros" teaches nothing): then the cell of the strongest output."""
    centre = (rows // 2, cols // 2)
    try:
        with loaded.lock:
            explained = learn.explain_pool(loaded.model, image, layer, (*centre, channel))
    except Exception:  # noqa: BLE001 - the section's own call says what went wrong
        return centre
    if explained.window.any():
        return centre
    strongest = np.unravel_index(np.argmax(explained.output[..., channel]), explained.output.shape[:2])
    return int(strongest[0]), int(strongest[1])


@st.fragment
def pooling_section(loaded, image: np.ndarray) -> None:
    st.markdown(t("learn.pool.doc"))
    st.latex(r"y(i,j) = \max_{p,q \in N} x(i+p,\, j+q)")
    layers = learn.pool_layers(loaded.model)
    if not layers:
        st.info(t("learn.no_pool"))
        return
    left, right = st.columns(2)
    layer = left.selectbox(t("learn.pool.layer"), layers, key="learn_pool_layer")
    rows, cols, channels = learn.output_shape(loaded.model, layer)
    slider_key = f"learn_pool_channel_{layer}"
    channel = right.slider(t("learn.pool.channel"), 0, channels - 1, key=slider_key) if channels > 1 else 0
    cell_key, chart_key = f"learn_pool_cell_{layer}", f"learn_pool_map_{layer}_{channel}"
    if cell_key not in st.session_state:  # this layer's first view: a window worth reading
        st.session_state[cell_key] = readable_pool_cell(loaded, image, layer, channel, rows, cols)
    i, j = cell_for(cell_key, rows, cols)
    explained = worked_out(loaded, learn.explain_pool, image, layer, (i, j, channel))
    if explained is None:
        return
    channel_picker(explained.output, channel, layer, slider_key)
    picture_column, map_column = st.columns(2)
    with picture_column:
        st.caption(t("learn.pool.input", source=explained.source or t("learn.image_word"), channel=channel))
        figure = charts.picture(explained.input[..., channel], explained.rows, explained.cols, rgb=False)
        st.plotly_chart(figure, key="learn_pool_input")
    with map_column:
        st.caption(t("learn.pool.output", layer=layer, channel=channel, i=i, j=j))
        hover = "i = %{customdata[0]}, j = %{customdata[1]}<br>y = %{customdata[2]:.4f}<extra></extra>"
        clicked_map(charts.clickable_map(explained.output[..., channel], (i, j), hover), chart_key, cell_key)
    st.caption(t("learn.pool.click"))
    rows, cols = [r for r in explained.rows if r >= 0], [q for q in explained.cols if q >= 0]
    st.markdown(t("learn.pool.window", rows=f"{rows[0]}–{rows[-1]}", cols=f"{cols[0]}–{cols[-1]}"))
    (sh, sw), (ph, pw) = explained.stride, explained.window.shape
    st.latex(
        rf"y(i,j,c) = \max_{{0 \le p < {ph},\ 0 \le q < {pw}}} x({sh}i+p,\, {sw}j+q,\, c)"
        rf" \qquad x: \text{{{for_latex(explained.source or t('learn.image_word'))}}}"
    )
    st.latex(
        rf"N = {charts.matrix(explained.window, 4, boxed=explained.argmax)} \qquad "
        rf"y({i},{j}) = \max N = {explained.value:.6f}"
    )
    agreement(explained.value, explained.keras_value, t("learn.keras_value", layer=layer))


# --- 3. cross-entropy ---------------------------------------------------------------------------


@st.fragment
def loss_section(loaded, image: np.ndarray, label: int | None, dataset) -> None:
    st.markdown(t("learn.loss.doc"))
    st.latex(r"L = -\frac{1}{N}\sum_{n=1}^{N}\Big[y_n\log\hat y_n + (1-y_n)\log(1-\hat y_n)\Big]")
    st.markdown(t("learn.loss.onehot", count=len(loaded.classes)))
    st.latex(r"L = -\sum_{k} y_k \log p_k = -\log p_{\text{true class}}")
    label = true_class(loaded, label)
    if label is None:
        return
    explained = worked_out(loaded, learn.cross_entropy, image, label)
    if explained is None:
        return
    classes = class_names(loaded.classes)
    st.markdown(t("learn.loss.softmax"))
    st.latex(r"p_k = \frac{e^{z_k}}{\sum_m e^{z_m}}")
    table = {t("learn.col.class"): list(classes)}
    if explained.logits is not None:
        table[t("learn.col.logit")] = np.round(explained.logits, 4)
    else:
        st.caption(t("learn.loss.no_logits"))
    table[t("learn.col.p")] = np.round(explained.probabilities, 6)
    table[t("learn.col.keras_p")] = np.round(explained.keras_probabilities, 6)
    left, right = st.columns([2, 3])
    left.dataframe(pd.DataFrame(table), hide_index=True, key="learn_loss_table")
    right.plotly_chart(
        charts.probability_bars(classes, explained.probabilities, label, t("learn.col.p")), key="learn_loss_bars"
    )
    st.markdown(t("learn.loss.one", label=classes[label]))
    name = for_latex(classes[label])
    st.latex(rf"L = -\log p_{{\text{{{name}}}}} = -\log {explained.p_true:.6f} = {explained.loss:.6f}")
    agreement(explained.loss, explained.keras_loss, t("learn.keras_loss"))
    batch_loss(loaded, dataset)
    minus_log_shape(explained.p_true)


def batch_loss(loaded, dataset) -> None:
    st.subheader(t("learn.loss.batch", count=learn.STEP_BATCH))
    if dataset is None:
        st.info(t("learn.loss.no_batch"))
        return
    x, y = learn.fixed_batch(dataset.x_test, dataset.y_test, LOSS_BATCH_SEED)
    batch = worked_out(loaded, learn.batch_cross_entropy, x, y)
    if batch is None:
        return
    st.caption(t("learn.loss.batch_caption", count=len(y)))
    table = pd.DataFrame(
        {
            t("learn.col.true"): [class_names(loaded.classes)[k] for k in y],
            t("learn.col.p_true"): np.round(batch.p_true, 4),
            t("learn.col.loss"): np.round(batch.losses, 4),
        }
    )
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.dataframe(table, height=240, key="learn_batch_table")
    terms = " + ".join(f"{v:.3f}" for v in batch.losses[:3])
    right.latex(
        rf"L = \frac{{1}}{{{len(y)}}}\sum_{{n=1}}^{{{len(y)}}} -\log p_n"
        rf" = \frac{{{terms} + \dots + {batch.losses[-1]:.3f}}}{{{len(y)}}} = {batch.loss:.6f}"
    )
    agreement(batch.loss, batch.keras_loss, t("learn.evaluate"))


@st.fragment
def minus_log_shape(p_image: float) -> None:
    st.subheader(t("learn.loss.shape"))
    st.caption(t("learn.loss.shape_caption"))
    p = st.slider(t("learn.loss.p"), 0.01, 1.0, 0.5, 0.01, key="learn_loss_p")
    figure = charts.minus_log_curve(
        p,
        [(p_image, t("learn.loss.image_mark"))],
        {"slider": t("learn.loss.slider_mark"), "x": t("learn.loss.p"), "y": "L = −log p"},
    )
    st.plotly_chart(figure, key="learn_loss_shape", config={"displayModeBar": False})


# --- 4. gradient descent ------------------------------------------------------------------------


@st.fragment
def step_section(loaded, choice, dataset) -> None:
    st.markdown(t("learn.step.doc"))
    st.latex(r"\theta \leftarrow \theta - \alpha\,\nabla_\theta J(\theta)")
    if dataset is None:
        st.info(t("learn.step.no_data"))
        return
    variables = worked_out(loaded, lambda model: learn.trainable_variables(model))
    if not variables:
        return
    paths = [path for path, _ in variables]
    left, middle, right = st.columns(3)
    rate = left.select_slider(t("learn.step.rate"), RATES, value=0.001, key="learn_rate")
    variable = middle.selectbox(
        t("learn.step.variable"),
        paths,
        key="learn_variable",
        format_func=lambda path: f"{path} {'×'.join(map(str, dict(variables)[path]))}",
    )
    seed = right.number_input(t("learn.step.seed"), 0, 9999, 0, key="learn_seed")
    shape = dict(variables)[variable]
    which = middle.number_input(
        t("learn.step.which", count=int(np.prod(shape))),
        0,
        int(np.prod(shape)) - 1,
        value=None,
        placeholder=t("learn.step.which_auto"),
        key=f"learn_which_{variable}",
    )
    st.caption(t("learn.step.caption", count=learn.STEP_BATCH))
    # One copy of the weights per browser session, for this model and batch; never the saved run.
    state_key = (choice.label, choice.run_id, int(seed), id(loaded.model))
    state = st.session_state.get("learn_steps")
    one, ten, again = st.columns(3)
    if again.button(t("learn.step.reset"), icon=":material/restart_alt:", key="learn_step_reset") or (
        state is None or state["key"] != state_key
    ):
        weights = worked_out(loaded, lambda model: learn.weights_of(model))
        state = {"key": state_key, "weights": weights, "losses": [], "rates": [], "index": None, "last": None}
        st.session_state["learn_steps"] = state
    if which is not None:
        state["index"] = tuple(int(v) for v in np.unravel_index(int(which), shape))
    elif state.get("variable") != variable:
        state["index"] = None  # the largest gradient of the newly chosen weights, at the next step
    state["variable"] = variable
    steps = 0
    if one.button(t("learn.step.one"), icon=":material/footprint:", key="learn_step_one", type="primary"):
        steps = 1
    if ten.button(t("learn.step.ten"), icon=":material/fast_forward:", key="learn_step_ten"):
        steps = 10
    if steps and state["weights"] is not None:
        x, y = learn.fixed_batch(dataset.x_train, dataset.y_train, int(seed))
        for _ in range(steps):
            step = worked_out(loaded, learn.sgd_step, state["weights"], x, y, rate, variable, state["index"])
            if step is None:
                break
            if not state["losses"]:
                state["losses"].append(step.loss_before)
            state["weights"], state["index"], state["last"] = step.weights, step.index, step
            state["losses"].append(step.loss_after)
            state["rates"].append(rate)
    step_results(state)


def step_results(state: dict) -> None:
    step: learn.Step | None = state["last"]
    if step is None:
        st.info(t("learn.step.none"))
        return
    index = ",".join(map(str, step.index))
    st.markdown(t("learn.step.weight", variable=step.variable, index=index))
    st.latex(
        rf"\theta' = \theta - \alpha\,\frac{{\partial J}}{{\partial\theta}}"
        rf" = {step.weight:.6f} - {step.learning_rate:g} \cdot {charts.number(step.gradient, 6)}"
        rf" = {step.new_weight:.6f}"
    )
    agreement(step.new_weight, step.keras_new_weight, t("learn.step.keras"))
    st.caption(t("learn.step.keras_check", difference=step.max_difference))
    before, after = st.columns(2)
    before.metric(t("learn.step.loss_before"), f"{step.loss_before:.6f}")
    after.metric(
        t("learn.step.loss_after"),
        f"{step.loss_after:.6f}",
        delta=f"{step.loss_after - step.loss_before:+.6f}" if np.isfinite(step.loss_after) else None,
        delta_color="inverse",
    )
    if not np.isfinite(step.loss_after):
        st.error(t("learn.step.nan"))
    elif step.loss_after > step.loss_before:
        st.warning(t("learn.step.blowup", rate=step.learning_rate))
    st.subheader(t("learn.step.curve"))
    figure = charts.loss_curve(
        state["losses"], state["rates"], {"step": t("learn.step.col.step"), "loss": t("learn.step.col.loss")}
    )
    st.plotly_chart(figure, key="learn_step_curve", config={"displayModeBar": False})


# --- 5. the invariance probe --------------------------------------------------------------------


@st.fragment
def probe_section(loaded, choice, image: np.ndarray, label: int | None) -> None:
    st.markdown(t("learn.probe.doc"))
    label = true_class(loaded, label)
    if label is None:
        return
    models = [(choice.label, loaded)]
    if st.toggle(t("learn.probe.compare"), key="learn_probe_compare"):
        other_choice = widgets.model_picker("learn_probe_other")
        other = widgets.load_choice(other_choice) if other_choice else None
        if other is not None and other.classes != loaded.classes:
            st.warning(t("learn.probe.other_classes"))
        elif other is not None:
            models.append((other_choice.label, other))
    swept = []
    for name, model in models:
        result = worked_out(model, probe.sweep_all, image)
        if result is None:
            return
        swept.append((name, model, result))
    st.caption(t("learn.probe.what", label=class_names(loaded.classes)[label]))
    for kind in probe.SWEEPS:
        st.subheader(t(f"learn.probe.sweep.{kind}"))
        series = [
            (name, s[kind].probabilities, s[kind].predicted, class_names(model.classes)) for name, model, s in swept
        ]
        figure = charts.sweep_chart(
            probe.SWEEPS[kind],
            swept[0][2][kind].images,
            series,
            label,
            {
                "parameter": t(f"learn.probe.axis.{kind}"),
                "p_true": t("learn.probe.p_true"),
                "predicted": t("learn.probe.predicted"),
            },
        )
        st.plotly_chart(figure, key=f"learn_probe_{kind}", config={"displayModeBar": False})
        for name, _, s in swept:
            p = s[kind].probabilities[:, label]
            st.caption(
                t("learn.probe.kept", model=name, kept=s[kind].kept(label), count=len(p), low=p.min(), high=p.max())
            )


# --- the page -----------------------------------------------------------------------------------

st.title(t("learn.title"))
st.caption(t("learn.intro"))
choice = widgets.model_picker("learn_model")
loaded = widgets.load_choice(choice) if choice else None
if loaded is not None:
    if learn.compute_dtype(loaded.model) != "float32":
        st.info(t("learn.float32_note", dtype=learn.compute_dtype(loaded.model)), icon=":material/info:")
    dataset = widgets.load_dataset_or_explain(choice.dataset, choice.limit, key="learn_switch")
    if dataset is not None and dataset.classes != loaded.classes:
        dataset = None  # e.g. an uploaded shapes model: its test images are not CIFAR-10's
    image, label = widgets.pick_image(dataset, "learn")
    section = st.segmented_control(
        t("learn.section"),
        SECTIONS,
        key="learn_section",
        required=True,
        default="conv",
        format_func=labels("learn.section", SECTIONS).get,
    )
    if section == "step":
        step_section(loaded, choice, dataset)
    elif image is None:
        st.info(t("learn.pick_image"))
    elif section == "conv":
        convolution_section(loaded, image)
    elif section == "pool":
        pooling_section(loaded, image)
    elif section == "loss":
        loss_section(loaded, image, label, dataset)
    else:
        probe_section(loaded, choice, image, label)
