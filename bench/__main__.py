"""`make bench`: the app against the plain Keras program it teaches, side by side, in one command.

    python -m bench                  # everything (about 15 min on 2 cores): results, docs/benchmarks.md
    python -m bench --skip-accuracy  # without the 10-epoch and strong-preset accuracy runs (about 8 min)
    python -m bench --quick          # tiny sizes (under a minute) to prove it runs: results-quick.json only
    python -m bench --only training,accuracy   # some sections, full size: results-partial.json only

Every target is a ratio against a baseline measured in the same run, because the machine is shared
and noisy. Heavy measurements run in fresh child processes (bench/workloads.py, bench/app_start.py),
package and baseline alternating; each child's output is kept in bench/artifacts/.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import batch_norm, cluster, estimate, learn, ondevice, report, tensorboard
from bench.challenges import measure_challenges
from bench.report import Row, error_row, has_bfloat16, ratio_row, verdict

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_CIFAR10 = ROOT.parent / "shared" / "data" / "cifar10-jpg.zip"
WORKLOADS = "bench.workloads"
ACCURACY_EPOCHS = 10  # the tutorial's schedule
STRONG_ACCURACY = 0.85
SPEED_ACCURACY = 0.70


@dataclass(frozen=True)
class Sizes:
    limit: int | None  # images per split in every training run; None: all of CIFAR-10
    epochs: int  # per throughput run; the first epoch (graph tracing) is not counted
    pairs: int  # plain/engine alternations for throughput and time to first metric
    calls: int  # single-image latency samples per side
    batch: int  # photos per predict_many call
    batch_repeats: int
    app_repeats: int
    accuracy: bool  # the 10-epoch and strong-preset runs
    quick: bool = False


FULL = Sizes(limit=None, epochs=4, pairs=2, calls=100, batch=100, batch_repeats=10, app_repeats=3, accuracy=True)
QUICK = Sizes(
    limit=2000, epochs=2, pairs=1, calls=10, batch=30, batch_repeats=2, app_repeats=1, accuracy=False, quick=True
)


class Children:
    """Runs `python -m MODULE ARGS` in fresh processes; the last stdout line of each is its JSON result."""

    def __init__(self, logs: Path, env: dict[str, str]) -> None:
        shutil.rmtree(logs, ignore_errors=True)
        logs.mkdir(parents=True)
        self.logs = logs
        self.env = env
        self.count = 0

    def run(self, label: str, module: str, *args: object) -> dict[str, Any]:
        self.count += 1
        log = self.logs / f"{self.count:02d}-{label}.log"
        command = [sys.executable, "-m", module, *map(str, args)]
        print(f"  {label}: python -m {module} {' '.join(command[3:])}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        with log.open("w") as stderr:
            done = subprocess.run(command, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=stderr, text=True)
        seconds = time.perf_counter() - started
        with log.open("a") as handle:
            handle.write(f"\n--- stdout ---\n{done.stdout}")
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"{label} failed with exit status {done.returncode}; see {log}")
        print(f"    done in {seconds:.0f} s", file=sys.stderr, flush=True)
        return {**json.loads(lines[-1]), "process_seconds": seconds}


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("CLASSIFIER_CIFAR10") and DEFAULT_CIFAR10.exists():
        env["CLASSIFIER_CIFAR10"] = str(DEFAULT_CIFAR10)  # as the Makefile does
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter, not its speed
    return env


def data_label(limit: int | None) -> str:
    return "full CIFAR-10" if limit is None else f"{limit:,} images per split"


def limit_args(sizes: Sizes) -> list[object]:
    return [] if sizes.limit is None else ["--limit", sizes.limit]


def counted_epochs(epochs: int) -> str:
    return "epoch 2" if epochs == 2 else f"epochs 2–{epochs}"


def epoch_rates(run: dict[str, Any]) -> list[float]:
    """Training images per second of each epoch after the first (which includes tracing)."""
    return [run["train_images"] / seconds for seconds in run["epoch_seconds"][1:]]


def median_rate(runs: list[dict[str, Any]]) -> tuple[float, float, float, int]:
    """Median, lowest and highest per-epoch rate over all the runs' later epochs, and their count."""
    rates = [rate for run in runs for rate in epoch_rates(run)]
    return statistics.median(rates), min(rates), max(rates), len(rates)


# --- the measurements, each returning (raw numbers, rows) --------------------------------------

Section = Callable[[Children, Sizes], tuple[dict[str, Any], list[Row]]]


def warm_data_cache(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    """Decode CIFAR-10 once, untimed: every training measurement starts from the disk cache."""
    return children.run("warm-cache", WORKLOADS, "warm_cache"), []


def measure_training(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    """Throughput and time to first metric, from plain/engine runs alternating in fresh processes."""
    sides = {
        "plain": ("plain_fit",),
        "plain-stall-avoided": ("plain_fit", "--avoid-stall"),
        "engine": ("engine_fit",),
        "engine-float32": ("engine_fit", "--precision", "float32"),
    }
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    for pair in range(1, sizes.pairs + 1):
        for side, (workload, *options) in sides.items():
            args = (workload, "--epochs", sizes.epochs, *limit_args(sizes), *options)
            runs[side].append(children.run(f"{side}-fit-{pair}", WORKLOADS, *args))
    rates = {side: median_rate(results) for side, results in runs.items()}
    first = {side: statistics.median(r["first_metric_seconds"] for r in results) for side, results in runs.items()}
    precision = runs["engine"][0]["precision"]
    data = f"{data_label(sizes.limit)}, batch 64"

    def spread(side: str) -> str:
        median, low, high, count = rates[side]
        return f"median of {count} epochs after the first, {low:,.0f}–{high:,.0f} img/s"

    rows = [
        ratio_row(
            f"Training throughput, seed network, {data}, precision auto ({precision} here) "
            f"({spread('engine')}; plain: {spread('plain')})",
            rates["engine"][0],
            rates["plain"][0],
            report.rate,
            at_least=1.0,
            aim=1.25,
        ),
        ratio_row(
            f"Training throughput, the same with precision float32, the plain script's arithmetic "
            f"({spread('engine-float32')})",
            rates["engine-float32"][0],
            rates["plain"][0],
            report.rate,
            at_least=1.0,
        ),
        ratio_row(
            f"Training throughput, plain program with the epoch stall avoided (tf.data, autotune off) vs as "
            f"written ({spread('plain-stall-avoided')})",
            rates["plain-stall-avoided"][0],
            rates["plain"][0],
            report.rate,
        ),
        ratio_row(
            "Training throughput, engine float32 vs the plain program with the stall avoided (the engine's lead "
            "beyond the stall)",
            rates["engine-float32"][0],
            rates["plain-stall-avoided"][0],
            report.rate,
        ),
        ratio_row(
            "Time to first metric, data cached (submit() vs fit() to the first batch's numbers)",
            first["engine"],
            first["plain"],
            report.seconds,
            at_most=1.2,
        ),
    ]
    return {"runs": runs, "images_per_second": rates, "first_metric_seconds": first}, rows


def measure_memory(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    """Peak RSS of one training epoch, each side in its own process."""
    plain = children.run("plain-fit-memory", WORKLOADS, "plain_fit", "--epochs", 1, *limit_args(sizes))
    engine = children.run("engine-fit-memory", WORKLOADS, "engine_fit", "--epochs", 1, *limit_args(sizes))
    row = ratio_row(
        f"Peak RSS of a 1-epoch training run, {data_label(sizes.limit)}",
        engine["peak_rss_mb"],
        plain["peak_rss_mb"],
        report.megabytes,
        at_most=0.5,
    )
    return {"plain": plain, "engine": engine}, [row]


def latency_row(measurement: str, timings: dict[str, dict[str, Any]], statistic: str, at_most: float) -> Row:
    return ratio_row(
        measurement,
        timings["package"][statistic],
        timings["baseline"][statistic],
        report.milliseconds,
        at_most=at_most,
    )


def measure_prediction(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    result = children.run(
        "predict-latency",
        WORKLOADS,
        "predict_latency",
        "--calls",
        sizes.calls,
        "--batch",
        sizes.batch,
        "--batch-repeats",
        sizes.batch_repeats,
    )
    single, batch = result["single"], result["batch"]
    rows = [
        latency_row(f"Predict one photo, built-in model, p50 of {sizes.calls}", single, "p50_ms", 1.2),
        latency_row(f"Predict one photo, built-in model, p95 of {sizes.calls}", single, "p95_ms", 1.2),
        latency_row(f"Predict {sizes.batch} photos in one call, median of {sizes.batch_repeats}", batch, "p50_ms", 1.2),
    ]
    tta = children.run("tta-gain", WORKLOADS, "tta_gain", "--calls", sizes.calls)
    gain = tta["accuracy"]["flip"] - tta["accuracy"]["none"]
    rows += [
        Row(
            "Test-time flip averaging, built-in model: test accuracy with vs without (CIFAR-10 test split)",
            report.percent(tta["accuracy"]["flip"]),
            report.percent(tta["accuracy"]["none"]),
            f"{gain * 100:+.2f} pt",
            "—",
            "info",
        ),
        ratio_row(
            f"Test-time flip averaging: one photo's prediction with vs without, p50 of {sizes.calls}",
            tta["flip"]["p50_ms"],
            tta["none"]["p50_ms"],
            report.milliseconds,
        ),
    ]
    return {**result, "tta": tta}, rows


def measure_inspection(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    result = children.run("inspect-latency", WORKLOADS, "inspect_latency", "--calls", sizes.calls)
    rows = [
        latency_row(
            f"Inspect one image (all feature maps + Grad-CAM), {model} model, {statistic[:3]} of {sizes.calls}",
            result[model],
            statistic,
            1.5,
        )
        for model in ("built-in", "seed")
        for statistic in ("p50_ms", "p95_ms")
    ]
    return result, rows


def measure_app_start(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    result = children.run("app-start", "bench.app_start", "--repeats", sizes.app_repeats)
    app, hello = result["app"], result["hello"]
    of = f"median of {sizes.app_repeats}"
    rows = [
        ratio_row(
            f"App start to health check answering, {of}",
            app["health_seconds"],
            hello["health_seconds"],
            report.seconds,
            at_most=1.2,
        ),
        ratio_row(
            f"App start to first page drawn in Chromium, {of}",
            app["render_seconds"],
            hello["render_seconds"],
            report.seconds,
            at_most=1.5,
        ),
    ]
    return result, rows


def measure_load(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    """tests/test_load.py: 20 browser sessions on one server while a run trains (no baseline)."""
    result = children.run("load", "bench.load")
    sessions = result["sessions"]
    rows = [
        Row(
            f"{sessions} browser sessions predicting and inspecting during training: p95 (p50) latency",
            f"{result['p95_s']:.1f} s ({result['p50_s']:.1f} s)",
            "—",
            "—",
            f"all {sessions} answered, no errors",
            verdict(result["passed"] and result["answered"] == sessions and not result["errors"]),
        ),
        Row(
            "Server memory (RSS) before → after those sessions",
            f"{result['server_rss_mb_before']:,.0f} → {result['server_rss_mb_after']:,.0f} MB",
            "—",
            "—",
            "< 4,000 MB",
            verdict(result["server_rss_mb_after"] < 4000),
        ),
    ]
    return result, rows


def accuracy_per_cpu_minute(run: dict[str, Any]) -> float:
    return run["test_accuracy"] * 100 / (run["cpu_seconds"] / 60)


def measure_accuracy(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    """The tutorial's 10 epochs (as written, and with the epoch stall avoided) against the seed
    preset's, and the speed and strong presets on their own schedules: each in float32 and, where
    the CPU computes it in hardware, bfloat16. Wall time is the whole process, start to test result."""
    limit = limit_args(sizes)
    precisions = ["float32", "bfloat16"] if has_bfloat16(report.describe_machine()) else ["float32"]
    raw: dict[str, Any] = {
        "plain": children.run("plain-fit-accuracy", WORKLOADS, "plain_fit", "--epochs", ACCURACY_EPOCHS, *limit),
        "plain-stall-avoided": children.run(
            "plain-stall-avoided-accuracy", WORKLOADS, "plain_fit", "--epochs", ACCURACY_EPOCHS, "--avoid-stall", *limit
        ),
    }
    for preset in ("seed", "speed", "strong"):
        for precision in precisions:
            epochs = ["--epochs", ACCURACY_EPOCHS] if preset == "seed" else []
            raw[f"{preset}-{precision}"] = children.run(
                f"engine-{preset}-{precision}-accuracy",
                WORKLOADS,
                "engine_fit",
                "--preset",
                preset,
                "--precision",
                precision,
                *epochs,
                *limit,
            )
    plain, avoided = raw["plain"], raw["plain-stall-avoided"]
    rows = [
        ratio_row(
            f"Wall time, plain program {ACCURACY_EPOCHS} epochs, the epoch stall avoided vs as written "
            f"({avoided['test_accuracy']:.1%} vs {plain['test_accuracy']:.1%})",
            avoided["process_seconds"],
            plain["process_seconds"],
            report.seconds,
        )
    ]
    for precision in precisions:
        seed = raw[f"seed-{precision}"]
        gap = seed["test_accuracy"] - plain["test_accuracy"]
        rows += [
            Row(
                f"Test accuracy, seed network, {ACCURACY_EPOCHS} epochs, {precision}",
                report.percent(seed["test_accuracy"]),
                report.percent(plain["test_accuracy"]),
                f"{gap * 100:+.1f} pt",
                "≥ baseline − 1 pt",
                verdict(gap >= -0.01),
            ),
            ratio_row(
                f"Wall time, seed network, {ACCURACY_EPOCHS} epochs, {precision} (process start to test result)",
                seed["process_seconds"],
                plain["process_seconds"],
                report.seconds,
            ),
            ratio_row(
                f"The same against the plain program with the stall avoided, {precision}",
                seed["process_seconds"],
                avoided["process_seconds"],
                report.seconds,
            ),
            ratio_row(
                f"Test accuracy per CPU minute, seed network, {ACCURACY_EPOCHS} epochs, {precision}",
                accuracy_per_cpu_minute(seed),
                accuracy_per_cpu_minute(plain),
                report.points_per_cpu_minute,
            ),
        ]
    for preset, accuracy, at_most, aim in (
        ("speed", SPEED_ACCURACY, 0.33, 0.25),
        ("strong", STRONG_ACCURACY, 4.5, None),
    ):
        for precision in precisions:
            run = raw[f"{preset}-{precision}"]
            rows += [
                Row(
                    f"Test accuracy, {preset} preset, {run['epochs']} epochs, {precision}",
                    report.percent(run["test_accuracy"]),
                    "—",
                    "—",
                    f"≥ {accuracy:.0%}",
                    verdict(run["test_accuracy"] >= accuracy),
                ),
                ratio_row(
                    f"Wall time, {preset} preset {run['epochs']} epochs, {precision}, vs the tutorial's "
                    f"{ACCURACY_EPOCHS} (process start to test result)",
                    run["process_seconds"],
                    plain["process_seconds"],
                    report.seconds,
                    at_most=at_most,
                ),
            ]
            if aim is not None:
                ratio = run["process_seconds"] / plain["process_seconds"]
                rows[-1] = dataclasses.replace(
                    rows[-1],
                    target=f"{rows[-1].target} (stretch ≤ {aim:g}×)",
                    result=rows[-1].result + (", stretch met" if ratio <= aim and rows[-1].result == "pass" else ""),
                )
    return raw, rows


WATCHED = "bench.watched"


def middle_epochs(run: dict[str, Any]) -> float:
    """Median seconds of the epochs after the first (the first traces the graph)."""
    return statistics.median(run["epoch_seconds"][1:])


def forget_epoch_estimates(env: dict[str, str]) -> None:
    """Epoch estimates are cached per machine; the bench measures them afresh."""
    cache = Path(env.get("CLASSIFIER_CACHE_DIR") or Path.home() / ".cache" / "cnn-classroom")
    (cache / "epoch-estimates.json").unlink(missing_ok=True)


def measure_watched(children: Children, sizes: Sizes) -> tuple[dict[str, Any], list[Row]]:
    """Seconds per epoch with the Train page open in Chromium (one tab, then two on the same run)
    against `python -m classifier train`, alternating, on the full CIFAR-10."""
    epochs = ["--epochs", 3 if not sizes.quick else 2]
    cases = [("seed", "auto", (1, 2)), ("seed", "float32", (1,)), ("strong", "auto", (1,))]
    if not sizes.quick:
        cases.append(("strong", "float32", (1,)))
    raw: dict[str, Any] = {}
    rows: list[Row] = []
    forget_epoch_estimates(children.env)
    for preset, precision, watcher_counts in cases:
        name = f"{preset}-{precision}"
        base = ["--preset", preset, "--precision", precision, *epochs]
        dry_run = ["train", "--dataset", "cifar10", "--preset", preset, "--precision", precision, "--dry-run"]
        runs = {"estimate": children.run(f"{name}-estimate", "classifier", *dry_run)}
        runs["cli"] = children.run(f"{name}-cli", WATCHED, "cli", *base)
        for watchers in watcher_counts:
            runs[f"page{watchers}"] = children.run(
                f"{name}-page{watchers}", WATCHED, "page", *base, "--watchers", watchers
            )
        raw[name] = runs
        used = runs["cli"]["precision"]
        cli_epoch = middle_epochs(runs["cli"])
        estimated = runs["estimate"]["estimated_epoch_seconds"]
        rows.append(
            Row(
                f"Epoch-time estimate (`train --dry-run`: timed steps) vs the measured epoch, {preset} preset, {used}",
                report.seconds(estimated),
                report.seconds(cli_epoch),
                f"{estimated / cli_epoch:.2f}×",
                "within ±30%",
                verdict(0.7 <= estimated / cli_epoch <= 1.3),
                round(estimated / cli_epoch, 4),
            )
        )
        for watchers in watcher_counts:
            page = runs[f"page{watchers}"]
            who = "the Train page open in Chromium" if watchers == 1 else "the Train page open in two Chromium tabs"
            rows.append(
                ratio_row(
                    f"Seconds per epoch, {preset} preset, {used}, with {who} vs the command line "
                    f"(median of epochs 2–{len(page['epoch_seconds'])}; Chromium {page['chromium_cores']:.2f} cores, "
                    f"server {page['server_cores']:.2f} cores, chart updates "
                    f"{min(page['chart_updates_per_second']):.2f}/s)",
                    middle_epochs(page),
                    cli_epoch,
                    report.seconds,
                    at_most=1.1,
                )
            )
    return raw, rows


def sections(sizes: Sizes) -> dict[str, Section]:
    chosen: dict[str, Section] = {
        "data cache": warm_data_cache,
        "training": measure_training,
        "watched": measure_watched,
        "memory": measure_memory,
        "prediction": measure_prediction,
        "inspection": measure_inspection,
        "app start": measure_app_start,
        "learn": learn.measure,  # bench/learn.py: each Learn page interaction against hand-written code
        "challenges": measure_challenges,  # LiteRT export and occlusion (bench/challenges.py)
        "estimate": estimate.measure,  # bench/estimate.py: the epoch-time estimate against real epochs
        "cluster": cluster.measure,  # bench/cluster.py: a class's makespan and 30 students, Ray vs in-process
        "tensorboard": tensorboard.measure,  # bench/tensorboard.py: TensorBoard logging's cost per epoch
        "batch norm": batch_norm.measure,  # bench/batch_norm.py: the fused kernel against Keras's own
        "on device": ondevice.measure,  # bench/ondevice.py: in-browser prediction vs the server round trip
    }
    if not sizes.quick:
        chosen["load"] = measure_load  # Chromium x 20: minutes, so not in the quick check
    if sizes.accuracy:
        chosen["accuracy"] = measure_accuracy  # last: it is the longest by far
    return chosen


def run_all(children: Children, sizes: Sizes, only: list[str] | None = None) -> tuple[dict[str, Any], list[Row]]:
    raw: dict[str, Any] = {}
    rows: list[Row] = []
    for name, measure in sections(sizes).items():
        if only is not None and name not in only:
            continue
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            raw[name], section_rows = measure(children, sizes)
        except Exception as error:  # one broken section must not cost the others' results
            print(f"    {name} failed: {error}", file=sys.stderr, flush=True)
            raw[name], section_rows = {"error": str(error)}, [error_row(name, error)]
        rows += section_rows
    return raw, rows


# --- the command -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes; writes bench/results-quick.json only")
    parser.add_argument("--skip-accuracy", action="store_true", help="leave out the 10-epoch and strong-preset runs")
    parser.add_argument("--only", help="comma-separated section names; docs/benchmarks.md is left alone")
    args = parser.parse_args(argv)
    only = args.only.split(",") if args.only else None
    known = sections(FULL)
    if only is not None and not set(only) <= set(known):
        print(f"unknown section(s) {sorted(set(only) - set(known))}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    sizes = QUICK if args.quick else dataclasses.replace(FULL, accuracy=not args.skip_accuracy)
    env = child_env()
    if not env.get("CLASSIFIER_CIFAR10"):
        print(f"set CLASSIFIER_CIFAR10 to the CIFAR-10 copy (default {DEFAULT_CIFAR10} is missing)", file=sys.stderr)
        return 2

    machine = report.describe_machine()
    started = time.perf_counter()
    logs = "logs-quick" if args.quick else "logs-partial" if only else "logs"
    children = Children(BENCH / "artifacts" / logs, env)
    raw, rows = run_all(children, sizes, only)
    results = {
        "quick": args.quick,
        "machine": machine,
        "sizes": dataclasses.asdict(sizes),
        "seconds": round(time.perf_counter() - started, 1),
        "rows": [dataclasses.asdict(row) for row in rows],
        "raw": raw,
    }
    body = report.markdown_body(machine, rows, quick=args.quick)
    if args.quick or only:
        written = [BENCH / ("results-quick.json" if args.quick else "results-partial.json")]
    else:
        written = [BENCH / "results.json", BENCH / "results.md"]
        written[1].write_text(f"# Benchmark results\n\n{body}")
        if report.update_readme(ROOT / "docs" / "benchmarks.md", body):
            written.append(ROOT / "docs" / "benchmarks.md")
    written[0].write_text(json.dumps(results, indent=2) + "\n")
    print(body)
    print(f"wrote {', '.join(str(path.relative_to(ROOT)) for path in written)}", file=sys.stderr)
    return 1 if any(row.result.startswith("error") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
