"""The built-in shapes set: six kinds of shape, drawn deterministically in memory (no files)."""

from __future__ import annotations

import functools

import numpy as np
from PIL import Image, ImageDraw

from classifier.core import images
from classifier.core.data.cache import frozen
from classifier.core.data.dataset import Dataset

SHAPES_CLASSES = ("circle", "square", "triangle", "cross", "ring", "stripes")


def shapes(train_per_class: int = 1000, test_per_class: int = 200, seed: int = 0) -> Dataset:
    """Six kinds of shape, drawn deterministically in memory with random colour, size,
    position, rotation and noise. The seed network learns them to ~88% in 10 epochs of ~1.5 s each."""
    return _shapes(train_per_class, test_per_class, seed)


@functools.lru_cache(maxsize=4)
def _shapes(train_per_class: int, test_per_class: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    x_train, y_train = _draw_shapes(rng, train_per_class)
    x_test, y_test = _draw_shapes(rng, test_per_class)
    return frozen(Dataset("shapes", SHAPES_CLASSES, x_train, y_train, x_test, y_test))


def _draw_shapes(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    labels = np.tile(np.arange(len(SHAPES_CLASSES), dtype=np.int32), per_class)
    pictures = np.stack([_draw_one(rng, SHAPES_CLASSES[label]) for label in labels])
    return pictures, labels


def _contrasting_colours(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...]]:
    while True:
        background, foreground = rng.integers(0, 256, size=(2, 3))
        if np.abs(background - foreground).sum() > 180:
            return tuple(int(v) for v in background), tuple(int(v) for v in foreground)


def _draw_one(rng: np.random.Generator, kind: str) -> np.ndarray:
    scale = 4  # draw large, then downsample: smooth edges like a photo
    size = images.IMAGE_SIZE * scale
    background, foreground = _contrasting_colours(rng)
    canvas = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(canvas)
    radius = rng.uniform(7, 13) * scale
    cx, cy = rng.uniform(radius, size - radius, size=2)
    angle = rng.uniform(0, 2 * np.pi)

    def polygon(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        cos, sin = np.cos(angle), np.sin(angle)
        return [(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in points]

    r = radius
    if kind == "circle":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=foreground)
    elif kind == "ring":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=foreground, width=int(r * 0.35))
    elif kind == "square":
        s = r * 0.8
        draw.polygon(polygon([(-s, -s), (s, -s), (s, s), (-s, s)]), fill=foreground)
    elif kind == "triangle":
        corners = [(r * np.cos(a), r * np.sin(a)) for a in np.deg2rad([90, 210, 330])]
        draw.polygon(polygon(corners), fill=foreground)
    elif kind == "cross":
        w = r * 0.3
        draw.polygon(polygon([(-r, -w), (r, -w), (r, w), (-r, w)]), fill=foreground)
        draw.polygon(polygon([(-w, -r), (w, -r), (w, r), (-w, r)]), fill=foreground)
    elif kind == "stripes":
        cx = cy = size / 2  # stripes fill the picture; only their angle and period vary
        period = rng.uniform(5, 9) * scale
        for offset in np.arange(-2 * size, 2 * size, period):
            band = [
                (offset, -2 * size),
                (offset + period / 2, -2 * size),
                (offset + period / 2, 2 * size),
                (offset, 2 * size),
            ]
            draw.polygon(polygon(band), fill=foreground)
    small = canvas.resize((images.IMAGE_SIZE, images.IMAGE_SIZE), Image.Resampling.BOX)
    noisy = np.asarray(small, dtype=np.float32) + rng.normal(0, 8, size=(32, 32, 3))
    return np.clip(noisy, 0, 255).astype(np.uint8)
