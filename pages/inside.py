"""Inside the network: what the filters look like, what each layer sees, where the network looked."""

from __future__ import annotations

import numpy as np
import streamlit as st

from classifier.core import inspect
from classifier.core.images import ImageError, load_input
from ui import alt_text, charts, lessons, require_app, state, widgets
from ui import timeline as timeline_view
from ui.i18n import class_names, labels, say, t, t_text
from ui.text import plain

require_app()

SOURCES = ("random", "class", "upload")
# Filter tiles: (pixels per tile, tiles per row) for each size; small is the old fixed view.
FILTER_SIZES = {"small": (36, 16), "medium": (80, 8), "large": (140, 6)}


def pick_image(dataset, classes: tuple[str, ...]) -> tuple[np.ndarray | None, int | None]:
    """A test image (random, or of one class) with its true class, or an upload (class None), as
    the 32x32 model input."""
    source = st.segmented_control(
        t("inside.image_source"),
        SOURCES,
        key="inside_source",
        default="random",  # what is shown before anyone chooses, so say so
        required=True,
        format_func=labels("inside.source", SOURCES).get,
        persist_state="session",
    )
    if source == "upload":
        upload = st.file_uploader(t("inside.upload"), key="inside_upload")
        if upload is None:
            return None, None
        try:
            return load_input(upload.getvalue()), None
        except ImageError as error:
            st.error(t("predict.bad_file", name=upload.name, reason=say(error)))
            return None, None
    if dataset is None:
        return None, None
    candidates = np.arange(len(dataset.y_test))
    if source == "class":
        chosen = st.selectbox(
            t("inside.class"),
            range(len(dataset.classes)),
            format_func=class_names(dataset.classes).__getitem__,
            key="inside_class",
            persist_state="session",
        )
        candidates = np.flatnonzero(dataset.y_test == chosen)
    if st.button(t("inside.another"), icon=":material/shuffle:", key="inside_another") or (
        st.session_state.get("inside_index") not in set(candidates.tolist())
    ):
        st.session_state.inside_index = int(np.random.default_rng().choice(candidates))
    index = st.session_state.inside_index
    return dataset.x_test[index], int(dataset.y_test[index])


def filters_section(model) -> None:
    layers = inspect.conv_layer_names(model)
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    layer = left.selectbox(t("inside.filter_layer"), layers, key="inside_filter_layer")
    size = right.segmented_control(
        t("inside.filter_size"),
        tuple(FILTER_SIZES),
        key="inside_filter_size",
        default="small",
        required=True,
        format_func=labels("inside.size", FILTER_SIZES).get,
        persist_state="session",
    )
    if layer is None:
        return
    kernels = inspect.filters(model, layer)
    st.caption(
        t(
            "inside.filters_caption",
            count=len(kernels),
            size=kernels.shape[1],
            colour=t("inside.colour") if kernels.ndim == 4 else t("inside.gray"),
        )
    )
    pixels, columns = FILTER_SIZES[size or "small"]
    grid = inspect.tile(kernels, columns=columns)
    st.image(
        charts.enlarge(grid, max(1, pixels // kernels.shape[1])),
        alt=alt_text.filters_alt(len(kernels), kernels.shape[1], kernels.ndim == 4, layer),
        width="content",
        output_format="PNG",
    )


def prediction_section(loaded, image: np.ndarray, result, true_class: int | None) -> None:
    """The input, Grad-CAM and the top five; for a test image also its true class and whether the
    network's guess is right."""
    classes = class_names(loaded.classes)
    if true_class is not None:
        guess = int(np.argmax(result.probabilities))
        verdict = st.container(key="guess_verdict")  # a wrong guess is red, but it is not the page failing
        if guess == true_class:
            verdict.success(t("inside.guess_right", true=classes[true_class]), icon=":material/check_circle:")
        else:
            verdict.error(
                t("inside.guess_wrong", true=classes[true_class], guess=classes[guess]), icon=":material/cancel:"
            )
    left, middle, right = st.columns([1, 1, 2])
    caption = t("inside.input_true", label=classes[true_class]) if true_class is not None else t("inside.input")
    left.image(charts.enlarge(image, 6), caption=caption, alt=t_text("alt.input"), width="stretch", output_format="PNG")
    middle.image(
        inspect.overlay(image, result.heatmap, scale=6),
        caption=t("inside.gradcam_caption", label=classes[result.class_index]),
        alt=alt_text.gradcam_alt(result.heatmap, loaded.classes[result.class_index]),
        width="stretch",
    )
    top = [(classes[i], float(result.probabilities[i])) for i in np.argsort(result.probabilities)[::-1][:5]]
    right.plotly_chart(charts.probability_bars(top, t("predict.probability")), key="inside_bars")


def feature_maps_section(result) -> None:
    names = list(result.feature_maps)
    tabs = st.tabs([plain(name) for name in names])  # layer names: an uploaded model chose them
    for tab, name in zip(tabs, names):
        maps = np.moveaxis(result.feature_maps[name], -1, 0)  # (channels, h, w)
        with tab:
            st.caption(t("inside.maps_caption", layer=name, count=len(maps), size=f"{maps.shape[1]}×{maps.shape[2]}"))
            scale = max(1, 96 // maps.shape[1])
            st.image(
                charts.enlarge(inspect.tile(maps, columns=16), scale),
                alt=alt_text.maps_alt(maps, name),
                width="content",
                output_format="PNG",
            )


def inspect_or_explain(loaded, image: np.ndarray, class_index: int | None):
    """One forward pass for maps, prediction and Grad-CAM; an uploaded model that cannot be taken
    apart layer by layer gets a message instead of a traceback."""
    try:
        with loaded.lock:
            return inspect.inspect_image(loaded.model, image, class_index=class_index)
    except Exception as error:  # noqa: BLE001 - any model a user uploads
        st.error(t("inside.cannot_inspect", reason=say(error)))
        return None


st.title(t("inside.title"))
st.caption(t("inside.intro"))
st.page_link("pages/learn.py", label=t("inside.go_learn"), icon=":material/function:")
choice = lessons.class_run_choice() or widgets.model_picker("inside_model")  # a class run: read-only
loaded = widgets.load_choice(choice) if choice else None
if loaded is not None:
    filters_tab, image_tab, epochs_tab = st.tabs([t("inside.filters"), t("inside.look"), t("timeline.tab")])
    with epochs_tab:  # learning over time: the run's own record, from random initialisation on
        if choice.run_id:
            timeline_view.replay(state.engine().store, choice.run_id, key=f"inside_timeline_{choice.run_id}")
        else:
            st.info(t("timeline.builtin"))
    with filters_tab:
        filters_section(loaded.model)
    with image_tab:
        dataset = widgets.load_dataset_or_explain(choice.dataset, choice.limit, key="inside_switch")
        if dataset is not None and dataset.classes != loaded.classes:
            dataset = None  # e.g. a shapes model: its own test images only come from its run's data set
        image, true_class = pick_image(dataset, loaded.classes)
        if image is not None:
            options = [None, *range(len(loaded.classes))]
            explain = st.selectbox(
                t("inside.gradcam_class"),
                options,
                key="inside_gradcam_class",
                format_func={None: t("inside.predicted_class"), **dict(enumerate(class_names(loaded.classes)))}.get,
            )
            result = inspect_or_explain(loaded, image, explain)
            if result is not None:
                prediction_section(loaded, image, result, true_class)
                st.subheader(t("inside.maps"))
                feature_maps_section(result)
