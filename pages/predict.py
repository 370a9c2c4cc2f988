"""Predict: drop photos (or take one) and see what the network thinks they are."""

from __future__ import annotations

import streamlit as st

from classifier.images import ImageError
from classifier.predict import predict_many
from ui import charts, require_app, widgets
from ui.i18n import class_names, labels, say, t

require_app()

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
        original.image(result.preview, caption=t("predict.original"), width="stretch")
        seen.image(
            charts.enlarge(result.model_input, 4), caption=t("predict.seen"), width="stretch", output_format="PNG"
        )
        bars.plotly_chart(charts.probability_bars(top, t("predict.probability")), key=f"bars_{index}")
        if result.unsure:
            note = t("predict.unsure", probability=probability)
            st.warning(f"{note} {t('predict.unsure_builtin')}" if builtin else note)


st.title(t("predict.title"))
st.caption(t("predict.intro"))
choice = widgets.model_picker("predict_model")
loaded = widgets.load_choice(choice) if choice else None
left, right = st.columns(2)
top_k = left.slider(t("predict.top_k"), 1, 10, 3, key="predict_top_k")
fit = right.radio(
    t("predict.fit"),
    ("crop", "squash"),
    key="predict_fit",
    horizontal=True,
    format_func=labels("predict.fit", ("crop", "squash")).get,
)
# On by default where the model's own test figure was measured that way (the built-in model).
with_mirror = st.toggle(
    t("predict.tta"), value=widgets.tested_tta(choice) == "flip", key="predict_tta", help=t("predict.tta_help")
)
tta = "flip" if with_mirror else "none"
uploads = st.file_uploader(
    t("predict.upload"), accept_multiple_files=True, key="predict_files", help=t("predict.upload_help")
)
photo = st.camera_input(t("predict.camera"), key="predict_camera") if st.toggle(t("predict.use_camera")) else None

files = [(upload.name, upload.getvalue()) for upload in (uploads or [])[:MAX_FILES]]
if photo is not None:
    files.append((t("predict.camera_photo"), photo.getvalue()))
if uploads and len(uploads) > MAX_FILES:
    st.warning(t("predict.too_many", count=len(uploads), limit=MAX_FILES))
if loaded is not None and files:
    results = predict_many(
        loaded, [content for _, content in files], top=min(top_k, len(loaded.classes)), fit=fit, preview=True, tta=tta
    )
    shown = dict(zip(loaded.classes, class_names(loaded.classes)))
    builtin = choice.run_id is None and choice.upload is None
    for index, ((name, _), result) in enumerate(zip(files, results)):
        show(index, name, result, shown, builtin)
elif loaded is not None:
    st.info(t("predict.empty", classes=", ".join(class_names(loaded.classes))))
