"""Testing a claim: "a CNN is robust to translation, rotation and scale" (the document, §2.3).

    sweeps = sweep_all(model, image)         # shift, rotate and scale, one batch through the model
    sweeps["rotate"].parameters              # (-45, -30, ..., 45) degrees
    sweeps["rotate"].probabilities[:, true]  # how sure the model stays of the true class

Each sweep moves, turns or resizes one 32x32 image step by step and asks the model about every
version. Beyond the picture's edge, the picture is mirrored (as the 'shift' augmentation of
training does), so no black borders appear that the model never saw in training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from classifier.core.messages import ClassifierError

# The parameter values of each sweep; the middle one leaves the image as it is.
SWEEPS: dict[str, tuple[float, ...]] = {
    "shift": tuple(float(v) for v in range(-8, 9, 2)),  # pixels to the right
    "rotate": tuple(float(v) for v in range(-45, 46, 15)),  # degrees, counter-clockwise
    "scale": tuple(0.5 + 0.125 * k for k in range(9)),  # 0.5x ... 1.5x
}
UNITS = {"shift": "px", "rotate": "°", "scale": "×"}
MIRROR = 32  # pixels of mirrored picture around the 32x32 image: enough for 45° and 0.5x


class ProbeError(ClassifierError):
    """An unknown sweep or an image the probe cannot use."""


@dataclass(frozen=True)
class Sweep:
    kind: str  # "shift", "rotate" or "scale"
    parameters: tuple[float, ...]
    images: np.ndarray  # (n, 32, 32, 3) uint8: what the model was shown
    probabilities: np.ndarray  # (n, classes)

    @property
    def predicted(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    def kept(self, label: int) -> int:
        """How many of the versions the model still puts in class `label`."""
        return int((self.predicted == label).sum())

    def to_lines(self, classes: tuple[str, ...]) -> list[dict[str, Any]]:
        """One JSON-ready record per sweep point (the command line prints one per line)."""
        return [
            {
                "sweep": self.kind,
                "parameter": parameter,
                "unit": UNITS[self.kind],
                "predicted": classes[int(p.argmax())],
                "probabilities": {name: round(float(v), 6) for name, v in zip(classes, p)},
            }
            for parameter, p in zip(self.parameters, self.probabilities)
        ]


def transform(image: np.ndarray, shift: float = 0.0, angle: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """The 32x32 image moved `shift` px to the right, turned `angle` degrees counter-clockwise and
    resized `scale` times about its centre; what comes in from beyond the edge is mirrored."""
    return _moved(_mirrored(image), image.shape[0], shift, angle, scale)


def _mirrored(image: np.ndarray) -> Image.Image:
    """The image inside a MIRROR-pixel frame of its own mirror images."""
    return Image.fromarray(np.pad(image, ((MIRROR, MIRROR), (MIRROR, MIRROR), (0, 0)), mode="symmetric"))


def _moved(padded: Image.Image, size: int, shift: float, angle: float, scale: float) -> np.ndarray:
    centre = padded.height / 2
    # Pillow's AFFINE maps each output pixel (x, y) back to the input pixel it shows:
    # input = R(angle) · (output − centre − shift) / scale + centre   (y grows downwards)
    turn = math.radians(angle)
    a, b = math.cos(turn) / scale, -math.sin(turn) / scale
    d, e = math.sin(turn) / scale, math.cos(turn) / scale
    cx, cy = centre + shift, centre
    c = centre - a * cx - b * cy
    f = centre - d * cx - e * cy
    moved = padded.transform(padded.size, Image.Transform.AFFINE, (a, b, c, d, e, f), Image.Resampling.BILINEAR)
    return np.asarray(moved)[MIRROR : MIRROR + size, MIRROR : MIRROR + size].copy()


def _version(padded: Image.Image, kind: str, parameter: float) -> np.ndarray:
    if kind == "shift":
        return _moved(padded, 32, parameter, 0.0, 1.0)
    if kind == "rotate":
        return _moved(padded, 32, 0.0, parameter, 1.0)
    return _moved(padded, 32, 0.0, 0.0, parameter)


def _check(kind: str, image: np.ndarray) -> None:
    if kind not in SWEEPS:
        raise ProbeError("probe.bad_sweep", sweep=kind, choices=", ".join(SWEEPS))
    if image.shape != (32, 32, 3) or image.dtype != np.uint8:
        raise ProbeError("probe.bad_image", shape="×".join(map(str, image.shape)))


def sweep_all(model, image: np.ndarray, kinds: tuple[str, ...] = tuple(SWEEPS)) -> dict[str, Sweep]:
    """Every version of `image` for each sweep in `kinds`, asked of the model in one batch."""
    for kind in kinds:
        _check(kind, image)
    padded = _mirrored(image)
    versions = {kind: np.stack([_version(padded, kind, p) for p in SWEEPS[kind]]) for kind in kinds}
    batch = np.concatenate(list(versions.values())).astype(np.float32) / 255.0
    probabilities = np.asarray(model(batch, training=False), dtype=np.float32)
    sweeps, start = {}, 0
    for kind, stack in versions.items():
        sweeps[kind] = Sweep(kind, SWEEPS[kind], stack, probabilities[start : start + len(stack)])
        start += len(stack)
    return sweeps


def sweep(model, image: np.ndarray, kind: str) -> Sweep:
    """One sweep: shift (−8…+8 px), rotate (−45…+45°) or scale (0.5…1.5×)."""
    return sweep_all(model, image, (kind,))[kind]
