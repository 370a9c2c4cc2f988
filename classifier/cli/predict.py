"""`predict`: classify image files, one JSON line each."""

from __future__ import annotations

import argparse

from classifier.cli import common, flags
from classifier.core.images import ImageError
from classifier.core.predict import ModelError, predict_many


def add_parser(commands) -> None:
    predict = commands.add_parser("predict", help="classify image files")
    predict.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    predict.add_argument("--top-k", type=flags.positive_int, default=3)
    predict.add_argument(
        "--fit",
        choices=("crop", "squash"),
        default="crop",
        help="how a non-square photo becomes 32x32 (default: centre crop)",
    )
    predict.add_argument("--runs-dir")
    predict.add_argument("--tta", choices=("none", "flip"), default="none", help="flip: average with the mirror image")
    predict.add_argument("files", nargs="+", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    try:
        loaded = common.resolve_model(args.model, args.runs_dir)
    except ModelError as error:
        return common.fail(str(error))
    failed = False
    for name, result in zip(args.files, predict_many(loaded, list(args.files), args.top_k, args.fit, tta=args.tta)):
        if isinstance(result, ImageError):
            failed = True
            common.emit({"file": name, "error": str(result), "code": result.message.code})
        else:
            common.emit(
                {"file": name, "top": [{"label": label, "probability": round(p, 6)} for label, p in result.top]}
            )
    return 1 if failed else 0
