"""On a phone: the on-device predictor alone, for the model a link names (no login, nothing uploaded).

/phone                 the built-in model
/phone?m=TOKEN         the run whose phone link this is (the token is the only key;
                       see classifier/challenges/ondevice.py)
"""

from __future__ import annotations

import streamlit as st

from classifier.challenges import ondevice as device_tokens
from classifier.core.messages import ClassifierError
from classifier.core.predict import default_model_info
from ui import ondevice, require_app, state
from ui.i18n import class_names, say, t

require_app()

st.title(t("phone.title"))
token = st.query_params.get("m", "")
store = state.engine().store
run_id = device_tokens.run_for_token(store, token) if token else None
if token and run_id is None:
    st.error(t("phone.bad_link"))
    st.stop()
if not ondevice.runtime_installed():
    st.info(t("predict.no_runtime"))
    st.stop()

with st.spinner(t("predict.preparing")):
    try:
        if run_id is None:
            url, tta = ondevice.builtin_url(), default_model_info().get("tta", "none")
            classes = tuple(default_model_info().get("classes", ())) or None
            st.caption(t("phone.builtin"))
        else:
            info = store.load(run_id)  # the token is the capability: whoever holds it may read this model
            path = store.model_path(run_id)
            if path is None:
                st.error(t("phone.bad_link"))
                st.stop()
            url, tta, classes = ondevice.served_for_token(path, token), info.config.tta, info.classes
            st.caption(t("phone.run"))
    except ClassifierError as error:
        st.error(t("predict.export_failed", reason=say(error)))
        st.stop()
if not classes:
    from classifier.core.data import CIFAR10_CLASSES

    classes = CIFAR10_CLASSES
answer = ondevice.predictor(
    url, class_names(tuple(classes)), top_k=3, tta=tta, fit="crop", builtin=run_id is None, key="phone_predictor"
)
if isinstance(answer, dict) and answer.get("state") == "unavailable":
    st.warning(t("phone.cannot"))
