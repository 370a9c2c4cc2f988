"""Explanations you can check: occlusion sensitivity beside Grad-CAM, and how far they agree.

Two ways to ask "where did the network look?":

- Grad-CAM (classifier/core/inspect.py) reads the network from inside: the gradient of the class
  score with respect to the last convolution's maps says how much each map matters; the weighted
  sum of the maps is the heat map. One forward and one backward pass, at the coarse resolution of
  that layer (4×4 for the seed network).
- Occlusion sensitivity (Zeiler & Fergus, 2014) treats the network as a black box: hide one square
  of the picture under a grey patch, predict again, and record how much the probability of the
  class drops,  drop(i, j) = p(c | image) − p(c | image with the patch at (i, j)).
  Sliding the patch over the picture gives a map of what the decision really depends on, for any
  model that takes an image, at the cost of one prediction per patch position (all in one batch).

Their agreement is Spearman's rank correlation over the 32×32 pixels (both maps resized to the
input): ρ = 1 when both order the pixels the same way, 0 when unrelated, negative when opposed.
A second number, the overlap (intersection over union) of each map's top 20% of pixels, says
whether the two point at the same region.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PIL import Image

from classifier.core.inspect import inspect_image
from classifier.core.messages import ClassifierError, Message, as_message

PATCH = 8  # pixels: a quarter of the 32-pixel side, about the size of a CIFAR object's part
STRIDE = 2
FILL = 0.5  # the grey of the patch, in the model's [0, 1] input scale
TOP_SHARE = 0.2  # "top region" of a map: its highest 20% of pixels
MAX_BATCH = 256


@dataclass(frozen=True)
class Occlusion:
    class_index: int
    probability: float  # p(class) on the intact image
    drops: np.ndarray  # (rows, cols): probability drop with the patch at each position
    heatmap: np.ndarray  # (32, 32): the mean drop of the patches covering each pixel
    patch: int
    stride: int
    seconds: float


@dataclass(frozen=True)
class Agreement:
    spearman: float  # rank correlation of the two maps over the pixels, -1..1
    top_iou: float  # intersection over union of the two maps' top TOP_SHARE of pixels, 0..1


@dataclass(frozen=True)
class Comparison:
    occlusion: Occlusion
    gradcam: np.ndarray | None  # (32, 32) Grad-CAM resized to the input; None when the model has no conv layer
    gradcam_error: Message | None  # why there is no Grad-CAM
    agreement: Agreement | None


def positions(size: int, patch: int, stride: int) -> list[int]:
    """Top-left corners along one side; the last patch always touches the far edge."""
    starts = list(range(0, size - patch + 1, stride))
    if starts[-1] != size - patch:
        starts.append(size - patch)
    return starts


def occlusion_map(
    model, image: np.ndarray, class_index: int | None = None, patch: int = PATCH, stride: int = STRIDE
) -> Occlusion:
    """Slide a grey `patch`×`patch` square over a uint8 (h, w, 3) image in steps of `stride` and
    record the drop of p(class) at each position; `class_index` defaults to the predicted class."""
    height, width = image.shape[:2]
    if not isinstance(patch, int) or not 1 <= patch <= min(height, width):
        raise ClassifierError("explain.patch", largest=min(height, width), patch=patch)
    if not isinstance(stride, int) or not 1 <= stride <= patch:
        raise ClassifierError("explain.stride", patch=patch, stride=stride)
    started = time.perf_counter()
    x = image.astype(np.float32) / 255.0
    rows, cols = positions(height, patch, stride), positions(width, patch, stride)
    occluded = np.repeat(x[None], len(rows) * len(cols) + 1, axis=0)  # [0] stays intact
    for k, (i, j) in enumerate(((i, j) for i in rows for j in cols), start=1):
        occluded[k, i : i + patch, j : j + patch, :] = FILL
    probabilities = np.concatenate(
        [
            np.asarray(model(occluded[s : s + MAX_BATCH], training=False), dtype=np.float32)
            for s in range(0, len(occluded), MAX_BATCH)
        ]
    )
    count = probabilities.shape[1]
    chosen = int(np.argmax(probabilities[0])) if class_index is None else int(class_index)
    if not 0 <= chosen < count:
        raise ClassifierError("explain.class", index=chosen, count=count)
    base = float(probabilities[0, chosen])
    drops = (base - probabilities[1:, chosen]).reshape(len(rows), len(cols))
    # Each pixel gets the mean drop of every patch that covered it.
    total = np.zeros((height, width), np.float32)
    covered = np.zeros((height, width), np.float32)
    for a, i in enumerate(rows):
        for b, j in enumerate(cols):
            total[i : i + patch, j : j + patch] += drops[a, b]
            covered[i : i + patch, j : j + patch] += 1
    heatmap = total / np.maximum(covered, 1)
    return Occlusion(chosen, base, drops, heatmap, patch, stride, time.perf_counter() - started)


def resize_map(values: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A coarse map (e.g. Grad-CAM's 4×4) bilinearly resized to `size` (h, w), as float32."""
    picture = Image.fromarray(np.ascontiguousarray(values, dtype=np.float32))  # mode "F"
    return np.asarray(picture.resize((size[1], size[0]), Image.Resampling.BILINEAR), dtype=np.float32)


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 0..n-1, ties sharing their average rank (as Spearman's ρ needs)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(len(values))
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    return (np.bincount(inverse, weights=ranks) / counts)[inverse]


def agreement(a: np.ndarray, b: np.ndarray, top_share: float = TOP_SHARE) -> Agreement:
    """Spearman's ρ between two maps of the same shape, and the IoU of their top regions."""
    ra, rb = _ranks(np.ravel(a)), _ranks(np.ravel(b))
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denominator = np.sqrt((ra**2).sum() * (rb**2).sum())
    # ρ = Pearson correlation of the ranks; a constant map has no order, so no correlation.
    spearman = float((ra * rb).sum() / denominator) if denominator > 0 else 0.0
    count = max(1, int(round(top_share * np.size(a))))
    top_a = np.zeros(np.size(a), bool)
    top_b = np.zeros(np.size(b), bool)
    top_a[np.argsort(-np.ravel(a), kind="stable")[:count]] = True
    top_b[np.argsort(-np.ravel(b), kind="stable")[:count]] = True
    iou = float((top_a & top_b).sum() / (top_a | top_b).sum())
    return Agreement(spearman, iou)


def compare(
    model, image: np.ndarray, class_index: int | None = None, patch: int = PATCH, stride: int = STRIDE
) -> Comparison:
    """Occlusion and Grad-CAM for the same image and class, and their agreement. A model without a
    convolution still gets its occlusion map (Grad-CAM's reason is returned instead)."""
    occlusion = occlusion_map(model, image, class_index, patch, stride)
    try:
        result = inspect_image(model, image, class_index=occlusion.class_index)
    except Exception as error:  # noqa: BLE001 - a model that cannot be taken apart layer by layer
        return Comparison(occlusion, None, as_message(error), None)
    gradcam = resize_map(result.heatmap, image.shape[:2])
    return Comparison(occlusion, gradcam, None, agreement(occlusion.heatmap, gradcam))
