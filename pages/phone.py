"""On a phone: the on-device predictor alone, for the model a link names (no login, nothing uploaded).

/phone                 the built-in model
/phone?m=TOKEN         the run whose phone link this is (the token is the only key;
                       see classifier/challenges/ondevice.py)

Where the server has no browser runtime (no npm), or this browser cannot run the network, the same
model predicts on the server instead, and the page says why.
"""

from __future__ import annotations

import logging

import streamlit as st

from classifier.challenges import ondevice as device_tokens
from classifier.core.data import CIFAR10_CLASSES
from classifier.core.messages import ClassifierError
from classifier.core.predict import default_model_info
from ui import ondevice, require_app, state
from ui.i18n import class_names, say, t
from ui.predictions import server_predictor
from ui.text import shown

require_app()

BROWSER_FAILED = "phone_browser_failed"  # why this browser could not run the model (from the component)

st.title(t("phone.title"))
token = st.query_params.get("m", "")
store = state.engine().store
run_id = device_tokens.run_for_token(store, token) if token else None
if token and run_id is None:
    st.error(t("phone.bad_link"))
    st.stop()
if run_id is None:
    builtin_info = default_model_info()  # one read of the built-in model's info file
    tta, classes = builtin_info.get("tta", "none"), tuple(builtin_info.get("classes", ()))
    path = None
else:
    info = store.load(run_id)  # the token is the capability: whoever holds it may read this model
    path = store.model_path(run_id)
    if path is None:
        st.error(t("phone.bad_link"))
        st.stop()
    tta, classes = info.config.tta, tuple(info.classes or ())
classes = classes or CIFAR10_CLASSES

if not ondevice.runtime_installed():
    why_not = t("predict.no_runtime")
elif st.session_state.get(BROWSER_FAILED):
    why_not = t("predict.browser_cannot")  # the browser's own reason is in the server log
else:
    why_not = None

if why_not is None:
    with st.spinner(t("predict.preparing")):
        try:
            url = ondevice.builtin_url() if path is None else ondevice.served_for_token(path, token)
        except ClassifierError as error:
            url, why_not = None, t("predict.export_failed", reason=say(error))
if why_not is None:
    st.caption(t("phone.builtin" if path is None else "phone.run"))
    answer = ondevice.predictor(
        url, class_names(classes), top_k=3, tta=tta, fit="crop", builtin=path is None, key="phone_predictor"
    )
    if isinstance(answer, dict) and answer.get("state") == "unavailable":
        st.session_state[BROWSER_FAILED] = str(answer.get("reason") or "?")
        logging.getLogger("pages.phone").warning("on-device prediction unavailable: %s", shown(answer.get("reason")))
        st.rerun()
    st.stop()

# The server instead: the same model, the photos uploaded (the note says so).
st.info(why_not)
if path is None:
    loaded = state.ModelChoice(None, "built-in", "cifar10").load()
else:
    loaded = ondevice.token_model(str(path), path.stat().st_mtime, tuple(info.classes) if info.classes else None)
server_predictor(loaded, top_k=3, fit="crop", tta=tta, builtin=path is None, key="phone")
