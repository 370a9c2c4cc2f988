"""Prediction: load a model safely, turn any image into the 32x32 input, return the top-k labels.

loaded = load_model("default")
result = predict_image(loaded, open("dog.jpg", "rb").read())
result.top  # [("dog", 0.81), ("cat", 0.11), ("deer", 0.03)]
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from classifier.core import images
from classifier.core.config import TTA_CHOICES
from classifier.core.data import CIFAR10_CLASSES
from classifier.core.images import ImageError
from classifier.core.messages import ClassifierError
from classifier.core.runs import RunError

ASSETS = Path(__file__).parents[1] / "assets"
DEFAULT_MODEL = ASSETS / "default_model.keras"
DEFAULT_MODEL_INFO = ASSETS / "default_model.json"
UNSURE_BELOW = 0.5  # a top probability under this: "the picture may be none of the classes"
MAX_MODEL_BYTES = 200 * 2**20
PREVIEW_SIZE = 512  # photos are decoded at reduced size when the format allows (JPEG draft mode)
# Test-time augmentation: "flip" averages the class probabilities of the image and its mirror.
# A left-right mirror of a cat is still a cat (the training augmentation "flip" teaches exactly this),
# so the two guesses are two looks at the same picture; their mean is steadier than either.
# The choices (TTA_CHOICES) live in classifier/core/config.py: a run's final test pass offers the same.


class ModelError(ClassifierError):
    """A model file could not be used; the code says why."""


@dataclass
class LoadedModel:
    """A Keras model with its class names; `lock` keeps one model call at a time per model."""

    model: object
    classes: tuple[str, ...]
    name: str
    info: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def probabilities(self, batch: np.ndarray, tta: str = "none") -> np.ndarray:
        """uint8 images (n, 32, 32, 3) -> class probabilities (n, classes); with tta="flip", the
        mean of the probabilities for each image and its mirror (one model call on 2n images)."""
        check_tta(tta)
        x = batch.astype(np.float32) / 255.0
        if tta == "flip":
            x = np.concatenate([x, x[:, :, ::-1]])
        with self.lock:
            p = np.asarray(self.model(x, training=False), dtype=np.float32)
        if tta == "flip":
            as_seen, mirrored = np.split(p, 2)
            p = (as_seen + mirrored) / 2
        return p


@dataclass(frozen=True)
class Prediction:
    model_input: np.ndarray  # the 32x32 uint8 image the model saw
    probabilities: np.ndarray
    top: list[tuple[str, float]]
    preview: object = None  # the upright photo when asked for (PIL image, long side <= PREVIEW_SIZE)

    @property
    def unsure(self) -> bool:
        return self.top[0][1] < UNSURE_BELOW


def check_tta(tta: str) -> None:
    if tta not in TTA_CHOICES:
        raise ModelError("model.tta", value=repr(tta), choices=", ".join(TTA_CHOICES))


def with_flip_averaging(model):
    """A Keras model whose output is the mean of `model` on the image and on its mirror, so that
    `evaluate` measures test-time flip averaging with Keras's own loss and accuracy."""
    import keras

    images = keras.Input(shape=model.input_shape[1:])
    mirrored = keras.ops.flip(images, axis=2)  # axis 2: the width of (batch, height, width, channels)
    averaged = keras.layers.Average()([model(images), model(mirrored)])
    return keras.Model(images, averaged, name=f"{model.name}_flip_averaged")


def default_model_info() -> dict:
    if not DEFAULT_MODEL_INFO.exists():
        return {}
    return json.loads(DEFAULT_MODEL_INFO.read_text())


def load_model(
    source: str | os.PathLike | bytes, classes: tuple[str, ...] | None = None, name: str | None = None
) -> LoadedModel:
    """'default', a path to a .keras file, or its bytes -> LoadedModel. Never runs code from the
    file (Keras safe mode) and checks that it takes 32x32 RGB images and outputs probabilities."""
    info: dict = {}
    if isinstance(source, str) and source == "default":
        if not DEFAULT_MODEL.exists():
            raise ModelError("model.builtin_missing")
        info = default_model_info()
        source, name = DEFAULT_MODEL, name or "built-in"
        classes = classes or tuple(info.get("classes", CIFAR10_CLASSES))
    if isinstance(source, (bytes, bytearray)):
        model = _load_bytes(bytes(source))
    else:
        path = Path(source)
        if not path.is_file():
            raise ModelError("model.no_file", path=str(path))
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise ModelError("model.too_large", limit_mb=MAX_MODEL_BYTES // 2**20)
        model = _load_path(path)
    outputs = _check_shapes(model)
    if classes is None:
        classes = CIFAR10_CLASSES if outputs == 10 else tuple(f"class {i}" for i in range(outputs))
    if len(classes) != outputs:
        raise ModelError("model.class_count", outputs=outputs, classes=len(classes))
    return LoadedModel(model, tuple(classes), name or "model", info)


def run_checkpoint(store, run_id: str, viewer: str | None = None) -> tuple[Path, tuple[str, ...] | None]:
    """A run's latest checkpoint and its class names: how the CLI and the pages both find a run's model."""
    info = store.load(run_id, viewer)
    path = store.model_path(run_id)
    if path is None:
        raise ModelError("model.no_checkpoint_yet")
    return path, info.classes or None


def resolve(name: str, store, viewer: str | None = None) -> LoadedModel:
    """'default', a path to a .keras file, or a run id -> LoadedModel."""
    if name == "default" or Path(name).exists():
        return load_model(name)
    try:
        path, classes = run_checkpoint(store, name, viewer)
    except RunError:
        raise ModelError("model.unknown_name", name=name) from None
    return load_model(path, classes=classes, name=f"run {name}")


def _load_bytes(data: bytes):
    if len(data) > MAX_MODEL_BYTES:
        raise ModelError("model.too_large", limit_mb=MAX_MODEL_BYTES // 2**20)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.keras"
        path.write_bytes(data)
        return _load_path(path)


def _load_path(path: Path):
    import keras

    if path.stat().st_size == 0:
        raise ModelError("model.empty")
    if not zipfile.is_zipfile(path):
        raise ModelError("model.not_zip")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ModelError("model.damaged") from None
    if "config.json" not in names:
        raise ModelError("model.no_config")
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except ValueError as error:
        text = str(error)
        if "lambda" in text.lower() or "safe_mode" in text:
            raise ModelError("model.lambda") from None
        raise ModelError("model.unloadable", detail=_short(text)) from None
    except Exception as error:  # noqa: BLE001 - Keras raises many types for malformed files
        raise ModelError("model.unloadable", detail=f"{type(error).__name__}: {_short(str(error))}") from None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) < 200 else text[:197] + "..."


def _check_shapes(model) -> int:
    inputs = getattr(model, "inputs", None)
    if not inputs or len(inputs) != 1:
        raise ModelError("model.one_input")
    shape = tuple(inputs[0].shape)
    if shape[1:] != (32, 32, 3):
        raise ModelError("model.input_shape", shape=str(shape[1:]))
    outputs = model.outputs
    if len(outputs) != 1 or len(outputs[0].shape) != 2 or not outputs[0].shape[-1]:
        raise ModelError("model.one_output")
    count = int(outputs[0].shape[-1])
    if count < 2:
        raise ModelError("model.too_few_outputs", count=count)
    return count


def prepare(source: bytes | str | os.PathLike, fit: str = "crop", preview: bool = False):
    """The 32x32 input made from a photo, and (on request) an upright reduced copy to show."""
    photo = images.open_image(source, draft_size=PREVIEW_SIZE)
    shown = None
    if preview:
        shown = photo.copy()
        shown.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
        shown = images.to_rgb(shown)
    return shown, images.fit_to_input(photo, fit)


def top_k(probabilities: np.ndarray, classes: tuple[str, ...], k: int) -> list[tuple[str, float]]:
    order = np.argsort(probabilities)[::-1][: max(1, k)]
    return [(classes[i], float(probabilities[i])) for i in order]


def predict_image(
    loaded: LoadedModel,
    source: bytes | str | os.PathLike,
    top: int = 3,
    fit: str = "crop",
    preview: bool = False,
    tta: str = "none",
) -> Prediction:
    """One image (bytes or path) -> Prediction; raises ImageError with a clear message for bad files.
    With `preview`, the Prediction also carries the upright photo for display; `tta` see TTA_CHOICES."""
    shown, model_input = prepare(source, fit, preview)
    probabilities = loaded.probabilities(model_input[None], tta)[0]
    return Prediction(model_input, probabilities, top_k(probabilities, loaded.classes, top), shown)


def predict_many(
    loaded: LoadedModel, sources: list, top: int = 3, fit: str = "crop", preview: bool = False, tta: str = "none"
) -> list[Prediction | ImageError]:
    """Several images in one model call; a bad file yields its ImageError and spoils nothing else."""
    check_tta(tta)
    prepared: list = []
    for source in sources:
        try:
            prepared.append(prepare(source, fit, preview))
        except ImageError as error:
            prepared.append(error)
    good = [item for item in prepared if not isinstance(item, ImageError)]
    probabilities = iter(loaded.probabilities(np.stack([m for _, m in good]), tta) if good else [])
    results: list[Prediction | ImageError] = []
    for item in prepared:
        if isinstance(item, ImageError):
            results.append(item)
        else:
            p = next(probabilities)
            results.append(Prediction(item[1], p, top_k(p, loaded.classes, top), item[0]))
    return results
