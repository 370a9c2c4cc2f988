"""Command line: python -m classifier train|evaluate|predict|runs|resume.

Progress goes to stderr (Keras's own progress bar); results go to stdout as JSON, one object
per line, so scripts can read the last line. Exit status: 0 success, 1 a run or a file failed,
2 bad arguments.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from typing import Any

from classifier import config as config_module
from classifier.config import Config

# Options that are not plain hyperparameters, or have their own spelling.
_HANDLED_ELSEWHERE = {"dataset", "limit", "epochs", "batch_size", "learning_rate"}


def _int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, got {text!r}") from None


def _bool_list(text: str) -> tuple[bool, ...]:
    words = {"1": True, "yes": True, "true": True, "y": True, "0": False, "no": False, "false": False, "n": False}
    try:
        return tuple(words[part.strip().lower()] for part in text.split(",") if part.strip())
    except KeyError:
        raise argparse.ArgumentTypeError(f"expected yes/no values separated by commas, got {text!r}") from None


def _word_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip() and part.strip() != "none")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


_LIST_TYPES = {"conv_filters": _int_list, "pool_after": _bool_list, "augmentation": _word_list}
_CHOICES = {
    "validation": config_module.VALIDATIONS,
    "padding": config_module.PADDINGS,
    "activation": config_module.ACTIVATIONS,
    "head": config_module.HEADS,
    "optimizer": config_module.OPTIMIZERS,
    "lr_schedule": config_module.SCHEDULES,
    "precision": config_module.PRECISIONS,
}


def _add_hyperparameters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", help="cifar10, shapes, or a directory/zip of class folders")
    parser.add_argument(
        "--preset",
        default="seed",
        choices=config_module.PRESET_NAMES,
        help="starting point for every hyperparameter (default: seed)",
    )
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--limit", type=int, help="use only the first N images of each split (stratified)")
    group = parser.add_argument_group("other hyperparameters (see classifier/config.py)")
    for f in dataclasses.fields(Config):
        if f.name in _HANDLED_ELSEWHERE:
            continue
        flag = "--" + f.name.replace("_", "-")
        if f.name in _LIST_TYPES:
            group.add_argument(flag, type=_LIST_TYPES[f.name], metavar="A,B,...")
        elif f.type in ("bool", bool):
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        elif f.name in _CHOICES:
            group.add_argument(flag, choices=_CHOICES[f.name])
        else:
            group.add_argument(flag, type=float if f.type in ("float", float) else int)


def _config_from(args: argparse.Namespace) -> Config:
    overrides = {
        f.name: getattr(args, f.name) for f in dataclasses.fields(Config) if getattr(args, f.name, None) is not None
    }
    return config_module.preset(args.preset, **overrides)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a network; prints the run's results as JSON")
    train.set_defaults(subparser=train)
    _add_hyperparameters(train)
    train.add_argument("--runs-dir", help="where run folders go (default: $CLASSIFIER_RUNS_DIR or ./runs)")
    train.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    train.add_argument(
        "--dry-run",
        action="store_true",
        help="train nothing: time a few steps of this network here and print the estimated seconds per epoch",
    )

    evaluate = commands.add_parser("evaluate", help="test a model on a data set's test split")
    evaluate.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    evaluate.add_argument("--dataset", default="cifar10")
    evaluate.add_argument("--limit", type=int)
    evaluate.add_argument("--runs-dir")

    predict = commands.add_parser("predict", help="classify image files")
    predict.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    predict.add_argument("--top-k", type=_positive_int, default=3)
    predict.add_argument(
        "--fit",
        choices=("crop", "squash"),
        default="crop",
        help="how a non-square photo becomes 32x32 (default: centre crop)",
    )
    predict.add_argument("--runs-dir")
    predict.add_argument("files", nargs="+", metavar="FILE")

    runs = commands.add_parser("runs", help="list saved runs, one JSON object per line")
    runs.add_argument("--runs-dir")

    resume = commands.add_parser("resume", help="continue an interrupted or stopped run from its checkpoint")
    resume.add_argument("run_id")
    resume.add_argument("--runs-dir")
    resume.add_argument("--quiet", action="store_true")
    return parser


def _emit(values: dict[str, Any]) -> None:
    print(json.dumps(values), flush=True)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _store(args: argparse.Namespace):
    from classifier.runs import RunStore

    return RunStore(args.runs_dir)


def _train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from classifier.engine import Engine

    try:
        config = _config_from(args)
    except ValueError as error:
        parser.error(str(error))
    if args.dry_run:
        return _dry_run(config)
    engine = Engine(_store(args), max_concurrent=1, keep_spare=False)
    try:
        job = engine.submit(config, verbose=0 if args.quiet else 2)
    except Exception as error:  # noqa: BLE001 - e.g. an unwritable runs folder
        return _fail(str(error))
    return _follow(job, engine)


def _dry_run(config) -> int:
    """The measured epoch time for this config on this machine, without training (see estimate.py)."""
    from classifier import estimate
    from classifier.data import DatasetError, load_dataset
    from classifier.model import resolved_precision

    try:
        dataset = load_dataset(config.dataset, config.limit)
    except DatasetError as error:
        return _fail(str(error))
    rates = estimate.measured_rates(config, dataset.num_classes)
    train_images, validation_images = estimate.epoch_images(config, len(dataset.y_train), len(dataset.y_test))
    seconds = estimate.epoch_seconds(rates, train_images, validation_images)
    _emit(
        {
            "estimated_epoch_seconds": round(seconds, 3),
            "estimated_total_seconds": round(seconds * config.epochs, 1),
            "train_images": train_images,
            "validation_images": validation_images,
            "precision": resolved_precision(config),
            "config": config.to_dict(),
        }
    )
    return 0


def _follow(job, engine) -> int:
    """Wait for a job, showing Keras's progress on stderr; Ctrl-C stops it cleanly."""
    print(f"run {job.run_id}: {engine.store.path(job.run_id)}", file=sys.stderr)
    try:
        while not job.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("stopping after this batch...", file=sys.stderr)
        job.request_stop()
        job.wait()
    info = engine.store.load(job.run_id)
    history = engine.store.history(job.run_id)
    _emit(
        {
            "run_id": info.run_id,
            "run_dir": str(engine.store.path(info.run_id).resolve()),
            "status": info.status,
            "reason": str(info.reason or ""),
            "dataset": info.dataset_name,
            "epochs_completed": info.epochs_completed,
            "epoch_seconds": [record["seconds"] for record in history],
            "val_accuracy": [record.get("val_accuracy") for record in history],
            "test_accuracy": info.test_accuracy,
            "test_loss": info.test_loss,
            "precision": info.precision,
            "warnings": [str(warning) for warning in info.warnings],
        }
    )
    if info.status == "failed":
        print(f"error: the run failed: {info.reason}", file=sys.stderr)
    return 0 if info.status in ("finished", "stopped") else 1


def _resolve_model(name: str, runs_dir: str | None):
    """'default', a path, or a run id -> LoadedModel (the pages find a run's model the same way)."""
    from classifier.predict import resolve
    from classifier.runs import RunStore

    return resolve(name, RunStore(runs_dir))


def _evaluate(args: argparse.Namespace) -> int:
    from classifier import pipeline
    from classifier.data import DatasetError, load_dataset
    from classifier.predict import ModelError

    try:
        loaded = _resolve_model(args.model, args.runs_dir)
        dataset = load_dataset(args.dataset, args.limit)
    except (ModelError, DatasetError) as error:
        return _fail(str(error))
    if len(loaded.classes) != dataset.num_classes:
        return _fail(f"the model has {len(loaded.classes)} classes, the data set {dataset.num_classes}")
    started = time.time()
    model = loaded.model  # loaded for inference only: compile with the training loss to evaluate
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
    _emit(
        {
            "model": args.model,
            "dataset": dataset.name,
            "n": len(dataset.y_test),
            "accuracy": float(accuracy),
            "loss": float(loss),
            "seconds": round(time.time() - started, 3),
        }
    )
    return 0


def _predict(args: argparse.Namespace) -> int:
    from classifier.images import ImageError
    from classifier.predict import ModelError, predict_many

    try:
        loaded = _resolve_model(args.model, args.runs_dir)
    except ModelError as error:
        return _fail(str(error))
    failed = False
    for name, result in zip(args.files, predict_many(loaded, list(args.files), args.top_k, args.fit)):
        if isinstance(result, ImageError):
            failed = True
            _emit({"file": name, "error": str(result), "code": result.message.code})
        else:
            _emit({"file": name, "top": [{"label": label, "probability": round(p, 6)} for label, p in result.top]})
    return 1 if failed else 0


def _runs(args: argparse.Namespace) -> int:
    for info in _store(args).list():
        _emit(
            {
                "run_id": info.run_id,
                "status": info.status,
                "dataset": info.dataset_name,
                "epochs_completed": info.epochs_completed,
                "epochs": info.config.epochs,
                "test_accuracy": info.test_accuracy,
                "created": info.created,
            }
        )
    return 0


def _resume(args: argparse.Namespace) -> int:
    from classifier.engine import Engine
    from classifier.runs import RunError

    engine = Engine(_store(args), max_concurrent=1, keep_spare=False)
    try:
        job = engine.resume(args.run_id, verbose=0 if args.quiet else 2)
    except RunError as error:
        return _fail(str(error))
    return _follow(job, engine)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "train":
        return _train(args, args.subparser)
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "predict":
        return _predict(args)
    if args.command == "runs":
        return _runs(args)
    return _resume(args)
