"""The epoch-time estimate against the epochs that really ran, the way a user meets it.

For each preset and precision, in a cache of estimates of its own (the decoded data sets are
shared, not re-decoded): `train --dry-run` on the empty cache (a fresh server), then a real
`train` of a few epochs, then `train --dry-run` twice: what the cache serves after that run (the
figure corrected from its epochs), and measured afresh on an emptied cache (a new server after
other runs trained). Each estimate is compared with the real run's median epoch after the first
(the first traces the graph). `busy_elsewhere`: the cores other processes used while the steps
were timed (a figure over a quarter of the cores is not cached, classifier/training/estimate.py).

    python -m bench.estimate [--presets seed,speed,strong] [--precisions auto,float32] [--epochs 2]

prints one JSON object per case, then one with every case and the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _run(env: dict[str, str], *args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "classifier", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def case(preset: str, precision: str, epochs: int) -> dict[str, Any]:
    from classifier.core.config import preset as preset_config
    from classifier.core.data import cache_dir
    from classifier.training.estimate import CpuWatch

    epochs = max(epochs, preset_config(preset).warmup_epochs + 1)  # the strong preset warms up for 2

    shared = cache_dir()
    with tempfile.TemporaryDirectory(prefix="bench-estimate-") as scratch:
        cache = Path(scratch) / "cache"
        cache.mkdir()
        for decoded in shared.glob("*.npz"):  # the data sets, decoded once, shared
            (cache / decoded.name).symlink_to(decoded)
        # The run's worker at the estimate's own priority: a worker yields to every other process
        # (classifier/engine/local.py), which on a machine shared with other work would compare a
        # run slowed by others with an estimate that was not.
        env = {**os.environ, "CLASSIFIER_CACHE_DIR": str(cache), "TF_CPP_MIN_LOG_LEVEL": "2"}
        env["CLASSIFIER_WORKER_NICE"] = "0"
        dry_run = ["train", "--dataset", "cifar10", "--preset", preset, "--precision", precision, "--dry-run"]
        load_before = os.getloadavg()[0]
        fresh = _run(env, *dry_run)
        runs = str(Path(scratch) / "runs")
        # Other work during the real run makes its epochs slower than the estimate; say how much
        # there was (the CLI waits for its worker, so the worker's CPU time counts as ours).
        watch = CpuWatch(children=True)
        trained = _run(env, *dry_run[:-1], "--epochs", str(epochs), "--runs-dir", runs, "--quiet")
        real_busy_elsewhere = round(watch.busy_elsewhere(), 3)
        served = _run(env, *dry_run)  # from the cache, as the run corrected it
        (cache / "epoch-estimates.json").unlink(missing_ok=True)
        after = _run(env, *dry_run)  # measured afresh, just after a run trained
        load_after = os.getloadavg()[0]
    seconds = trained["epoch_seconds"]
    real = statistics.median(seconds[1:] if len(seconds) > 1 else seconds)
    return {
        "preset": preset,
        "precision": fresh["precision"],
        "fresh_estimate_s": fresh["estimated_epoch_seconds"],
        "fresh_busy_elsewhere": fresh.get("busy_elsewhere"),
        "real_epoch_s": round(real, 3),
        "real_busy_elsewhere": real_busy_elsewhere,
        "epoch_seconds": seconds,
        "served_after_run_s": served["estimated_epoch_seconds"],
        "after_estimate_s": after["estimated_epoch_seconds"],
        "after_busy_elsewhere": after.get("busy_elsewhere"),
        "fresh_ratio": round(fresh["estimated_epoch_seconds"] / real, 3),
        "after_ratio": round(after["estimated_epoch_seconds"] / real, 3),
        "load_average": [round(load_before, 2), round(load_after, 2)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.estimate")
    parser.add_argument("--presets", default="seed,speed,strong")
    parser.add_argument("--precisions", default="auto,float32")
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args(argv)
    cases = []
    for preset in args.presets.split(","):
        for precision in args.precisions.split(","):
            cases.append(case(preset, precision, args.epochs))
            print(json.dumps(cases[-1]), flush=True)
    print(json.dumps({"cases": cases}), flush=True)
    return 0


def measure(children, sizes) -> tuple[dict[str, Any], list]:
    """The `make bench` section: every preset in the precision this machine uses, and float32."""
    from bench import report
    from bench.report import Row, verdict
    from classifier.training import estimate

    result = children.run("estimate", "bench.estimate", "--epochs", 2 if sizes.quick else 3)
    rows = []
    for found in result["cases"]:
        for when, label in (("fresh", "a fresh server"), ("after", "measured afresh after a run trained")):
            ratio = found[f"{when}_ratio"]
            busy = found[f"{when}_busy_elsewhere"] or 0.0
            # A figure timed on busy cores is not cached (classifier/training/estimate.py): say so.
            contended = "; timed on busy cores, not cached" if estimate.contended({"busy_elsewhere": busy}) else ""
            rows.append(
                Row(
                    f"Epoch-time estimate vs the measured epoch, {found['preset']} preset, {found['precision']}, "
                    f"{label} (load average {found['load_average'][0]:.1f}; other processes used {busy:.2f} "
                    f"cores while the steps were timed{contended})",
                    report.seconds(found[f"{when}_estimate_s"]),
                    report.seconds(found["real_epoch_s"]),
                    f"{ratio:.2f}×",
                    "within ±30%",
                    verdict(0.7 <= ratio <= 1.3),
                    ratio,
                )
            )
    return result, rows


if __name__ == "__main__":
    raise SystemExit(main())
