"""Decoded data sets, kept on disk (keyed by the source's path, size and modification time) and
the few in use in memory, so the second load of CIFAR-10 takes about a second instead of a minute."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from classifier.core.data.dataset import Dataset, DatasetError, Progress
from classifier.core.files import atomic_path
from classifier.core.messages import Message

CACHE_ENV = "CLASSIFIER_CACHE_DIR"
CACHE_VERSION = 2  # 2: notes stored as message codes


def cache_dir(override: str | os.PathLike | None = None) -> Path:
    if override is not None:
        return Path(override)
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "cnn-classroom")


def _cache_key(path: Path, kind: str) -> str:
    stat = path.stat()
    stamp = f"{CACHE_VERSION}|{kind}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:24]


_memory: OrderedDict[str, Dataset] = OrderedDict()  # the few data sets in use, newest last
_memory_lock = threading.Lock()  # one decode at a time: a second caller waits and gets the result
MEMORY_ENTRIES = 3


Reader = Callable[[Path, "Progress | None"], Dataset]  # decodes a source the slow way


def cached(path: Path, kind: str, read: Reader, progress: Progress | None, cache_root) -> Dataset:
    """The data set at `path`: from memory, else from the disk cache, else `read` (and cached)."""
    if not path.exists():
        raise DatasetError("data.missing", name=path.name)
    try:
        key = _cache_key(path, kind)
    except OSError as error:
        raise DatasetError("data.unreadable", name=path.name, detail=error.strerror or str(error)) from None
    with _memory_lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
        dataset = _from_disk_cache(path, read, key, cache_dir(cache_root), progress)
        _memory[key] = dataset
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)
        return dataset


def clear_memory_cache() -> None:
    with _memory_lock:
        _memory.clear()


def _from_disk_cache(path: Path, read: Reader, key: str, root: Path, progress: Progress | None) -> Dataset:
    file = root / f"{key}.npz"
    if file.exists():
        try:
            with np.load(file, allow_pickle=False) as saved:
                return frozen(
                    Dataset(
                        str(saved["name"]),
                        tuple(str(c) for c in saved["classes"]),
                        saved["x_train"],
                        saved["y_train"],
                        saved["x_test"],
                        saved["y_test"],
                        tuple(Message.from_dict(json.loads(str(n))) for n in saved["notes"]),
                    )
                )
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            pass  # a damaged cache file is rebuilt below
    dataset = read(path, progress)
    _write_cache(file, dataset)
    return frozen(dataset)


def _write_cache(file: Path, dataset: Dataset) -> None:
    """Best effort: a read-only or full cache folder only costs speed next time."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(file) as partial, open(partial, "wb") as handle:
            np.savez(
                handle,
                name=dataset.name,
                classes=np.array(dataset.classes),
                x_train=dataset.x_train,
                y_train=dataset.y_train,
                x_test=dataset.x_test,
                y_test=dataset.y_test,
                notes=np.array([json.dumps(note.to_dict()) for note in dataset.notes], dtype=str),
            )
    except OSError:
        pass


def frozen(dataset: Dataset) -> Dataset:
    """Shared between callers, so make accidental in-place edits fail loudly."""
    for array in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test):
        array.flags.writeable = False
    return dataset
