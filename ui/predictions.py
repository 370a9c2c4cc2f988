"""Prediction on the server: the photos are uploaded (or taken with Streamlit's camera) and the server
predicts. The Predict page's choice and fallback, and the phone page's fallback where the browser
cannot run the network (ui/ondevice.py is the on-device predictor)."""

from __future__ import annotations

import streamlit as st

from classifier.core.images import ImageError
from classifier.core.predict import LoadedModel, predict_many
from ui import charts
from ui.i18n import class_names, say, t, t_text

MAX_FILES = 50


def show(index: int, name: str, result, shown: dict[str, str], builtin: bool) -> None:
    """One file: its verdict, the photo, the 32x32 input and the top-k bars (class names as shown
    to the reader), or why it could not be used."""
    with st.container(border=True):
        if isinstance(result, ImageError):
            st.error(t("predict.bad_file", name=name, reason=say(result)))
            return
        top = [(shown.get(label, label), p) for label, p in result.top]
        label, probability = top[0]
        st.markdown(t("predict.verdict", name=name, label=label, probability=probability))
        original, seen, bars = st.columns([2, 1, 3], vertical_alignment="center")
        original.image(
            result.preview, caption=t("predict.original"), alt=t_text("alt.photo", name=name), width="stretch"
        )
        seen.image(
            charts.enlarge(result.model_input, 4),
            caption=t("predict.seen"),
            alt=t_text("alt.photo_seen", name=name),
            width="stretch",
            output_format="PNG",
        )
        bars.plotly_chart(charts.probability_bars(top, t("predict.probability")), key=f"bars_{index}")
        if result.unsure:
            note = t("predict.unsure", probability=probability)
            st.warning(f"{note} {t('predict.unsure_builtin')}" if builtin else note)


def server_predictor(loaded: LoadedModel, top_k: int, fit: str, tta: str, builtin: bool, key: str) -> None:
    """The uploader and the camera; each photo is predicted on the server and shown, saying so."""
    uploads = st.file_uploader(
        t("predict.upload"), accept_multiple_files=True, key=f"{key}_files", help=t("predict.upload_help")
    )
    use_camera = st.toggle(t("predict.use_camera"), key=f"{key}_use_camera")
    photo = st.camera_input(t("predict.camera"), key=f"{key}_camera") if use_camera else None
    files = [(upload.name, upload.getvalue()) for upload in (uploads or [])[:MAX_FILES]]
    if photo is not None:
        files.append((t("predict.camera_photo"), photo.getvalue()))
    if uploads and len(uploads) > MAX_FILES:
        st.warning(t("predict.too_many", count=len(uploads), limit=MAX_FILES))
    if files:
        results = predict_many(
            loaded, [content for _, content in files], top=min(top_k, len(loaded.classes)), fit=fit, preview=True,
            tta=tta,
        )  # fmt: skip
        shown = dict(zip(loaded.classes, class_names(loaded.classes)))
        st.caption(t("predict.computed_server"))
        for index, ((name, _), result) in enumerate(zip(files, results)):
            show(index, name, result, shown, builtin)
    else:
        st.info(t("predict.empty", classes=", ".join(class_names(loaded.classes))))
