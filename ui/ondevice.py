"""The on-device predictor: a Streamlit v1 component (web/ondevice/) that runs the model in the browser.

The component's folder is served by Streamlit itself (`/component/...`, with proper content types),
so the same origin delivers the page, the LiteRT.js runtime copied there by `make` (web/install.sh)
and the model files (web/ondevice/models/, see classifier/ondevice.py). The component tells the page
only whether the runtime works; photos and results stay in the browser.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from classifier import ondevice
from classifier.predict import DEFAULT_MODEL, UNSURE_BELOW, run_checkpoint
from ui import state
from ui.i18n import TEXT, language

COMPONENT = Path(__file__).resolve().parent.parent / "web" / "ondevice"
VENDOR = COMPONENT / "vendor"
SERVED = COMPONENT / "models"
RUNTIME_FILES = ("litert.js", "wasm-utils.js", "litert_wasm_internal.js", "litert_wasm_internal.wasm")

_predictor = components.declare_component("ondevice_predictor", path=str(COMPONENT))


def runtime_installed() -> bool:
    """True when `make` installed LiteRT.js into the component's folder (needs Node/npm)."""
    return all((VENDOR / name).is_file() for name in RUNTIME_FILES)


@st.cache_resource(show_spinner=False, max_entries=64)
def _served(keras_path: str, stamp: float, folder: str) -> str:
    """The model file's path relative to the component (exported once per model file)."""
    del stamp  # part of the cache key: a new checkpoint is a new file
    return ondevice.served_model(Path(keras_path), SERVED / folder).relative_to(COMPONENT).as_posix()


def builtin_url() -> str:
    return _served(str(DEFAULT_MODEL), DEFAULT_MODEL.stat().st_mtime, ondevice.BUILTIN_FOLDER)


def run_token(choice: state.ModelChoice) -> str:
    """The run's capability token, for a reader who may see the run (RunError otherwise)."""
    return ondevice.device_token(state.engine().store, choice.run_id, choice.viewer or state.owner())


def run_url(choice: state.ModelChoice) -> str:
    path, _ = run_checkpoint(state.engine().store, choice.run_id, choice.viewer or state.owner())
    return _served(str(path), path.stat().st_mtime, run_token(choice))


def model_url(choice: state.ModelChoice) -> str:
    """Raises ClassifierError (export failed, run not visible) with the reason."""
    return builtin_url() if choice.run_id is None else run_url(choice)


def texts() -> dict[str, str]:
    """The component's texts in the reader's language (templates; the browser fills them in)."""
    lang = language()
    keys = [key for key in TEXT if key.startswith("ondevice.")]
    chosen = {key.removeprefix("ondevice."): TEXT[key].get(lang) or TEXT[key]["en"] for key in keys}
    for name in ("original", "seen", "unsure", "bad_file", "too_many"):
        chosen[name] = TEXT[f"predict.{name}"].get(lang) or TEXT[f"predict.{name}"]["en"]
    return chosen


def predictor(url: str, classes: list[str], top_k: int, tta: str, fit: str, builtin: bool, key: str) -> dict | None:
    """Draw the on-device predictor; returns {"state": "ready"} or {"state": "unavailable", "reason"}."""
    words = texts()
    if builtin:
        words["unsure"] = f"{words['unsure']} {TEXT['predict.unsure_builtin'].get(language()) or ''}".strip()
    return _predictor(
        model_url=url,
        classes=classes,
        top_k=top_k,
        tta=tta,
        fit=fit,
        unsure_below=UNSURE_BELOW,
        texts=words,
        key=key,
        default=None,
    )
