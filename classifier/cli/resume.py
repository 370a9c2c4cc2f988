"""`resume`: continue an interrupted or stopped run from its checkpoint."""

from __future__ import annotations

import argparse

from classifier.cli import common
from classifier.core.messages import ClassifierError


def add_parser(commands) -> None:
    resume = commands.add_parser("resume", help="continue an interrupted or stopped run from its checkpoint")
    resume.add_argument("run_id")
    resume.add_argument("--runs-dir")
    resume.add_argument("--quiet", action="store_true")
    resume.add_argument(
        "--ray", metavar="ADDRESS", help="continue it on a Ray cluster (default: $CLASSIFIER_RAY_ADDRESS)"
    )


def run(args: argparse.Namespace) -> int:
    try:
        engine = common.open_engine(args)
        job = engine.resume(args.run_id, verbose=0 if args.quiet else 2)
    except ClassifierError as error:  # RunError included
        return common.fail(str(error))
    return common.follow(job, engine, quiet=args.quiet)
