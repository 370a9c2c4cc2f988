"""`evaluate`: test a model on a data set's test split."""

from __future__ import annotations

import argparse
import time

from classifier.cli import common
from classifier.core.data import DatasetError, load_dataset
from classifier.core.predict import ModelError, with_flip_averaging
from classifier.training import pipeline


def add_parser(commands) -> None:
    evaluate = commands.add_parser("evaluate", help="test a model on a data set's test split")
    evaluate.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    evaluate.add_argument("--dataset", default="cifar10")
    evaluate.add_argument("--limit", type=int)
    evaluate.add_argument("--runs-dir")
    evaluate.add_argument("--tta", choices=("none", "flip"), default="none", help="flip: average with the mirror image")


def run(args: argparse.Namespace) -> int:
    try:
        loaded = common.resolve_model(args.model, args.runs_dir)
        dataset = load_dataset(args.dataset, args.limit)
    except (ModelError, DatasetError) as error:
        return common.fail(str(error))
    if len(loaded.classes) != dataset.num_classes:
        return common.fail(f"the model has {len(loaded.classes)} classes, the data set {dataset.num_classes}")
    started = time.time()
    model = loaded.model if args.tta == "none" else with_flip_averaging(loaded.model)
    # Loaded for inference only: compile with the training loss to evaluate.
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
    common.emit(
        {
            "model": args.model,
            "dataset": dataset.name,
            "n": len(dataset.y_test),
            "tta": args.tta,
            "accuracy": float(accuracy),
            "loss": float(loss),
            "seconds": round(time.time() - started, 3),
        }
    )
    return 0
