"""Little data: a learning curve. The same network trained on growing shares of the training set.

Each point is an ordinary run of the engine (it waits in the queue, shows in Runs, can be
stopped) with `Config.train_fraction` set: a stratified, seeded share of every class's training
images, while the test split stays whole, so every point is tested on the same 10,000 images.
Plotting test accuracy against the number of training images on a log axis shows the document's
first challenge: how much a CNN's accuracy depends on how much labelled data it has, and how much
augmentation (flipped and shifted copies of the same images) buys back when data is scarce.

    sweep = submit(engine, Config(epochs=10), FRACTIONS, augmentations=((), ("flip", "shift")))
    for point in sweep.points: point.job.wait()
    points(engine.store, sweep)   # [{"fraction": 0.02, "train_images": 1000, "test_accuracy": ...}, ...]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from classifier.core.config import Config
from classifier.core.data import describe_source
from classifier.core.messages import ClassifierError

FRACTIONS = (0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
WITH_AUGMENTATION = ("flip", "shift")
MAX_POINTS = 24  # fractions × augmentation variants: a class's queue, not a cluster's


def parse_fractions(text: str) -> tuple[float, ...]:
    """'0.02,0.05,1' -> (0.02, 0.05, 1.0), validated."""
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ClassifierError("sweep.fraction_text", text=text) from None
    return validate_fractions(values)


def validate_fractions(values) -> tuple[float, ...]:
    """Distinct fractions in increasing order; each must satisfy 0 < f <= 1."""
    fractions = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            raise ClassifierError("sweep.fraction", value=value)
        if not math.isfinite(value):
            raise ClassifierError("sweep.fraction", value=value)
        fractions.append(float(value))
    if not fractions:
        raise ClassifierError("sweep.empty")
    return tuple(sorted(set(fractions)))


@dataclass(frozen=True)
class Point:
    fraction: float
    augmentation: tuple[str, ...]
    run_id: str
    job: Any = None  # the engine's TrainingJob while this process has it


@dataclass(frozen=True)
class Sweep:
    points: tuple[Point, ...]

    @property
    def run_ids(self) -> list[str]:
        return [point.run_id for point in self.points]

    def request_stop(self, viewer: str | None) -> None:
        """Stop the run in progress and take the waiting ones out of the queue (their owner only)."""
        for point in reversed(self.points):  # the queued ones first: none starts in the meantime
            if point.job is not None:
                point.job.request_stop(viewer)


def plan(base: Config, fractions, augmentations=((),)) -> list[tuple[float, tuple[str, ...], Config]]:
    """Every (fraction, augmentation) pair as a validated config; smallest share first."""
    fractions = validate_fractions(fractions)
    augmentations = [tuple(options) for options in augmentations] or [()]
    count = len(fractions) * len(augmentations)
    if count > MAX_POINTS:
        raise ClassifierError("sweep.too_many", count=count, limit=MAX_POINTS)
    return [
        (fraction, options, base.replace(train_fraction=fraction, augmentation=options))
        for options in augmentations
        for fraction in fractions
    ]


def submit(
    engine, base: Config, fractions=FRACTIONS, augmentations=((),), owner: str | None = None, verbose: int = 0
) -> Sweep:
    """Queue one ordinary run per point; returns at once (the engine trains them in turn)."""
    planned = plan(base, fractions, augmentations)
    allowance = engine.limits.sweep_runs
    active = engine.active_runs(owner) if owner is not None else 0
    if owner is not None and active + len(planned) > allowance:
        raise ClassifierError("limits.sweep_runs", count=len(planned), active=active, limit=allowance)
    points = []
    for fraction, options, config in planned:
        label = f"{describe_source(config.dataset)} · {fraction:.0%}" + (f" · {'+'.join(options)}" if options else "")
        job = engine.submit(config, owner=owner, verbose=verbose, dataset_label=label, allowance=allowance)
        points.append(Point(fraction, options, job.run_id, job))
    return Sweep(tuple(points))


def point_result(store, point: Point) -> dict[str, Any]:
    """What a point has to show: the run's status, training-set size and test accuracy so far."""
    info = store.load(point.run_id)
    return {
        "fraction": point.fraction,
        "augmentation": list(point.augmentation),
        "train_images": info.train_images or None,
        "test_accuracy": info.test_accuracy,
        "run_id": point.run_id,
        "status": info.status,
    }


def results(store, sweep: Sweep) -> list[dict[str, Any]]:
    return [point_result(store, point) for point in sweep.points]
