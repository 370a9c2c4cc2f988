"""`sweep`: a learning curve, the same network on growing shares of the data (one JSON line a point)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from classifier.challenges import sweep as sweep_module
from classifier.cli import common, flags
from classifier.core import config as config_module
from classifier.core.messages import ClassifierError


def add_parser(commands) -> None:
    sweep = commands.add_parser("sweep", help="a learning curve: the same network on growing shares of the data")
    sweep.add_argument("--dataset", default="cifar10", help="cifar10, shapes, or a directory/zip of class folders")
    sweep.add_argument("--fractions", default="0.02,0.05,0.1,0.25,0.5,1", help="shares of the training set, 0 < f <= 1")
    sweep.add_argument(
        "--augment",
        default="none",
        help="none, both (without and with flip,shift), or augmentation options such as flip,shift",
    )
    sweep.add_argument("--epochs", type=flags.positive_int, help="epochs per run (default: the preset's)")
    sweep.add_argument("--preset", default="seed", choices=config_module.PRESET_NAMES)
    sweep.add_argument("--limit", type=int, help="use only the first N images of each split (stratified)")
    sweep.add_argument("--runs-dir")
    sweep.add_argument("--quiet", action="store_true", help="no progress on stderr")


def augmentations(text: str) -> list[tuple[str, ...]]:
    if text == "both":
        return [(), sweep_module.WITH_AUGMENTATION]
    return [flags.word_list(text)]


def run(args: argparse.Namespace) -> int:
    overrides: dict[str, Any] = {"dataset": args.dataset, "limit": args.limit}
    if args.epochs:
        overrides["epochs"] = args.epochs
    try:
        base = config_module.preset(args.preset, **overrides)
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
