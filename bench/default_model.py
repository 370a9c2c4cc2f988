"""Rebuild classifier/assets/default_model.keras with the project's own training command.

    python -m bench.default_model                 # the strong preset on the full CIFAR-10
    python -m bench.default_model --preset seed   # the tutorial's network instead

It runs `python -m classifier train ...` as a user would, reads the JSON it prints, copies the
run's final model (weights and architecture only, no optimizer state) into the package, and
records the command, test accuracy and timings beside it in default_model.json.
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

from classifier.predict import DEFAULT_MODEL, DEFAULT_MODEL_INFO


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
    export(Path(summary["run_dir"]) / "model.keras", DEFAULT_MODEL)
    shown = ["python", "-m", "classifier", *command[3:]]
    info = {
        "command": shlex.join(shown),
        "preset": args.preset,
        "classes": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
        "test_accuracy": summary["test_accuracy"],
        "test_loss": summary["test_loss"],
        "epochs": summary["epochs_completed"],
        "epoch_seconds": summary["epoch_seconds"],
        "wall_seconds": round(time.time() - started, 1),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, {_cores()} cores",
        "trained": time.strftime("%Y-%m-%d"),
    }
    DEFAULT_MODEL_INFO.write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info))
    return 0


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def export(source: Path, target: Path) -> None:
    """Save architecture and weights only: smaller, and nothing of the optimizer to trust."""
    import keras

    model = keras.saving.load_model(source, compile=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    model.save(target)


if __name__ == "__main__":
    sys.exit(main())
