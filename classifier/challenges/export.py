"""Phones and IoT: a Keras model as a LiteRT (TensorFlow Lite) file, and what it costs or saves.

Three flavours, all made by Keras 3's own exporter (`model.export(path, format="litert", ...)`,
whose extra options go to the TFLite converter) and run by the `ai-edge-litert` interpreter:

    float32  the same arithmetic as Keras, in a flat file a phone can map into memory
    float16  weights stored as half floats (half the size), computed in float32 after loading
    int8     full-integer: weights AND activations as 8-bit integers. Each tensor gets a scale s and
             a zero point z so that real ≈ s · (q − z); the converter picks s and z for the
             activations by running a representative data set (a few hundred training images)
             through the network and recording each tensor's range.

Only TFLite's built-in operators are allowed (no "Flex" ops that need the full TensorFlow runtime
on the device); a network that needs more is refused with a message, as is one the int8
quantiser cannot handle. `measure` compares Keras and each flavour on the same images: file
size, test accuracy, single-image latency (p50, p95) and the throughput of one large batch.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import patches
from classifier.core import machine
from classifier.core.messages import ClassifierError, Message
from classifier.core.model import float32_copy

FLAVOURS = ("float32", "float16", "int8")
QUANTIZE_OPTIONS = {"none": "float32", "float16": "float16", "int8": "int8"}  # the CLI's --quantize
REPRESENTATIVE_IMAGES = 300  # calibration images for int8 (stratified over the classes)
LATENCY_CALLS = 100
BATCH_IMAGES = 1000
EVALUATION_BATCH = 500


def runtime_available() -> bool:
    """True when the LiteRT interpreter (ai-edge-litert, an optional dependency) is installed."""
    return importlib.util.find_spec("ai_edge_litert") is not None


def _require_runtime() -> None:
    if not runtime_available():
        raise ClassifierError("export.no_runtime")


def _converter_options(flavour: str, representative: np.ndarray | None) -> dict:
    """The TFLite converter's settings per flavour (passed through model.export)."""
    import tensorflow as tf

    builtins = {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS]}  # no SELECT_TF_OPS: no Flex
    if flavour == "float32":
        return {"target_spec": builtins}
    if flavour == "float16":
        half = {**builtins, "supported_types": [tf.float16]}
        return {"optimizations": [tf.lite.Optimize.DEFAULT], "target_spec": half}
    if representative is None or len(representative) == 0:
        raise ClassifierError("export.no_representative")
    scaled = representative.astype(np.float32) / 255.0  # the model's own input: pixels in [0, 1]

    def calibration():
        for image in scaled:
            yield [image[None]]

    return {
        "optimizations": [tf.lite.Optimize.DEFAULT],
        "representative_dataset": calibration,
        "target_spec": {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]},
        "inference_input_type": tf.int8,
        "inference_output_type": tf.int8,
    }


def to_litert(
    model,
    flavour: str = "float32",
    representative: np.ndarray | None = None,
    check_ops: bool = True,
    batch: int | None = None,
    float_io: bool = False,
) -> bytes:
    """The model as a .tflite file's bytes. `representative`: uint8 training images (int8 only).
    `check_ops` (needs the LiteRT interpreter): refuse Flex ops and int8 files with float ops.
    `batch`: a fixed batch size (LiteRT.js in the browser takes no dynamic dimension); None: any.
    `float_io` (int8): integer inside, but float32 in and out through one QUANTIZE and one DEQUANTIZE
    op, for runtimes without int8 tensors (LiteRT.js: float32, int32, uint8 only)."""
    if flavour not in FLAVOURS:
        raise ClassifierError("export.flavour", flavour=flavour, choices=", ".join(FLAVOURS))
    options = _converter_options(flavour, representative)
    if float_io:
        options.pop("inference_input_type", None)
        options.pop("inference_output_type", None)
    model = float32_copy(model)
    if batch is not None:
        import tensorflow as tf

        options["input_signature"] = [tf.TensorSpec((batch, *model.input_shape[1:]), tf.float32)]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.tflite")
        try:
            model.export(path, format="litert", verbose=False, **options)
        except Exception as error:  # noqa: BLE001 - the converter raises many kinds (ConverterError, ValueError...)
            raise ClassifierError("export.failed", flavour=flavour, reason=_first_line(error)) from None
        content = Path(path).read_bytes()
    if not check_ops:
        return content
    flex = [name for name in operators(content) if name.startswith("Flex")]
    if flex:
        raise ClassifierError("export.flex_ops", flavour=flavour, ops=", ".join(sorted(set(flex))))
    if flavour == "int8" and not float_io:
        # The converter quietly leaves ops it cannot quantise in float32, between DEQUANTIZE and
        # QUANTIZE; a device without a float unit could not run them, so say so instead.
        floating = floating_operators(content)
        if floating:
            raise ClassifierError("export.not_integer", ops=", ".join(floating))
    return content


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = next((line for line in lines if "error" in line.lower()), lines[0] if lines else type(error).__name__)
    return text if len(text) < 300 else text[:297] + "..."


def operators(content: bytes) -> list[str]:
    """The operator names in a .tflite file (custom ops such as Flex ones by their own name)."""
    return sorted({detail["op_name"] for detail in patches.litert_op_details(_plain_interpreter(content))})


def _plain_interpreter(content: bytes):
    """An interpreter without the default XNNPACK delegate, which would otherwise stand in for the
    ops it takes over (they would show as one "DELEGATE")."""
    _require_runtime()
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    return Interpreter(
        model_content=content, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    )


def floating_operators(content: bytes) -> list[str]:
    """Ops of a .tflite file that produce float tensors (none in a full-integer int8 file)."""
    interpreter = _plain_interpreter(content)
    dtypes = {detail["index"]: np.dtype(detail["dtype"]) for detail in interpreter.get_tensor_details()}
    return sorted(
        {
            op["op_name"]
            for op in patches.litert_op_details(interpreter)
            if any(dtypes.get(int(i)) == np.float32 for i in op["outputs"])
        }
    )


class LiteRTModel:
    """A .tflite file in the ai-edge-litert interpreter, used like `LoadedModel.probabilities`:
    uint8 images (n, 32, 32, 3) in, float32 class probabilities out. For an int8 file the input is
    quantised with the file's own scale and zero point (q = real / s + z) and the output dequantised."""

    def __init__(self, content: bytes, num_threads: int | None = None):
        _require_runtime()
        from ai_edge_litert.interpreter import Interpreter

        self.content = content
        self.interpreter = Interpreter(model_content=content, num_threads=num_threads or machine.usable_cores())
        self.interpreter.allocate_tensors()
        self._input = self.interpreter.get_input_details()[0]
        self._output = self.interpreter.get_output_details()[0]
        self._batch = int(self._input["shape"][0])

    @property
    def input_dtype(self) -> np.dtype:
        return np.dtype(self._input["dtype"])

    def _resize(self, count: int) -> None:
        if count != self._batch:
            self.interpreter.resize_tensor_input(self._input["index"], [count, 32, 32, 3])
            self.interpreter.allocate_tensors()
            self._input = self.interpreter.get_input_details()[0]
            self._output = self.interpreter.get_output_details()[0]
            self._batch = count

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        self._resize(len(images))
        x = images.astype(np.float32) / 255.0
        scale, zero = self._input["quantization"]
        if self.input_dtype == np.int8:
            x = np.clip(np.round(x / scale + zero), -128, 127).astype(np.int8)
        self.interpreter.set_tensor(self._input["index"], x)
        self.interpreter.invoke()
        y = self.interpreter.get_tensor(self._output["index"])
        scale, zero = self._output["quantization"]
        if np.dtype(self._output["dtype"]) == np.int8:
            return (y.astype(np.float32) - zero) * scale
        return y.astype(np.float32)


# --- measuring Keras and each flavour side by side -----------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """One row of the table: a model format on this machine."""

    flavour: str  # "keras" or one of FLAVOURS
    bytes: int
    accuracy: float
    p50_ms: float
    p95_ms: float
    batch_images_per_second: float
    agreement: float  # share of test images whose top class equals Keras's

    def to_dict(self) -> dict:
        return asdict(self)


def keras_file_bytes(model) -> int:
    """Size of the float32 model saved as a .keras file (architecture + weights, no optimizer)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        float32_copy(model).save(path, include_optimizer=False)
        return path.stat().st_size


def timings(call: Callable[[], object], repeats: int, warmup: int = 3) -> np.ndarray:
    """Milliseconds of `repeats` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return np.asarray(seconds) * 1000


def _in_batches(predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray, batch: int) -> np.ndarray:
    parts = [predict(x[i : i + batch]) for i in range(0, len(x), batch)]
    return np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)


def keras_probabilities(loaded, x: np.ndarray) -> np.ndarray:
    """The package's own prediction (LoadedModel.probabilities) over many images, batch by batch."""
    return _in_batches(loaded.probabilities, x, EVALUATION_BATCH)


def litert_probabilities(runner: LiteRTModel, x: np.ndarray) -> np.ndarray:
    return _in_batches(runner.probabilities, x, EVALUATION_BATCH)


Progress = Callable[[float, Message], None]


def measure(
    loaded,
    x_test: np.ndarray,
    y_test: np.ndarray,
    representative: np.ndarray,
    flavours: tuple[str, ...] = FLAVOURS,
    latency_calls: int = LATENCY_CALLS,
    batch_images: int = BATCH_IMAGES,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[list[Measurement], dict[str, bytes]]:
    """Keras and each LiteRT flavour on the same test images: size, accuracy, latency of one image
    (the package's own prediction call, `loaded.probabilities`), and one batch's throughput
    (Keras's `model.predict` against one interpreter call). Returns the rows and each file's bytes."""
    _require_runtime()
    report = progress or (lambda fraction, message: None)
    single = x_test[:1]
    batch = np.resize(x_test, (batch_images, *x_test.shape[1:])) if len(x_test) else x_test
    steps = 1 + len(flavours)
    rows: list[Measurement] = []
    files: dict[str, bytes] = {}

    report(0.0, Message("export.progress.accuracy", {"flavour": "keras", "images": len(y_test)}))
    keras_top = keras_probabilities(loaded, x_test).argmax(axis=1)
    keras_ms = timings(lambda: loaded.probabilities(single), latency_calls)
    model = loaded.model

    def keras_predict() -> None:
        with loaded.lock:  # one thread at a time per loaded model, as everywhere in the app
            model.predict(batch.astype(np.float32) / 255.0, batch_size=EVALUATION_BATCH, verbose=0)

    predict_ms = timings(keras_predict, 3, warmup=1)
    with loaded.lock:
        keras_bytes = keras_file_bytes(model)
    rows.append(_row("keras", keras_bytes, keras_top, y_test, keras_top, keras_ms, predict_ms, batch))
    for step, flavour in enumerate(flavours, start=1):
        if should_stop():
            break
        report(step / steps * 0.9, Message("export.progress.convert", {"flavour": flavour}))
        with loaded.lock:
            content = to_litert(model, flavour, representative)
        files[flavour] = content
        runner = LiteRTModel(content)
        report((step + 0.3) / steps, Message("export.progress.accuracy", {"flavour": flavour, "images": len(y_test)}))
        top = litert_probabilities(runner, x_test).argmax(axis=1)
        report((step + 0.7) / steps, Message("export.progress.latency", {"flavour": flavour}))
        one_ms = timings(lambda runner=runner: runner.probabilities(single), latency_calls)
        batch_ms = timings(lambda runner=runner: runner.probabilities(batch), 3, warmup=1)
        rows.append(_row(flavour, len(content), top, y_test, keras_top, one_ms, batch_ms, batch))
    return rows, files


def _row(flavour, size, top, y_test, keras_top, one_ms, batch_ms, batch) -> Measurement:
    return Measurement(
        flavour=flavour,
        bytes=int(size),
        accuracy=float(np.mean(top == y_test)) if len(y_test) else float("nan"),
        p50_ms=float(np.percentile(one_ms, 50)),
        p95_ms=float(np.percentile(one_ms, 95)),
        batch_images_per_second=len(batch) / (float(np.median(batch_ms)) / 1000),
        agreement=float(np.mean(top == keras_top)) if len(y_test) else float("nan"),
    )


def representative_images(x_train: np.ndarray, y_train: np.ndarray, count: int = REPRESENTATIVE_IMAGES) -> np.ndarray:
    """A stratified, seeded sample of training images for int8 calibration."""
    rng = np.random.default_rng(0)
    classes = np.unique(y_train)
    per_class = max(1, count // max(len(classes), 1))
    chosen = [rng.permutation(np.flatnonzero(y_train == c))[:per_class] for c in classes]
    return x_train[np.sort(np.concatenate(chosen))] if chosen else x_train[:0]
