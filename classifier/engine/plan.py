"""The queue's order and each waiting run's expected start and end.

Fair order: a waiting run's *round* is how many runs its student has already had started (recently:
in this lesson) or has waiting ahead of it, so one student's second run never waits ahead of
another student's first; a teacher's runs go before every round; within a round, first come first
served. A shared training
(classifier/engine/sharing.py) counts as the earliest round of any student following it.

Expected times: the engine's slots are simulated, each running run freeing its slot after its
remaining time and each waiting run, in queue order, taking the first free slot for its expected
duration: its epochs times the epoch time measured on this machine (an earlier run's epochs of the
same network here, else classifier/training/estimate.py's timed steps), plus the start-up a run took here.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from classifier.training.estimate import epoch_images


@dataclass(frozen=True)
class Waiting:
    """A run in the queue, as the order sees it."""

    run_id: str
    owners: frozenset[str]  # the students it is for (several for a shared training)
    teacher: bool = False
    arrival: int = 0  # submission order


def fair_order(waiting: Sequence[Waiting], started_owners: Iterable[frozenset[str]]) -> list[Waiting]:
    """The queue in the order runs should start; `started_owners`: whom each run started recently was for."""
    held: dict[str, int] = {}
    for owners in started_owners:
        for owner in owners:
            held[owner] = held.get(owner, 0) + 1
    keyed = []
    for run in sorted(waiting, key=lambda w: w.arrival):
        round_ = min((held.get(owner, 0) for owner in run.owners), default=0)
        for owner in run.owners:
            held[owner] = held.get(owner, 0) + 1
        keyed.append(((0 if run.teacher else 1, round_, run.arrival), run))
    return [run for _, run in sorted(keyed, key=lambda pair: pair[0])]


def expected_times(
    slots: int, remaining: Sequence[float | None], durations: Sequence[float | None], now: float
) -> list[tuple[float, float] | None]:
    """(start, end) for each waiting run in queue order; None from the first run whose time (or a
    running run's) is unknown on, as every later start depends on it."""
    free = [now + max(0.0, r) for r in remaining if r is not None]
    if len(free) < len(remaining):
        return [None] * len(durations)
    free += [now] * max(0, slots - len(free))
    heapq.heapify(free)
    times: list[tuple[float, float] | None] = []
    for duration in durations:
        if duration is None:
            return times + [None] * (len(durations) - len(times))
        start = heapq.heappop(free)
        heapq.heappush(free, start + duration)
        times.append((start, start + duration))
    return times


# Images per split of the built-in data sets (a run's own data set is only known once it loads).
BUILTIN_SIZES = {"cifar10": (50_000, 10_000, 10), "shapes": (6_000, 1_200, 6)}


def planned_images(config) -> tuple[int, int, int] | None:
    """(images trained, images validated per epoch, classes) of a run that has not loaded its data
    yet; None for a data set of the student's own."""
    if config.dataset not in BUILTIN_SIZES:
        return None
    train, test, classes = BUILTIN_SIZES[config.dataset]
    if config.limit is not None:
        train, test = min(train, config.limit), min(test, config.limit)
    if config.train_fraction < 1:
        train = max(classes, round(train * config.train_fraction))
    trained, validated = epoch_images(config, train, test)
    return trained, validated, classes
