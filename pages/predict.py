"""Predict: drop photos (or take one) and see what the network thinks they are."""

from __future__ import annotations

import logging

import streamlit as st

from classifier.core.messages import ClassifierError
from ui import ondevice, require_app, widgets
from ui.i18n import class_names, labels, say, t, t_text
from ui.predictions import server_predictor
from ui.text import shown

require_app()

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
builtin = choice is not None and choice.run_id is None and choice.upload is None
BROWSER_FAILED = "predict_browser_failed"  # why this browser could not run the model (from the component)


def device_unavailable() -> str | None:
    """Why on-device prediction is not offered here, or None."""
    if not ondevice.runtime_installed():
        return t("predict.no_runtime")
    if choice.upload is not None:
        return t("predict.upload_model_server")
    if st.session_state.get(BROWSER_FAILED):
        return t("predict.browser_cannot")  # the browser's own reason is in the server log
    return None


if st.query_params.get("where") == "server" and "predict_where" not in st.session_state:
    st.session_state.predict_where = "server"  # a link can open the page on server prediction
why_not = device_unavailable() if loaded is not None else None
where, url = "server", None
if loaded is not None and why_not is None:
    where = st.radio(
        t("predict.where"),
        ("device", "server"),
        key="predict_where",
        horizontal=True,
        format_func=labels("predict.where", ("device", "server")).get,
        help=t("predict.where_help"),
    )
if where == "device":
    flavour = st.radio(
        t("predict.flavour"),
        ("float32", "int8"),
        key="predict_flavour",
        horizontal=True,
        format_func=labels("predict.flavour", ("float32", "int8")).get,
        help=t("predict.flavour_help"),
    )
    with st.spinner(t("predict.preparing")):  # the first time only: a child process exports it
        try:
            url = ondevice.model_url(choice, flavour)
        except ClassifierError as error:
            where, why_not = "server", t("predict.export_failed", reason=say(error))
if why_not:
    st.info(why_not)


def phone_section() -> None:
    """A link and QR code of the phone page for the model shown (its run's token: readers only)."""
    with st.expander(t("predict.phone"), icon=":material/smartphone:"):
        try:
            link = ondevice.phone_link(choice)
        except ClassifierError as error:
            st.error(say(error))
            return
        st.caption(t("predict.phone_caption"))
        code, text = st.columns([1, 3])
        code.image(ondevice.qr_png(link), alt=t_text("alt.qr"), width=180)
        text.code(link, language=None, wrap_lines=True)
        if choice.run_id is not None and choice.mine and text.button(t("predict.phone_revoke"), key="phone_revoke"):
            ondevice.revoke(choice)
            st.toast(t("predict.phone_revoked"))
            st.rerun()


if loaded is not None and where == "device":
    phone_section()
    answer = ondevice.predictor(
        url,
        class_names(loaded.classes),
        top_k=min(top_k, len(loaded.classes)),
        tta=tta,
        fit=fit,
        builtin=builtin,
        key="predict_ondevice",
    )
    if isinstance(answer, dict) and answer.get("state") == "unavailable":
        st.session_state[BROWSER_FAILED] = str(answer.get("reason") or "?")
        logging.getLogger("pages.predict").warning("on-device prediction unavailable: %s", shown(answer.get("reason")))
        st.rerun()
    st.stop()

if loaded is not None:
    server_predictor(loaded, top_k, fit, tta, builtin, key="predict")
