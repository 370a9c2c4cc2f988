"""Data sets: CIFAR-10, the built-in shapes set, or any class-folder directory/zip.

Every source gives the same `Dataset` (dataset.py): uint8 images (n, 32, 32, 3), int32 labels and
class names. The readers: cifar.py (CIFAR-10), folders.py (class folders, with the archive
guards), shapes.py (generated); cache.py keeps decoded arrays on disk and in memory.
"""

from __future__ import annotations

import os
from pathlib import Path

from classifier.core.data.cache import CACHE_ENV, cache_dir, cached, clear_memory_cache
from classifier.core.data.cifar import CIFAR10_CLASSES, CIFAR10_ENV, load_cifar10
from classifier.core.data.dataset import Dataset, DatasetError, Progress
from classifier.core.data.folders import MAX_ARCHIVE_FILES, MAX_CLASSES, TEST_NAMES, read_class_folders
from classifier.core.data.shapes import SHAPES_CLASSES, shapes

BUILTIN = ("cifar10", "shapes")

__all__ = [
    "BUILTIN",
    "CACHE_ENV",
    "CIFAR10_CLASSES",
    "CIFAR10_ENV",
    "MAX_ARCHIVE_FILES",
    "MAX_CLASSES",
    "SHAPES_CLASSES",
    "TEST_NAMES",
    "Dataset",
    "DatasetError",
    "Progress",
    "cache_dir",
    "clear_memory_cache",
    "describe_source",
    "load_dataset",
    "shapes",
]


def load_dataset(
    source: str,
    limit: int | None = None,
    progress: Progress | None = None,
    cache_dir: str | os.PathLike | None = None,
) -> Dataset:
    """Load 'cifar10', 'shapes', or a directory/zip in class-folder layout."""
    if source == "shapes":
        dataset = shapes()
    elif source == "cifar10":
        dataset = load_cifar10(progress, cache_dir)
    else:
        dataset = cached(Path(source), "folder", read_class_folders, progress, cache_dir)
    return dataset.subset(limit)


def describe_source(source: str) -> str:
    """A short human name for a data set source (never the full path of an upload)."""
    return source if source in BUILTIN else Path(source).name
