"""Pieces of UI that more than one page shows."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import streamlit as st

from classifier import inspect
from classifier.data import DatasetError, describe_source
from classifier.predict import ModelError
from classifier.runs import RunError, RunInfo
from ui import charts, state
from ui.i18n import t


def describe_run(info: RunInfo) -> str:
    """A short, recognisable name for a run in pickers and tables."""
    when = time.strftime("%m-%d %H:%M", time.localtime(info.created))
    accuracy = f" · {info.test_accuracy:.1%}" if info.test_accuracy is not None else ""
    dataset = info.dataset_name or describe_source(info.config.dataset)
    return f"{when} · {dataset} · {t('status.' + info.status)}{accuracy}"


UPLOAD = "upload"


def model_picker(key: str) -> state.ModelChoice | None:
    """The built-in model, any visible run with a checkpoint (the current run first), or an upload."""
    choices = state.model_choices(t("model.builtin"), describe_run)
    current = st.session_state.get("job_id")
    choices.sort(key=lambda c: (c.run_id is not None, c.run_id != current))
    labels = {
        i: (t("model.current", name=c.label) if c.run_id and c.run_id == current else c.label)
        for i, c in enumerate(choices)
    }
    labels[UPLOAD] = t("model.upload_option")
    index = st.selectbox(t("model.pick"), list(labels), format_func=labels.get, key=key)
    if index == UPLOAD:
        upload = st.file_uploader(t("model.upload"), type=["keras"], key=f"{key}_file", help=t("model.upload_help"))
        if upload is None:
            return None
        return state.ModelChoice(None, upload.name, "cifar10", upload=upload.getvalue())
    return choices[index] if index is not None and index < len(choices) else None


def load_choice(choice: state.ModelChoice):
    """The chosen model, or None after showing why it cannot be used."""
    try:
        return choice.load()
    except (ModelError, RunError) as error:
        st.error(t("model.unusable", reason=str(error)))
        return None


def load_dataset_or_explain(source: str, limit: int | None, key: str):
    """The data set, with a progress bar on first load; on failure a clear message and,
    for CIFAR-10, a one-click switch to the built-in shapes set."""
    bar = st.empty()

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=t("data.loading", detail=message))

    try:
        dataset = state.dataset(source, limit, progress=progress)
    except DatasetError as error:
        bar.empty()
        reason = str(error)
        if source == st.session_state.get("uploaded_dataset") and st.session_state.get("uploaded_label"):
            # Uploads are stored under a random name; the student knows their file by its own name.
            reason = reason.replace(Path(source).name, st.session_state.uploaded_label)
        st.error(t("data.failed", reason=reason))
        if source == "cifar10":
            st.button(t("data.use_shapes"), key=key, on_click=_switch_to_shapes, type="primary")
        return None
    bar.empty()
    return dataset


def _switch_to_shapes() -> None:
    st.session_state["hp_dataset"] = "shapes"


def image_grid(images: list[np.ndarray], captions: list[str], columns: int = 8, scale: int = 3) -> None:
    for start in range(0, len(images), columns):
        cells = st.columns(columns)
        for cell, image, caption in zip(cells, images[start : start + columns], captions[start : start + columns]):
            cell.image(charts.enlarge(image, scale), caption=caption, width="stretch")


def run_results(info: RunInfo, key: str) -> None:
    """Test metrics, confusion matrix, per-class accuracy, mistakes gallery and model download."""
    store = state.engine().store
    columns = st.columns(3)
    if info.test_accuracy is not None:
        columns[0].metric(t("results.test_accuracy"), f"{info.test_accuracy:.1%}")
        columns[1].metric(t("results.test_loss"), f"{info.test_loss:.3f}")
    columns[2].metric(t("results.epochs"), f"{info.epochs_completed} / {info.config.epochs}")
    for warning in info.warnings:
        st.warning(warning)
    model_path = store.model_path(info.run_id)
    if model_path is not None:
        st.download_button(
            t("results.download"),
            data=model_path.read_bytes(),
            file_name=f"cnn-{info.run_id[:8]}.keras",
            mime="application/octet-stream",
            key=f"{key}_download",
            icon=":material/download:",
        )
    predictions = store.predictions(info.run_id)
    if predictions is None:
        return
    y_true, probabilities = predictions
    classes = info.classes
    matrix = inspect.confusion_matrix(y_true, probabilities.argmax(axis=1), len(classes))
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("results.confusion"))
        st.plotly_chart(
            charts.confusion_heatmap(
                matrix,
                classes,
                {"predicted": t("results.predicted"), "true": t("results.true"), "count": t("results.count")},
            ),
            key=f"{key}_confusion",
        )
    with right:
        st.subheader(t("results.per_class"))
        st.plotly_chart(
            charts.per_class_bars(inspect.per_class_accuracy(matrix), classes, t("results.accuracy")),
            key=f"{key}_per_class",
        )
        pairs = inspect.most_confused(matrix, classes, 5)
        if pairs:
            st.markdown(t("results.confused_pairs"))
            for true_name, predicted_name, count in pairs:
                st.markdown(t("results.confused_pair", true=true_name, predicted=predicted_name, count=count))
    st.subheader(t("results.mistakes"))
    dataset = load_dataset_or_explain(info.config.dataset, info.config.limit, key=f"{key}_shapes")
    if dataset is None or len(dataset.y_test) != len(y_true):
        return
    wrong = inspect.mistakes(y_true, probabilities, count=24)
    predicted = probabilities.argmax(axis=1)
    captions = [
        t(
            "results.mistake",
            true=classes[y_true[i]],
            predicted=classes[predicted[i]],
            confidence=probabilities[i, predicted[i]],
        )
        for i in wrong
    ]
    image_grid([dataset.x_test[i] for i in wrong], captions)


IMAGE_SOURCES = ("random", "class", "upload")


def pick_image(dataset, key: str) -> tuple[np.ndarray | None, int | None]:
    """A test image (random, or of one class) with its label, or an upload (label None), as the
    32x32 model input. `dataset` None: uploads only."""
    from classifier.images import ImageError, load_input
    from ui.i18n import labels

    source = st.segmented_control(
        t("inside.image_source"),
        IMAGE_SOURCES if dataset is not None else ("upload",),
        key=f"{key}_source",
        required=True,
        format_func=labels("inside.source", IMAGE_SOURCES).get,
        persist_state="session",
    )
    if source == "upload" or dataset is None:
        upload = st.file_uploader(t("inside.upload"), key=f"{key}_upload")
        if upload is None:
            return None, None
        try:
            return load_input(upload.getvalue()), None
        except ImageError as error:
            st.error(t("predict.bad_file", name=upload.name, reason=str(error)))
            return None, None
    candidates = np.arange(len(dataset.y_test))
    if source == "class":
        chosen = st.selectbox(
            t("inside.class"),
            range(len(dataset.classes)),
            format_func=dataset.classes.__getitem__,
            key=f"{key}_class",
            persist_state="session",
        )
        candidates = np.flatnonzero(dataset.y_test == chosen)
    index_key = f"{key}_index"
    if st.button(t("inside.another"), icon=":material/shuffle:", key=f"{key}_another") or (
        st.session_state.get(index_key) not in set(candidates.tolist())
    ):
        st.session_state[index_key] = int(np.random.default_rng().choice(candidates))
    index = st.session_state[index_key]
    return dataset.x_test[index], int(dataset.y_test[index])
