"""CIFAR-10 from a local copy (class folders, zip, or the official python tarball) or Keras's download."""

from __future__ import annotations

import os
import pickle
import posixpath
import tarfile
from pathlib import Path

import numpy as np

from classifier.core.data.cache import cached, frozen
from classifier.core.data.dataset import Dataset, DatasetError, Progress
from classifier.core.data.folders import read_class_folders
from classifier.core.messages import Message

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
CIFAR10_ENV = "CLASSIFIER_CIFAR10"


def load_cifar10(progress: Progress | None, cache_dir: str | os.PathLike | None) -> Dataset:
    location = os.environ.get(CIFAR10_ENV)
    if location:
        path = Path(location).expanduser()
        if not path.exists():
            raise DatasetError("data.cifar_missing", variable=CIFAR10_ENV, path=str(path))
        kind = "cifar-tar" if path.name.endswith((".tar.gz", ".tgz")) else "folder"
        dataset = cached(path, kind, read_cifar_tar if kind == "cifar-tar" else read_class_folders, progress, cache_dir)
        if kind == "folder" and sorted(dataset.classes) != sorted(CIFAR10_CLASSES):
            raise DatasetError("data.cifar_classes", path=str(path), found=", ".join(dataset.classes))
        return _in_canonical_order(dataset)
    return _download_cifar10()


def _in_canonical_order(dataset: Dataset) -> Dataset:
    """Relabel so that label i is CIFAR10_CLASSES[i], whatever order the folders came in."""
    mapping = np.array([CIFAR10_CLASSES.index(name) for name in dataset.classes], dtype=np.int32)
    return frozen(
        Dataset(
            "cifar10",
            CIFAR10_CLASSES,
            dataset.x_train,
            mapping[dataset.y_train],
            dataset.x_test,
            mapping[dataset.y_test],
            dataset.notes,
        )
    )


def _download_cifar10() -> Dataset:
    import keras  # imported here: TensorFlow is heavy and only needed for this path

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    except Exception as error:  # urllib, socket and tarfile errors all mean "no data"
        detail = f"{type(error).__name__}: {error}"[:200]
        raise DatasetError("data.cifar_download_failed", detail=detail, variable=CIFAR10_ENV) from None
    return Dataset(
        "cifar10",
        CIFAR10_CLASSES,
        x_train,
        y_train.ravel().astype(np.int32),
        x_test,
        y_test.ravel().astype(np.int32),
    )


def read_cifar_tar(path: Path, progress: Progress | None) -> Dataset:
    """The official cifar-10-python.tar.gz (pickled batches; a trusted, operator-set file)."""
    batches: dict[str, dict] = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive.getmembers():
            base = posixpath.basename(member.name)
            if base.startswith(("data_batch_", "test_batch")) and member.isfile():
                batches[base] = pickle.load(archive.extractfile(member), encoding="bytes")
                if progress:
                    progress(len(batches) / 6, Message("data.progress_reading", {"name": base}))
    if len(batches) != 6:
        raise DatasetError("data.cifar_tar_incomplete", name=path.name, found=", ".join(sorted(batches)))

    def arrays(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        x = np.concatenate([batches[n][b"data"] for n in names]).reshape(-1, 3, 32, 32)
        y = np.concatenate([batches[n][b"labels"] for n in names]).astype(np.int32)
        return np.ascontiguousarray(x.transpose(0, 2, 3, 1)), y

    x_train, y_train = arrays([f"data_batch_{i}" for i in range(1, 6)])
    x_test, y_test = arrays(["test_batch"])
    return Dataset("cifar10", CIFAR10_CLASSES, x_train, y_train, x_test, y_test)
