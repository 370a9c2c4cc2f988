"""Every use of a third-party library's internals, in one place (docs/architecture.md, "Third-party
patches"). A layer below every room: it imports only the standard library and the libraries it
patches, so classifier/ (which never imports Streamlit) and ui/ may both import it.

Nothing here changes anything when imported. Each `install_*` is called explicitly where a
process starts (app.py and ui.require_app, the CLI's main, the engine's worker, a Ray run actor,
tests/conftest.py) and may be called again (idempotent). Each patch and each private read first
checks that the internal it relies on is still there as it was when written; if an upgrade moved
it, `PatchTargetMoved` says which one, instead of the patch silently doing nothing.
tests/test_patches.py checks every target and every patch's effect.

Written against: streamlit 1.67.0, starlette 1.3.1, keras 3.15.1 (TensorFlow 2.21.0 back-end),
ray 2.55.1, ai-edge-litert 2.3.0.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs


class PatchTargetMoved(RuntimeError):
    """A library no longer has the internal a patch in patches.py was written against."""

    def __init__(self, target: str, written_for: str, found: str):
        super().__init__(
            f"{target} is not what patches.py was written against ({written_for}; found: {found}). "
            "An upgrade moved it: see docs/architecture.md, 'Third-party patches', and tests/test_patches.py."
        )


def _require(condition: bool, target: str, written_for: str, found: str) -> None:
    if not condition:
        raise PatchTargetMoved(target, written_for, found)


def _parameters(function: Any) -> list[str]:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return ["<no signature>"]


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


# --- Streamlit ---------------------------------------------------------------------------------------
#
# 1. Legacy pages mode. Streamlit treats a folder called pages/ beside app.py as a v1 multipage app
#    until st.navigation has run once in the process (PagesManager.uses_pages_directory, set from
#    the folder's existence when the first session starts; streamlit/streamlit#10276, #9992; no
#    option in 1.67). Without the patch the first visit of a fresh server straight at /train runs
#    pages/train.py alone: no app.py, no navigation, no language switch
#    (tests/test_patches.py::test_without_the_pages_patch_a_fresh_server_runs_a_page_alone).
#    pages/ stays: it is the layout this project was asked for.
# 2. Keras state. After every script run, fragments included, Streamlit calls
#    `keras.backend.clear_session()` when keras is imported (script_runner._clean_problem_modules;
#    no option). Measured: with 30 students opening pages, py-spy found a third of the server's
#    samples in clear_session (bench.cluster load); while a run trained in the server process a
#    watched epoch took 108-133 s against 37-46 s with the hook a no-op (../shared/NOTES.md); and it
#    cleared Keras's state under other sessions' inference on cached models. This app never draws
#    with matplotlib, the other module that hook cleans.
# 3. <html lang>. Streamlit's index.html says <html lang="en"> for every page (streamlit/streamlit#15726,
#    no option): a Chinese page told screen readers and the browser's translator it was English.
#    The page Streamlit serves for every address (its static handler answers "/" and, as a
#    fallback, every page's path with this one file through Starlette's FileResponse) is sent with
#    the language of the address's ?lang= instead, so the first paint is right. A public way
#    exists since 1.5x: serving the app as an `st.App` with an ASGI middleware; this project still
#    starts with `streamlit run app.py` (see docs/architecture.md).

STREAMLIT_WRITTEN_FOR = "streamlit 1.67.0, starlette 1.3.1"
STREAMLIT_HTML_TAG = b'<html lang="en">'
_html_lang: Callable[[str], str] = lambda asked: "en"  # noqa: E731 - replaced by install_streamlit


def streamlit_index_path() -> str:
    from streamlit import file_util

    return os.path.join(file_util.get_static_dir(), "index.html")


def check_streamlit() -> None:
    """Raise PatchTargetMoved unless Streamlit's internals are where the patches expect them."""
    from starlette.responses import FileResponse
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    found = f"streamlit {_version('streamlit')}, starlette {_version('starlette')}"
    _require(
        "uses_pages_directory" in vars(PagesManager),
        "streamlit.runtime.pages_manager.PagesManager.uses_pages_directory",
        STREAMLIT_WRITTEN_FOR,
        found,
    )
    hook = getattr(script_runner, "_clean_problem_modules", None)
    _require(
        callable(hook) and _parameters(hook) == [],
        "streamlit.runtime.scriptrunner.script_runner._clean_problem_modules()",
        STREAMLIT_WRITTEN_FOR,
        found,
    )
    call = FileResponse.__dict__.get("__call__")
    _require(
        call is not None and _parameters(call) == ["self", "scope", "receive", "send"],
        "starlette.responses.FileResponse.__call__(self, scope, receive, send)",
        STREAMLIT_WRITTEN_FOR,
        found,
    )
    with open(streamlit_index_path(), "rb") as index:
        page = index.read()
    _require(
        page.count(STREAMLIT_HTML_TAG) == 1 and page.count(b"<html") == 1,
        f"{STREAMLIT_HTML_TAG.decode()} once in Streamlit's static index.html",
        STREAMLIT_WRITTEN_FOR,
        found,
    )


def keep_keras_state() -> None:
    """Streamlit's `_clean_problem_modules`, minus `keras.backend.clear_session()` (see 2. above)."""


def index_in_language(query_string: bytes) -> bytes:
    """Streamlit's index.html with <html lang> set from the address's ?lang=."""
    asked = parse_qs(query_string.decode("latin-1")).get("lang", [""])[-1]
    with open(streamlit_index_path(), "rb") as index:
        page = index.read()
    return page.replace(STREAMLIT_HTML_TAG, f'<html lang="{_html_lang(asked)}">'.encode(), 1)


async def _send_index_in_language(self: Any, scope: Any, receive: Any, send: Any) -> None:
    from starlette.responses import FileResponse, Response

    if scope.get("type") != "http" or os.fspath(self.path) != streamlit_index_path():
        return await FileResponse.unpatched_call(self, scope, receive, send)
    kept = {k: v for k, v in self.headers.items() if k in ("cache-control", "x-content-type-options")}
    page = Response(index_in_language(scope.get("query_string", b"")), self.status_code, kept, "text/html")
    await page(scope, receive, send)


def install_streamlit(html_lang: Callable[[str], str]) -> None:
    """The three Streamlit patches above. `html_lang` maps a ?lang= value to the page's <html lang>."""
    global _html_lang
    from starlette.responses import FileResponse
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    if not streamlit_installed():
        check_streamlit()
    _html_lang = html_lang
    PagesManager.uses_pages_directory = False
    script_runner._clean_problem_modules = keep_keras_state
    if FileResponse.__call__ is not _send_index_in_language:
        FileResponse.unpatched_call = FileResponse.__call__  # Starlette's own, kept once
        FileResponse.__call__ = _send_index_in_language


def streamlit_installed() -> bool:
    if "streamlit" not in sys.modules:
        return False
    from starlette.responses import FileResponse
    from streamlit.runtime.scriptrunner import script_runner

    return script_runner._clean_problem_modules is keep_keras_state and FileResponse.__call__ is _send_index_in_language


# --- Keras -------------------------------------------------------------------------------------------
#
# Batch normalisation in training steps through TensorFlow's fused kernel. Keras 3 normalises a
# batch in training with separate operations (mean, variance, subtract, divide, scale, shift; each
# a pass over the activations, and as many again for the gradient); TensorFlow's FusedBatchNormV3
# does it in one pass with a fused gradient. Measured (bench/batch_norm.py, bench/results.md; 2 AVX-512
# cores): a training pass over 10,000 CIFAR-10 images with the strong preset's network took 9.86 s
# fused against 12.86 s with Keras's own (float32), 7.44 s against 9.19 s (bfloat16). There is no
# public switch: `keras.layers.BatchNormalization.call` is replaced through the public class (no
# keras.src import). Layers, weights and saved .keras files stay plain Keras; inference, masks,
# renormalisation and other back-ends keep Keras's own code; the moving averages are updated
# exactly as Keras does, with the biased batch variance Keras uses (tests/test_model.py).

KERAS_WRITTEN_FOR = "keras 3.15.1"
_keras_call: Any = None  # Keras's own BatchNormalization.call, once install_keras has run


def check_keras() -> None:
    import keras

    layer = keras.layers.BatchNormalization
    found = f"keras {_version('keras')}"
    call = _keras_call or layer.call
    _require(
        _parameters(call) == ["self", "inputs", "training", "mask"],
        "keras.layers.BatchNormalization.call(self, inputs, training=None, mask=None)",
        KERAS_WRITTEN_FOR,
        found,
    )
    init = _parameters(layer.__init__)
    _require(
        all(name in init for name in ("axis", "momentum", "epsilon", "center", "scale", "renorm", "synchronized")),
        "keras.layers.BatchNormalization(axis, momentum, epsilon, center, scale, renorm, synchronized)",
        KERAS_WRITTEN_FOR,
        found,
    )


def fused_supported(layer: Any, inputs: Any, training: Any, mask: Any) -> bool:
    """The cases the fused kernel computes the same way as Keras: a training step of a trainable
    layer over the channels (last axis) of a 4-D batch, no mask, no renormalisation."""
    import keras

    return (
        keras.backend.backend() == "tensorflow"
        and bool(training)
        and layer.trainable
        and mask is None
        and not layer.renorm
        and not getattr(layer, "synchronized", False)
        and len(inputs.shape) == 4
        and layer.axis in (-1, 3)
    )


def fused_batch_norm_call(self: Any, inputs: Any, training: Any = None, mask: Any = None) -> Any:
    """`BatchNormalization.call`, with the training case computed by the fused kernel."""
    if not fused_supported(self, inputs, training, mask):
        return keras_batch_norm_call()(self, inputs, training=training, mask=mask)
    import tensorflow as tf

    # Like Keras: the statistics in float32 even when the layer computes in bfloat16.
    x = tf.cast(inputs, tf.float32)
    channels = x.shape[-1]
    gamma = tf.cast(self.gamma, tf.float32) if self.scale else tf.ones([channels], tf.float32)
    beta = tf.cast(self.beta, tf.float32) if self.center else tf.zeros([channels], tf.float32)
    # y = gamma * (x - mean) / sqrt(variance + epsilon) + beta, mean and variance of this batch.
    y, batch_mean, unbiased_variance = tf.compat.v1.nn.fused_batch_norm(
        x, gamma, beta, epsilon=self.epsilon, data_format="NHWC", is_training=True
    )
    # The kernel returns the variance divided by n - 1; Keras's moving average uses n.
    values_per_channel = tf.cast(tf.size(x) // channels, tf.float32)
    batch_variance = unbiased_variance * (values_per_channel - 1.0) / values_per_channel
    self.moving_mean.assign(self.moving_mean * self.momentum + batch_mean * (1.0 - self.momentum))
    self.moving_variance.assign(self.moving_variance * self.momentum + batch_variance * (1.0 - self.momentum))
    return tf.cast(y, self.compute_dtype)


def keras_batch_norm_call() -> Any:
    """Keras's own `BatchNormalization.call`, patched or not."""
    import keras

    return _keras_call or keras.layers.BatchNormalization.call


def install_keras() -> None:
    """Use the fused kernel for every BatchNormalization layer's training steps in this process."""
    global _keras_call
    import keras

    if keras_installed():
        return
    check_keras()
    _keras_call = keras.layers.BatchNormalization.call
    keras.layers.BatchNormalization.call = fused_batch_norm_call


def keras_installed() -> bool:
    return "keras" in sys.modules and sys.modules["keras"].layers.BatchNormalization.call is fused_batch_norm_call


# --- Ray (private reads, no patch) ----------------------------------------------------------------

RAY_WRITTEN_FOR = "ray 2.55.1"


def _ray_private(module: str, name: str) -> Any:
    import importlib

    try:
        return getattr(importlib.import_module(f"ray._private.{module}"), name)
    except (ImportError, AttributeError):
        raise PatchTargetMoved(f"ray._private.{module}.{name}", RAY_WRITTEN_FOR, f"ray {_version('ray')}") from None


def ray_rewrites_loopback() -> bool:
    """Whether this process's Ray swaps a loopback address for the machine's network address.

    Ray reads RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER once, on import, into a private constant (no public
    accessor); unless it was 0 then, `ray.init(address="127.0.0.1:PORT")` aims at the network
    address and hangs (../shared/NOTES.md). The engine refuses with a clear message instead."""
    return bool(_ray_private("ray_constants", "ENABLE_RAY_CLUSTER"))


def ray_actor_table() -> dict[str, dict[str, Any]]:
    """Every actor of the cluster with its state, name and timestamp, from Ray's control store.

    Ray's public `ray.util.state.list_actors` asks the dashboard, which this app's embedded Ray
    does not start (include_dashboard=False). Raises PatchTargetMoved if Ray moved it; Ray's own
    errors (a Ray Client connection cannot read the table) pass through as they are."""
    actors = _ray_private("state", "actors")
    _require(
        _parameters(actors)[:1] == ["actor_id"],
        "ray._private.state.actors(actor_id=None, ...)",
        RAY_WRITTEN_FOR,
        f"ray {_version('ray')}",
    )
    return actors()


def ray_release_driver_node() -> None:
    """After `ray.shutdown()` in a driver of a `ray.cluster_utils.Cluster` (tests, bench): written
    when Ray kept the driver's node object there and `Cluster.shutdown()` then refused to stop the
    head. A plain `ray.init(address)` / `ray.shutdown()` on 2.55.1 clears it by itself (checked
    2026-12-07); kept for tests/test_cluster.py's fixture, where it was seen."""
    worker = _ray_private("worker", "global_worker")
    _require(
        hasattr(worker, "node"), "ray._private.worker.global_worker.node", RAY_WRITTEN_FOR, f"ray {_version('ray')}"
    )
    worker.node = None


# --- LiteRT (private read, no patch) ----------------------------------------------------------------

LITERT_WRITTEN_FOR = "ai-edge-litert 2.3.0"


def litert_op_details(interpreter: Any) -> list[dict[str, Any]]:
    """Each operator of a loaded .tflite file: {"op_name", "inputs", "outputs", ...}.

    The LiteRT interpreter has no public way to list a model's operators (its public calls list
    tensors and signatures); exporting checks the list for Flex ops and float ops in an int8 file."""
    details = getattr(interpreter, "_get_ops_details", None)
    _require(
        callable(details),
        "ai_edge_litert.interpreter.Interpreter._get_ops_details()",
        LITERT_WRITTEN_FOR,
        f"ai-edge-litert {_version('ai-edge-litert')}",
    )
    return details()
