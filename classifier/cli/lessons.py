"""`lessons`: the built-in lessons as links (classifier/teach/lessons.py), one JSON line each."""

from __future__ import annotations

import argparse
import sys

from classifier.cli import common
from classifier.teach import lessons


def add_parser(commands) -> None:
    parser = commands.add_parser("lessons", help="the built-in lessons, one JSON line each, with their links")
    parser.add_argument("--class-code", help="group the students' runs under this class code (e.g. K7QM2X)")
    parser.add_argument("--lang", choices=("en", "zh"), help="open the app in this language (default: English)")


def run(args: argparse.Namespace) -> int:
    """One line per built-in lesson: id, title (en, zh), locked fields, and the query string to
    append to the app's /train address (`http://host:8501/train?` + query)."""
    try:
        code = lessons.normalise_code(args.class_code) if args.class_code else ""
    except lessons.LessonError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2  # a bad argument
    for entry in lessons.BUILTIN:
        lesson = entry.lesson.with_class(code) if code else entry.lesson
        common.emit(
            {
                "id": entry.id,
                "title": dict(entry.title),
                "locked": list(lesson.locked),
                "free": list(lesson.free),
                "choices": {name: list(values) for name, values in lesson.choices.items()},
                "query": lesson.query(args.lang),
            }
        )
    return 0
