"""Rehearse a lesson before class: how many trainings N students will need on this server, and how
long the last one will wait.

    python -m classifier rehearse --lesson learning_rate --students 30 [--choices conv_filters=2]

Each student picks one value for each setting the lesson leaves to them: a lesson's choice field
has its listed values; for a free field the teacher says how many different values the class will
try. With K combinations and N students picking at random, the class asks for K·(1 − (1 − 1/K)^N)
distinct recipes on average and at most min(N, K); students with the same recipe share one
training (classifier/engine/sharing.py), so that is the number of trainings. The server trains `slots` of
them at a time, each taking one run's time measured here (classifier/training/estimate.py): the last
training starts after ⌈D / slots⌉ − 1 rounds and ends one round later.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from classifier.core.messages import Message
from classifier.engine.base import STARTUP_SECONDS
from classifier.engine.plan import planned_images
from classifier.engine.sharing import scope
from classifier.teach.lessons import Lesson, LessonError
from classifier.training.estimate import epoch_seconds

MAX_STUDENTS = 1000
MAX_VALUES = 20  # values a class may try for one free field


@dataclass(frozen=True)
class Rehearsal:
    students: int
    combinations: int  # recipes the students can ask for
    trainings_expected: float  # distinct recipes, students picking at random
    trainings_most: int  # distinct recipes at worst
    slots: int
    run_seconds: float | None  # one training, measured here (None: not measured yet)
    last_start_s: float | None  # the last training's wait for a slot (at worst)
    last_end_s: float | None  # ... and its end: the class's makespan
    unshared_last_start_s: float | None  # the same with every student's run trained on its own
    unshared_last_end_s: float | None
    shared: bool  # False: the lesson cannot share (a link without a class code)
    notes: tuple[Message, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["notes"] = [note.to_dict() for note in self.notes]
        return values


def values_per_field(lesson: Lesson, tried: Mapping[str, int] | None = None) -> dict[str, int]:
    """How many values each setting left to students takes: a choice field's listed values; a free
    field's from `tried` (fields missing there: the students leave it as it is, 1)."""
    tried = dict(tried or {})
    counts = {name: len(values) for name, values in lesson.choices.items()}
    for name, count in tried.items():
        if name not in lesson.free:
            if name in lesson.choices:
                continue  # its count is the lesson's own list
            raise LessonError("rehearse.not_free", field=str(name)[:40])
        if not isinstance(count, int) or not 1 <= count <= MAX_VALUES:
            raise LessonError("rehearse.bad_count", field=name, most=MAX_VALUES)
        counts[name] = count
    return counts


def rehearse(
    lesson: Lesson,
    students: int,
    tried: Mapping[str, int] | None = None,
    slots: int = 1,
    run_seconds: float | None = None,
) -> Rehearsal:
    """What N students of `lesson` will need here; `tried`: values per free field (see above)."""
    if not isinstance(students, int) or not 1 <= students <= MAX_STUDENTS:
        raise LessonError("rehearse.bad_students", most=MAX_STUDENTS)
    slots = max(1, int(slots))
    counts = values_per_field(lesson, tried)
    combinations = math.prod(counts.values()) if counts else 1
    shared = scope(lesson.tag()) is not None
    notes = []
    if not counts:
        notes.append(Message("rehearse.all_locked", {"students": students}))
    if not shared:
        notes.append(Message("rehearse.no_class_code"))
        expected, most = float(students), students
    else:
        expected = combinations * (1 - (1 - 1 / combinations) ** students)
        most = min(students, combinations)

    def waits(trainings: int) -> tuple[float | None, float | None]:
        if run_seconds is None:
            return None, None
        rounds = math.ceil(trainings / slots)
        return (rounds - 1) * run_seconds, rounds * run_seconds

    start, end = waits(most)
    alone_start, alone_end = waits(students)
    return Rehearsal(
        students=students,
        combinations=combinations,
        trainings_expected=round(expected, 1),
        trainings_most=most,
        slots=slots,
        run_seconds=run_seconds,
        last_start_s=start,
        last_end_s=end,
        unshared_last_start_s=alone_start,
        unshared_last_end_s=alone_end,
        shared=shared,
        notes=tuple(notes),
    )


def run_seconds(lesson: Lesson, rates: Mapping[str, float] | None) -> float | None:
    """One training of the lesson's own settings from measured per-image rates (estimate.py),
    plus the start-up a run takes; None for a data set whose size is unknown before loading."""

    config = lesson.config
    sizes = planned_images(config)
    if rates is None or sizes is None:
        return None
    return config.epochs * epoch_seconds(rates, sizes[0], sizes[1]) + STARTUP_SECONDS
