"""`rehearse`: a lesson before class (classifier/teach/rehearse.py): how many trainings N students
need here, and the last one's wait."""

from __future__ import annotations

import argparse
import sys

from classifier.cli import common, flags
from classifier.engine.local import DEFAULT_MAX_CONCURRENT
from classifier.engine.plan import planned_images
from classifier.teach import lessons, rehearse
from classifier.training import estimate


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "rehearse", help="how many trainings N students need for a lesson here, and the last one's wait (JSON)"
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--lesson", help="a built-in lesson's id (python -m classifier lessons lists them)")
    which.add_argument("--link", help="a lesson link, or its token")
    parser.add_argument("--class-code", help="the class code the lesson is given with (built-in lessons)")
    parser.add_argument("--students", type=flags.positive_int, default=30)
    parser.add_argument(
        "--choices",
        default="",
        help="how many values the class tries for each free field: conv_filters=2,dense_units=3 "
        "(a lesson's choice fields count their listed values)",
    )
    parser.add_argument("--concurrent", type=flags.positive_int, help="trainings at once (default: the engine's)")
    parser.add_argument(
        "--run-seconds", type=float, help="one training's seconds (default: measured here, a few timed steps)"
    )


def run(args: argparse.Namespace) -> int:
    try:
        lesson = lessons.builtin(args.lesson).lesson if args.lesson else lessons.open_link(args.link)
        if args.class_code:
            lesson = lesson.with_class(args.class_code)
        tried = {}
        for part in filter(None, (p.strip() for p in args.choices.split(","))):
            name, _, count = part.partition("=")
            if not count.strip().isdigit():
                raise lessons.LessonError("rehearse.bad_count", field=name.strip()[:40], most=rehearse.MAX_VALUES)
            tried[name.strip()] = int(count)
        seconds = args.run_seconds
        if seconds is None:
            sizes = planned_images(lesson.config)
            rates = estimate.measured_rates(lesson.config, sizes[2]) if sizes else None
            seconds = rehearse.run_seconds(lesson, rates)
        result = rehearse.rehearse(lesson, args.students, tried, args.concurrent or DEFAULT_MAX_CONCURRENT, seconds)
    except lessons.LessonError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(str(note), file=sys.stderr)
    common.emit(result.to_dict())
    return 0
