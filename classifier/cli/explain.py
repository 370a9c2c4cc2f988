"""`explain`: occlusion sensitivity beside Grad-CAM, and their agreement (one JSON line per file)."""

from __future__ import annotations

import argparse

from classifier.challenges import explain
from classifier.cli import common
from classifier.core.images import ImageError, load_input
from classifier.core.messages import ClassifierError
from classifier.core.predict import ModelError


def add_parser(commands) -> None:
    parser = commands.add_parser("explain", help="occlusion sensitivity beside Grad-CAM, and their agreement")
    parser.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    parser.add_argument("--class", dest="class_name", help="the class to explain (default: the predicted one)")
    parser.add_argument("--patch", type=int, default=8, help="grey patch side in pixels (default 8)")
    parser.add_argument("--stride", type=int, default=2, help="patch step in pixels (default 2)")
    parser.add_argument("--runs-dir")
    parser.add_argument("files", nargs="+", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    try:
        loaded = common.resolve_model(args.model, args.runs_dir)
    except (ModelError, FileNotFoundError) as error:
        return common.fail(str(error))
    if args.class_name is not None and args.class_name not in loaded.classes:
        return common.fail(f"no class {args.class_name!r}; the model knows {', '.join(loaded.classes)}")
    chosen = loaded.classes.index(args.class_name) if args.class_name is not None else None
    failed = False
    for name in args.files:
        try:
            image = load_input(name)
            with loaded.lock:
                result = explain.compare(loaded.model, image, chosen, patch=args.patch, stride=args.stride)
        except (ImageError, ClassifierError) as error:
            failed = True
            common.emit({"file": name, "error": str(error)})
            continue
        occlusion, agreement = result.occlusion, result.agreement
        common.emit(
            {
                "file": name,
                "class": loaded.classes[occlusion.class_index],
                "probability": round(occlusion.probability, 6),
                "largest_drop": round(float(occlusion.drops.max()), 6),
                "spearman": None if agreement is None else round(agreement.spearman, 4),
                "top_iou": None if agreement is None else round(agreement.top_iou, 4),
                "gradcam_error": None if result.gradcam_error is None else str(result.gradcam_error),
                "occlusion_ms": round(occlusion.seconds * 1000, 1),
            }
        )
    return 1 if failed else 0
