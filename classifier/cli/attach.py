"""`attach`: follow a Ray run started elsewhere (a CLI that was killed, the web server) to its end."""

from __future__ import annotations

import argparse

from classifier.cli import common
from classifier.core.messages import ClassifierError
from classifier.core.runs import ACTIVE, RunError
from classifier.engine.factory import ray_address


def add_parser(commands) -> None:
    attach = commands.add_parser("attach", help="follow a run training on the Ray cluster to its end (as train does)")
    attach.add_argument("run_id")
    attach.add_argument("--ray", metavar="ADDRESS", help="the cluster (default: $CLASSIFIER_RAY_ADDRESS, else auto)")
    attach.add_argument("--runs-dir")
    attach.add_argument("--quiet", action="store_true", help="no epoch lines on stderr")


def run(args: argparse.Namespace) -> int:
    store = common.store(args)
    try:
        info = store.load(args.run_id)
    except RunError as error:
        return common.fail(str(error))
    if info.status not in ACTIVE:  # already over: its final line, as train printed it
        return common.final_line(store, args.run_id)
    try:
        engine = common.open_engine(args, address=args.ray or ray_address() or "auto")
        job = engine.attach(args.run_id)
    except ClassifierError as error:
        return common.fail(str(error))
    return common.follow(job, engine, quiet=args.quiet)
