"""`train`: train a network; prints the run's results as JSON (`--dry-run`: the estimate only)."""

from __future__ import annotations

import argparse

from classifier.cli import common, flags
from classifier.core.config import Config
from classifier.core.data import DatasetError, load_dataset
from classifier.core.model import resolved_precision
from classifier.training import estimate


def add_parser(commands) -> None:
    train = commands.add_parser("train", help="train a network; prints the run's results as JSON")
    train.set_defaults(subparser=train)
    flags.add_hyperparameters(train)
    train.add_argument("--runs-dir", help="where run folders go (default: $CLASSIFIER_RUNS_DIR or ./runs)")
    train.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    train.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="train on a Ray cluster: auto, ray://host:10001, host:port, or local (default: $CLASSIFIER_RAY_ADDRESS)",
    )
    train.add_argument(
        "--dry-run",
        action="store_true",
        help="train nothing: time a few steps of this network here and print the estimated seconds per epoch",
    )


def run(args: argparse.Namespace) -> int:
    try:
        config = flags.config_from(args)
    except ValueError as error:
        args.subparser.error(str(error))
    if args.dry_run:
        return dry_run(config)
    try:
        engine = common.open_engine(args)
        job = engine.submit(config, verbose=0 if args.quiet else 2)
    except Exception as error:  # noqa: BLE001 - e.g. an unwritable runs folder, an unreachable cluster
        return common.fail(str(error))
    return common.follow(job, engine, quiet=args.quiet)


def dry_run(config: Config) -> int:
    """The measured epoch time for this config on this machine, without training (see estimate.py)."""
    try:
        dataset = load_dataset(config.dataset, config.limit)
    except DatasetError as error:
        return common.fail(str(error))
    rates = estimate.measured_rates(config, dataset.num_classes)
    train_images, validation_images = estimate.epoch_images(config, len(dataset.y_train), len(dataset.y_test))
    seconds = estimate.epoch_seconds(rates, train_images, validation_images)
    common.emit(
        {
            "estimated_epoch_seconds": round(seconds, 3),
            "estimated_total_seconds": round(seconds * config.epochs, 1),
            "train_images": train_images,
            "validation_images": validation_images,
            "precision": resolved_precision(config),
            # Cores other processes used while the steps were timed (absent: served from the cache);
            # over a quarter of ours, the figure was not cached (classifier/training/estimate.py).
            "busy_elsewhere": rates.get("busy_elsewhere"),
            "config": config.to_dict(),
        }
    )
    return 0
