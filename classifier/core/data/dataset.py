"""The one shape every data set has: uint8 images, int32 labels, class names, and notes.

Images stay uint8 here; scaling to [0, 1] happens per batch in training.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from classifier.core.messages import ClassifierError, Message

# Called with the share done (0..1) and what is happening, while a long load goes on.
Progress = Callable[[float, Message], None]


class DatasetError(ClassifierError):
    """A data set could not be loaded; the code says why, its parameters what to do."""


@dataclass(frozen=True)
class Dataset:
    name: str
    classes: tuple[str, ...]
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    notes: tuple[Message, ...] = field(default=())  # e.g. files skipped while reading

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def subset(self, limit: int | None) -> Dataset:
        """The first `limit` images of each split, spread evenly over the classes."""
        if limit is None:
            return self
        train = stratified_first(self.y_train, limit)
        test = stratified_first(self.y_test, limit)
        return Dataset(
            f"{self.name} (first {limit})",
            self.classes,
            self.x_train[train],
            self.y_train[train],
            self.x_test[test],
            self.y_test[test],
            self.notes,
        )

    def holdout(self, fraction: float, seed: int = 0) -> tuple[Dataset, np.ndarray, np.ndarray]:
        """Split off a stratified share of the training images for validation."""
        rng = np.random.default_rng(seed)
        held = np.zeros(len(self.y_train), dtype=bool)
        for label in range(self.num_classes):
            members = np.flatnonzero(self.y_train == label)
            count = int(round(len(members) * fraction))
            held[rng.permutation(members)[:count]] = True
        kept = Dataset(
            self.name,
            self.classes,
            self.x_train[~held],
            self.y_train[~held],
            self.x_test,
            self.y_test,
            self.notes,
        )
        return kept, self.x_train[held], self.y_train[held]

    def train_share(self, fraction: float, seed: int = 0) -> Dataset:
        """A random `fraction` of each class's training images (at least one each); the test split
        stays whole, so runs on different shares are tested alike (a learning curve)."""
        if fraction >= 1:
            return self
        rng = np.random.default_rng(seed)
        kept = np.sort(
            np.concatenate(
                [
                    rng.permutation(members)[: max(1, int(round(len(members) * fraction)))]
                    for members in (np.flatnonzero(self.y_train == label) for label in np.unique(self.y_train))
                ]
            )
        )
        name = f"{self.name} ({fraction:.3g} of train)"
        return Dataset(name, self.classes, self.x_train[kept], self.y_train[kept], self.x_test, self.y_test, self.notes)

    def examples_per_class(self, count: int, split: str = "train") -> dict[str, np.ndarray]:
        """The first `count` images of each class, for preview grids."""
        x, y = (self.x_train, self.y_train) if split == "train" else (self.x_test, self.y_test)
        return {name: x[np.flatnonzero(y == label)[:count]] for label, name in enumerate(self.classes)}


def stratified_first(labels: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the first images per class, `limit` in all (as evenly as classes allow)."""
    by_class = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    if limit >= len(labels):
        return np.arange(len(labels))
    quota = [0] * len(by_class)
    remaining = limit
    # Hand out one image per class at a time so small classes do not starve the split.
    while remaining > 0:
        progressed = False
        for i, members in enumerate(by_class):
            if remaining and quota[i] < len(members):
                quota[i] += 1
                remaining -= 1
                progressed = True
        if not progressed:
            break
    return np.sort(np.concatenate([m[:q] for m, q in zip(by_class, quota)]))
