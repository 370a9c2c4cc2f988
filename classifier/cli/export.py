"""`export`: convert a model to LiteRT (TensorFlow Lite) and test the file beside Keras."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from classifier.challenges import export
from classifier.cli import common
from classifier.core.data import DatasetError, load_dataset
from classifier.core.messages import ClassifierError
from classifier.core.predict import ModelError
from classifier.core.runs import RunError, RunStore


def add_parser(commands) -> None:
    parser = commands.add_parser("export", help="convert a model to LiteRT (TensorFlow Lite) and test the file")
    parser.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    parser.add_argument("--format", default="tflite", choices=("tflite",))
    parser.add_argument("--quantize", default="none", choices=("none", "float16", "int8"))
    parser.add_argument("--out", required=True, metavar="FILE", help="where the .tflite file goes")
    parser.add_argument("--dataset", help="test (and int8 calibration) images; default: the model's own")
    parser.add_argument("--limit", type=int, help="use only the first N images of each split (stratified)")
    parser.add_argument("--runs-dir")


def model_dataset(name: str, runs_dir: str | None) -> tuple[str, int | None]:
    """The data set a model was trained on: its run's, or CIFAR-10 for the built-in model and files."""
    if name == "default" or Path(name).exists():
        return "cifar10", None
    try:
        config = RunStore(runs_dir).load(name).config
    except RunError:
        return "cifar10", None
    return config.dataset, config.limit


def run(args: argparse.Namespace) -> int:
    flavour = export.QUANTIZE_OPTIONS[args.quantize]
    out = Path(args.out)
    if not out.parent.is_dir():
        return common.fail(f"the folder {out.parent} does not exist")
    started = time.time()
    try:
        loaded = common.resolve_model(args.model, args.runs_dir)
        source, limit = model_dataset(args.model, args.runs_dir)
        dataset = load_dataset(args.dataset or source, args.limit if args.limit is not None else limit)
        if len(loaded.classes) != dataset.num_classes:
            return common.fail(f"the model has {len(loaded.classes)} classes, the data set {dataset.num_classes}")
        representative = export.representative_images(dataset.x_train, dataset.y_train)
        with loaded.lock:
            content = export.to_litert(loaded.model, flavour, representative)
        out.write_bytes(content)
        runner = export.LiteRTModel(content)
        top = export.litert_probabilities(runner, dataset.x_test).argmax(axis=1)
        keras_top = export.keras_probabilities(loaded, dataset.x_test).argmax(axis=1)
        with loaded.lock:
            keras_bytes = export.keras_file_bytes(loaded.model)
    except (ClassifierError, ModelError, DatasetError, FileNotFoundError, OSError) as error:
        return common.fail(str(error))
    common.emit(
        {
            "model": args.model,
            "format": "tflite",
            "quantize": args.quantize,
            "out": str(out.resolve()),
            "bytes": len(content),
            "keras_bytes": keras_bytes,
            "size_ratio": round(len(content) / keras_bytes, 4),
            "dataset": dataset.name,
            "n": len(dataset.y_test),
            "accuracy": float(np.mean(top == dataset.y_test)),
            "keras_accuracy": float(np.mean(keras_top == dataset.y_test)),
            "operators": export.operators(content),
            "seconds": round(time.time() - started, 3),
        }
    )
    return 0
