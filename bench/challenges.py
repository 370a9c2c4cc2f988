"""The Challenges page's targets: LiteRT export of the built-in model against Keras, and the
occlusion map's speed. The measuring runs in a fresh process:

    python -m bench.challenges --calls 100 [--limit 2000]     # one JSON object on the last line

`measure_challenges` is the section `python -m bench` runs (bench/__main__.py, sections()).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from bench import report
from bench.report import Row, ratio_row, verdict
from classifier.core import machine

ACCURACY_POINTS = 0.01  # int8 within one percentage point of Keras
OCCLUSION_INTERACTIVE_MS = 250.0  # a map the page can redraw as a slider moves
AGREEMENT_IMAGES = 100


def kilobytes(value: float) -> str:
    return f"{value / 1024:,.0f} KB"


def measure_challenges(children, sizes) -> tuple[dict[str, Any], list[Row]]:
    limit = [] if sizes.limit is None else ["--limit", sizes.limit]
    result = children.run("challenges", "bench.challenges", "--calls", sizes.calls, *limit)
    rows_by_flavour = {row["flavour"]: row for row in result["export"]}
    keras, int8 = rows_by_flavour["keras"], rows_by_flavour["int8"]
    images = f"{result['test_images']:,} CIFAR-10 test images"
    rows = [
        ratio_row(
            "LiteRT int8 file vs the float32 .keras file (weights, no optimizer), built-in model",
            int8["bytes"],
            keras["bytes"],
            kilobytes,
            at_most=0.3,
        )
    ]
    for flavour in ("float32", "float16", "int8"):
        gap = rows_by_flavour[flavour]["accuracy"] - keras["accuracy"]
        rows.append(
            Row(
                f"Test accuracy, LiteRT {flavour} vs Keras, {images}",
                report.percent(rows_by_flavour[flavour]["accuracy"]),
                report.percent(keras["accuracy"]),
                f"{gap * 100:+.2f} pt",
                "within 1 pt",
                verdict(abs(gap) <= ACCURACY_POINTS),
            )
        )
    calls = result["calls"]
    rows.append(
        ratio_row(
            f"One 32×32 image, LiteRT int8 interpreter vs the package's Keras prediction, p50 of {calls}",
            int8["p50_ms"],
            keras["p50_ms"],
            report.milliseconds,
            at_most=0.2,
        )
    )
    for flavour in ("float32", "float16"):
        rows.append(
            ratio_row(
                f"One 32×32 image, LiteRT {flavour} vs the package's Keras prediction, p50 of {calls}",
                rows_by_flavour[flavour]["p50_ms"],
                keras["p50_ms"],
                report.milliseconds,
            )
        )
    for flavour in ("float32", "float16", "int8"):
        rows.append(
            ratio_row(
                f"{result['batch']:,}-image batch, LiteRT {flavour} (one interpreter call) vs Keras predict",
                rows_by_flavour[flavour]["batch_images_per_second"],
                keras["batch_images_per_second"],
                report.rate,
            )
        )
    occlusion = result["occlusion"]
    for model in ("seed", "built-in"):
        timing = occlusion[model]
        rows.append(
            Row(
                f"Occlusion map ({occlusion['predictions']} predictions in one batch) vs Grad-CAM, {model} network, "
                f"p50 (p95) of {calls}",
                f"{timing['occlusion']['p50_ms']:.1f} ms ({timing['occlusion']['p95_ms']:.1f} ms)",
                f"{timing['gradcam']['p50_ms']:.1f} ms",
                f"{timing['occlusion']['p50_ms'] / timing['gradcam']['p50_ms']:.1f}×",
                f"p95 ≤ {OCCLUSION_INTERACTIVE_MS:.0f} ms" if model == "seed" else "—",
                verdict(timing["occlusion"]["p95_ms"] <= OCCLUSION_INTERACTIVE_MS) if model == "seed" else "info",
            )
        )
    agreement = result["agreement"]
    rows.append(
        Row(
            f"Occlusion vs Grad-CAM agreement, built-in model, {agreement['images']} test images: "
            "median Spearman ρ (top-20% IoU)",
            f"{agreement['spearman_median']:+.2f} ({agreement['iou_median']:.2f})",
            "—",
            "—",
            "—",
            "info",
        )
    )
    return result, rows


# --- the child process -----------------------------------------------------------------------------


def _timed(call, repeats: int, warmup: int = 3) -> dict[str, float]:
    from classifier.challenges.export import timings

    ms = timings(call, repeats, warmup)
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}


def measure(calls: int, limit: int | None) -> dict[str, Any]:
    from classifier.challenges import explain, export
    from classifier.core.config import SEED
    from classifier.core.data import load_dataset
    from classifier.core.images import load_input
    from classifier.core.inspect import inspect_image
    from classifier.core.model import build_model
    from classifier.core.predict import load_model

    loaded = load_model("default")
    data = load_dataset("cifar10", limit)
    representative = export.representative_images(data.x_train, data.y_train)
    rows, _ = export.measure(
        loaded, data.x_test, data.y_test, representative, latency_calls=calls, batch_images=export.BATCH_IMAGES
    )
    photo = load_input(export_photo())
    occlusion = {}
    for name, model in (("seed", build_model(SEED)), ("built-in", loaded.model)):
        occlusion[name] = {
            "occlusion": _timed(lambda model=model: explain.occlusion_map(model, photo), calls),
            "gradcam": _timed(lambda model=model: inspect_image(model, photo), calls),
        }
    occlusion["predictions"] = int(explain.occlusion_map(loaded.model, photo).drops.size)
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(data.y_test), size=min(AGREEMENT_IMAGES, len(data.y_test)), replace=False)
    agreements = [explain.compare(loaded.model, data.x_test[i]).agreement for i in chosen]
    return {
        "export": [row.to_dict() for row in rows],
        "test_images": len(data.y_test),
        "calls": calls,
        "batch": export.BATCH_IMAGES,
        "cpu": machine.cpu_name(),
        "occlusion": occlusion,
        "agreement": {
            "images": len(agreements),
            "spearman_median": float(np.median([a.spearman for a in agreements])),
            "iou_median": float(np.median([a.top_iou for a in agreements])),
        },
    }


def export_photo():
    from bench.workloads import PHOTOS

    return PHOTOS / "dog.jpg"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.challenges", description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--limit", type=int, help="images per split (default: all of CIFAR-10)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.calls, args.limit)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
