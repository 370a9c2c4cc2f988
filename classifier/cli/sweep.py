"""`sweep`: a learning curve, the same network on growing shares of the data (one JSON line a point)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys

from classifier.challenges import sweep as sweep_module
from classifier.cli import common, flags
from classifier.core.messages import ClassifierError


def add_parser(commands) -> None:
    sweep = commands.add_parser("sweep", help="a learning curve: the same network on growing shares of the data")
    # Every hyperparameter's flag, from its declaration, but the two the sweep varies itself.
    flags.add_hyperparameters(sweep, varied=VARIED)
    sweep.set_defaults(dataset="cifar10")  # as before the flags were derived, even with --preset quick
    sweep.add_argument("--fractions", default="0.02,0.05,0.1,0.25,0.5,1", help="shares of the training set, 0 < f <= 1")
    sweep.add_argument(
        "--augment",
        default="none",
        help="none, both (without and with flip,shift), or augmentation options such as flip,shift",
    )
    sweep.add_argument("--runs-dir")
    sweep.add_argument("--quiet", action="store_true", help="no progress on stderr")


VARIED = ("train_fraction", "augmentation")  # set per point by --fractions and --augment


def augmentations(text: str) -> list[tuple[str, ...]]:
    if text == "both":
        return [(), sweep_module.WITH_AUGMENTATION]
    return [flags.word_list(text)]


def run(args: argparse.Namespace) -> int:
    try:
        base = flags.config_from(args)
        fractions = sweep_module.parse_fractions(args.fractions)
        sweep_module.plan(base, fractions, augmentations(args.augment))  # every config checked before any run
    except (ClassifierError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    engine = common.open_engine(args, here=True)
    try:
        sweep = sweep_module.submit(engine, base, fractions, augmentations(args.augment))
    except Exception as error:  # noqa: BLE001 - e.g. an unwritable runs folder
        return common.fail(str(error))
    failed = False
    with contextlib.redirect_stdout(sys.stderr):
        try:
            for number, point in enumerate(sweep.points, start=1):
                if not args.quiet:
                    print(f"point {number}/{len(sweep.points)}: run {point.run_id}", file=sys.stderr)
                while not point.job.wait(0.5):
                    pass
                result = sweep_module.point_result(engine.store, point)
                failed |= result["status"] == "failed"
                print(json.dumps(result), file=sys.__stdout__, flush=True)
        except KeyboardInterrupt:
            print("stopping the sweep...", file=sys.stderr)
            sweep.request_stop(viewer=None)
            for point in sweep.points:
                point.job.wait()
            return 1
    return 1 if failed else 0
