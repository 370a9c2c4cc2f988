"""The on-device predictor: a Streamlit v1 component (web/ondevice/) that runs the model in the browser.

The component's folder is served by Streamlit itself (`/component/...`, with proper content types),
so the same origin delivers the page, the LiteRT.js runtime copied there by `make` (web/install.sh)
and the model files (web/ondevice/models/, see classifier/challenges/ondevice.py). The component tells the page
only whether the runtime works; photos and results stay in the browser.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
import streamlit.components.v1 as components

from classifier.challenges import ondevice
from classifier.core import translations as catalog
from classifier.core.predict import DEFAULT_MODEL, UNSURE_BELOW, LoadedModel, load_model, run_checkpoint
from ui import state
from ui.english import UI
from ui.i18n import TEXT, language

COMPONENT = Path(__file__).resolve().parent.parent / "web" / "ondevice"
VENDOR = COMPONENT / "vendor"
SERVED = COMPONENT / "models"
RUNTIME_FILES = ("litert.js", "wasm-utils.js", "litert_wasm_internal.js", "litert_wasm_internal.wasm")
WASM_FILES = ("litert_wasm_internal.wasm", "litert_wasm_compat_internal.wasm")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")

_predictor = components.declare_component("ondevice_predictor", path=str(COMPONENT))


def runtime_installed() -> bool:
    """True when `make` installed LiteRT.js into the component's folder (needs Node/npm)."""
    return all((VENDOR / name).is_file() for name in RUNTIME_FILES)


def runtime_version() -> str:
    """Changes whenever `make` copies a runtime in: the browser keeps its own copy of the ~9 MB .wasm
    under this version (Streamlit's component files carry no cache validator)."""
    stats = [(VENDOR / name).stat() for name in WASM_FILES if (VENDOR / name).is_file()]
    return "-".join(f"{stat.st_size:x}{stat.st_mtime_ns:x}" for stat in stats)


@st.cache_resource(show_spinner=False, max_entries=8)
def token_model(keras_path: str, stamp: float, classes: tuple[str, ...] | None) -> LoadedModel:
    """A run's model opened by its phone link's token (the phone page's server fallback)."""
    del stamp  # part of the cache key: a new checkpoint is a new model
    return load_model(Path(keras_path), classes=classes, name="phone")


@st.cache_resource(show_spinner=False, max_entries=64)
def _served(keras_path: str, stamp: float, folder: str, flavour: str = "float32", dataset: str = "cifar10") -> str:
    """The model file's path relative to the component (exported once per model file and flavour)."""
    del stamp  # part of the cache key: a new checkpoint is a new file
    target = ondevice.served_model(Path(keras_path), COMPONENT / folder, flavour, dataset)
    return target.relative_to(COMPONENT).as_posix()


def _token_folder(token: str) -> str:
    return (ondevice.store_folder(state.engine().store, SERVED) / token).relative_to(COMPONENT).as_posix()


def builtin_url(flavour: str = "float32") -> str:
    folder = (SERVED / ondevice.BUILTIN_FOLDER).relative_to(COMPONENT).as_posix()
    return _served(str(DEFAULT_MODEL), DEFAULT_MODEL.stat().st_mtime, folder, flavour)


def run_token(choice: state.ModelChoice) -> str:
    """The run's capability token, for a reader who may see the run (RunError otherwise)."""
    return ondevice.device_token(state.engine().store, choice.run_id, choice.viewer or state.owner())


def run_url(choice: state.ModelChoice, flavour: str = "float32") -> str:
    path, _ = run_checkpoint(state.engine().store, choice.run_id, choice.viewer or state.owner())
    return _served(str(path), path.stat().st_mtime, _token_folder(run_token(choice)), flavour, choice.dataset)


def served_for_token(keras_path: Path, token: str) -> str:
    """A run's model file for whoever holds its token (the phone page; the token was checked)."""
    return _served(str(keras_path), keras_path.stat().st_mtime, _token_folder(token))


def network_address() -> str | None:
    """This computer's address on its network (Streamlit's "Network URL"), or None: a UDP socket's
    connect sends nothing, it only picks the interface a packet would leave by."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def phone_link(choice: state.ModelChoice) -> str:
    """The phone page's address for the model shown, on the host this browser reached the app by; a
    teacher on "localhost" gets the computer's network address instead (a phone cannot reach the
    teacher's localhost), unless the server listens on loopback only."""
    parts = urlsplit(st.context.url or "")
    host, base = parts.netloc, parts.path.rsplit("/", 1)[0]
    bound = str(st.get_option("server.address") or "")
    if (parts.hostname or "") in LOOPBACK_HOSTS and bound not in LOOPBACK_HOSTS:
        address = network_address()
        if address:
            host = address + (f":{parts.port}" if parts.port else "")
    query = "" if choice.run_id is None else f"m={run_token(choice)}&"
    origin = f"{parts.scheme}://{host}" if host else ""
    return f"{origin}{base}/phone?{query}lang={language()}"


def qr_png(link: str) -> bytes:
    """The link as a QR code (segno, pure Python), big enough to scan from a projector."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def forget_deleted() -> None:
    """After a run is deleted: its served model copies go too, so its old phone link opens nothing."""
    ondevice.prune_served(state.engine().store, SERVED)
    _served.clear()


def revoke(choice: state.ModelChoice) -> None:
    """The owner withdraws the run's phone link (and the model copies served under it)."""
    ondevice.revoke_token(state.engine().store, choice.run_id, state.owner(), SERVED)
    _served.clear()


def model_url(choice: state.ModelChoice, flavour: str = "float32") -> str:
    """Raises ClassifierError (export failed, run not visible) with the reason; int8 is calibrated on
    the model's own data set (the first time: loading it)."""
    return builtin_url(flavour) if choice.run_id is None else run_url(choice, flavour)


def texts() -> dict[str, str]:
    """The component's texts in the reader's language (templates; the browser fills them in)."""
    lang = language()
    keys = [key for key in TEXT if key.startswith("ondevice.")]
    chosen = {key.removeprefix("ondevice."): TEXT[key].get(lang) or TEXT[key]["en"] for key in keys}
    for name in ("original", "seen", "unsure", "bad_file", "too_many"):
        chosen[name] = TEXT[f"predict.{name}"].get(lang) or TEXT[f"predict.{name}"]["en"]
    # A counted text: the browser picks "timing_one" for a count of 1 ("1 image"), "timing" for any other.
    chosen["timing_one"] = catalog.template(lang, UI, "ondevice.timing", {"count": 1})
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
        runtime_version=runtime_version(),
        texts=words,
        key=key,
        default=None,
    )
