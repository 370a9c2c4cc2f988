"""Rebuild classifier/assets/default_model.keras with the project's own training command.

    python -m bench.default_model                 # the strong preset on the full CIFAR-10
    python -m bench.default_model --preset seed   # the tutorial's network instead

It runs `python -m classifier train ...` as a user would, reads the JSON it prints, copies the
run's final model (weights and architecture only, no optimizer state, float32 arithmetic so it
runs at full speed on any CPU) into the package, records the command, test accuracy and timings
beside it in default_model.json, and rewrites the built-in-model paragraph of docs/training.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

from bench.report import replace_between_markers
from classifier.core import machine
from classifier.core.config import Config
from classifier.core.model import build_model, resolved_precision
from classifier.core.predict import DEFAULT_MODEL, DEFAULT_MODEL_INFO
from classifier.core.runs import RunStore

README = Path(__file__).resolve().parent.parent / "docs" / "training.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="strong")
    parser.add_argument("--runs-dir", default="runs")
    parser.add_argument("extra", nargs="*", help="more train options, after --")
    args = parser.parse_args()
    command = [
        sys.executable,
        "-m",
        "classifier",
        "train",
        "--dataset",
        "cifar10",
        "--preset",
        args.preset,
        "--runs-dir",
        args.runs_dir,
        *args.extra,
    ]
    started = time.time()
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        print("training failed", file=sys.stderr)
        return 1
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    store = RunStore(Path(summary["run_dir"]).parent)
    config = store.load(summary["run_id"]).config
    export(store.model_path(summary["run_id"]), config, DEFAULT_MODEL)
    shown = ["python", "-m", "classifier", *command[3:]]
    info = {
        "command": shlex.join(shown),
        "preset": args.preset,
        "classes": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
        "test_accuracy": summary["test_accuracy"],
        "test_loss": summary["test_loss"],
        "tta": config.tta,
        "test_accuracy_single_view": single_view_accuracy(DEFAULT_MODEL),
        "epochs": summary["epochs_completed"],
        "epoch_seconds": summary["epoch_seconds"],
        "wall_seconds": round(time.time() - started, 1),
        "precision": resolved_precision(config),
        "machine": f"{platform.machine()}, {machine.cpu_name()}, {machine.usable_cores()} cores",
        "trained": time.strftime("%Y-%m-%d"),
    }
    DEFAULT_MODEL_INFO.write_text(json.dumps(info, indent=2) + "\n")
    write_readme_block(info)
    print(json.dumps(info))
    return 0


def export(source: Path, config: Config, target: Path) -> None:
    """Save architecture and weights only: smaller, and nothing of the optimizer to trust.

    The run may have computed in bfloat16; its weights are float32 either way, so they are copied
    into the same network built for float32, which every CPU runs at full speed.
    """
    import keras

    trained = keras.saving.load_model(source, compile=False)
    model = build_model(config.replace(precision="float32"), num_classes=trained.output_shape[-1])
    model.set_weights(trained.get_weights())
    target.parent.mkdir(parents=True, exist_ok=True)
    model.save(target)


def single_view_accuracy(path: Path) -> float:
    """Test accuracy of the saved model seeing each test image once (no test-time flip)."""
    from classifier.core.data import load_dataset
    from classifier.core.inspect import predict_probabilities
    from classifier.core.predict import load_model

    test = load_dataset("cifar10")
    probabilities = predict_probabilities(load_model(str(path)).model, test.x_test)
    return float((probabilities.argmax(axis=1) == test.y_test).mean())


def write_readme_block(info: dict) -> None:
    """The built-in-model paragraph (docs/training.md), between its markers, from default_model.json."""
    minutes = info["wall_seconds"] / 60
    block = (
        f"Current model: `{info['command']}` on {info['trained']}: **{info['test_accuracy']:.2%} test accuracy** "
        f"on the 10,000 CIFAR-10 test images (loss {info['test_loss']:.3f}"
        + (
            f"; each image averaged with its mirror, {info['test_accuracy_single_view']:.2%} seeing it once"
            if info.get("tta") == "flip"
            else ""
        )
        + f"), {info['epochs']} epochs in "
        f"{info['wall_seconds']:.0f} s ({minutes:.1f} min) wall time on {info['machine']}, trained in "
        f"{info['precision']}, saved as float32."
    )
    updated = replace_between_markers(
        README.read_text(), block, "<!-- default-model:start -->", "<!-- default-model:end -->"
    )
    if updated is not None:
        README.write_text(updated)


if __name__ == "__main__":
    sys.exit(main())
