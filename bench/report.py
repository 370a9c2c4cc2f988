"""The report: one row per target (measured value, baseline, ratio, verdict), the machine it ran
on, and the Markdown that goes into bench/results.md and docs/benchmarks.md."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.core import machine

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"

BASELINES = (
    "Ratios are package ÷ baseline, both measured in the same run, alternating, each heavy one in a "
    "fresh process. Baselines: training, the tutorial's program (`x / 255.0` float64 arrays, the same "
    "Sequential network, `model.fit(x, y, epochs, batch_size=64, validation_data=...)`), against the "
    "engine with its live record polled once a second; prediction, Pillow + NumPy + one model call; "
    "inspection, keras-io's Grad-CAM recipe with one probe model; start-up, a one-line "
    '`st.write("hello")` app. Throughput counts the epochs after the first (which traces the graph); '
    "peak RSS is the training process's own `ru_maxrss` (for the engine, its own plus its training "
    "worker's). Watched-page rows: the real app under `streamlit run`, the Train page driven in headless "
    "Chromium like a student (preset, epochs, Start), epoch times read from the run's own history, against "
    "`python -m classifier train` with the same preset."
)


@dataclass(frozen=True)
class Row:
    measurement: str
    package: str
    baseline: str
    ratio: str
    target: str
    result: str  # "pass", "miss", "info" (no target), or "error: ..."
    ratio_value: float | None = None


def verdict(passed: bool) -> str:
    return "pass" if passed else "miss"


def has_bfloat16(machine: dict[str, Any]) -> bool:
    """Whether the CPU computes bfloat16 in hardware (the flags describe_machine() lists)."""
    return bool({"avx512_bf16", "amx_bf16"} & set(machine.get("cpu_flags", ())))


def ratio_row(
    measurement: str,
    package: float,
    baseline: float,
    show: Callable[[float], str],
    at_most: float | None = None,
    at_least: float | None = None,
    aim: float | None = None,
) -> Row:
    """A row judged on package / baseline; with neither bound it is information only."""
    ratio = package / baseline
    if at_most is not None:
        target, result = f"≤ {_times(at_most)}", verdict(ratio <= at_most)
    elif at_least is not None:
        target, result = f"≥ {_times(at_least)}", verdict(ratio >= at_least)
    else:
        target, result = "—", "info"
    if aim is not None:
        target += f" (aim {_times(aim)})"
        if result == "pass":
            result += ", aim met" if ratio >= aim else ", under aim"
    return Row(measurement, show(package), show(baseline), f"{ratio:.2f}×", target, result, round(ratio, 4))


def _times(factor: float) -> str:
    text = f"{factor:g}"
    return f"{text}×" if "." in text else f"{text}.0×"


def error_row(measurement: str, error: BaseException) -> Row:
    return Row(measurement, "—", "—", "—", "—", f"error: {error}")


# How values read in the table.
def rate(value: float) -> str:
    return f"{value:,.0f} img/s"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:,.0f} s"


def milliseconds(value: float) -> str:
    return f"{value:.1f} ms" if value < 1000 else f"{value:,.0f} ms"


def megabytes(value: float) -> str:
    return f"{value:,.0f} MB"


def percent(value: float) -> str:
    return f"{value:.1%}"


def points_per_cpu_minute(value: float) -> str:
    return f"{value:.2f} pt/CPU-min"


# --- the machine -------------------------------------------------------------------------------


SPEED_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16")


def describe_machine() -> dict[str, Any]:
    """What a reader needs to compare these numbers with theirs (no TensorFlow import needed)."""
    return {
        "cpu": machine.cpu_name(),
        # The flags that decide the arithmetic: bfloat16 in hardware (AVX512-BF16/AMX) or float32 only.
        "cpu_flags": machine.speed_flags(),
        "cores": os.cpu_count(),
        "usable_cores": machine.usable_cores(),
        "ram_gb": round(int((_proc_field("/proc/meminfo", "MemTotal") or "0 kB").split()[0]) / 2**20, 1),
        "python": platform.python_version(),
        "tensorflow": _version("tensorflow"),
        "keras": _version("keras"),
        "streamlit": _version("streamlit"),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def _proc_field(path: str, name: str) -> str | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_line(machine: dict[str, Any]) -> str:
    return (
        f"{machine['cpu']} (flags: {', '.join(machine.get('cpu_flags') or ['no AVX2'])}), "
        f"{machine['cores']} cores ({machine['usable_cores']} usable), "
        f"{machine['ram_gb']:g} GB RAM; Python {machine['python']}, TensorFlow {machine['tensorflow']} "
        f"(Keras {machine['keras']}), Streamlit {machine['streamlit']}; {machine['date']}, "
        f"load average {machine['load_average'][0]:g} at the start."
    )


# --- Markdown ----------------------------------------------------------------------------------


def markdown_table(rows: list[Row]) -> str:
    lines = ["| Measurement | Package | Baseline | Ratio | Target | Result |", "|---|--:|--:|--:|---|---|"]
    for row in rows:
        result = row.result if row.result.startswith(("pass", "info")) else f"**{row.result}**"
        cells = (row.measurement, row.package, row.baseline, row.ratio, row.target, result)
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |")
    return "\n".join(lines)


def markdown_body(machine: dict[str, Any], rows: list[Row], quick: bool = False) -> str:
    """Machine, table and what the baselines are: the part shared by results.md and the README."""
    parts = [f"Machine: {machine_line(machine)}", markdown_table(rows), BASELINES]
    if quick:
        parts.insert(0, "**Quick smoke run** (tiny sizes): it proves the benchmark runs; its ratios mean little.")
    return "\n\n".join(parts) + "\n"


def replace_between_markers(text: str, body: str, start: str = README_START, end: str = README_END) -> str | None:
    """`text` with everything between the two markers replaced by `body`; None if a marker is missing."""
    begin = text.find(start)
    finish = text.find(end, begin + len(start)) if begin >= 0 else -1
    if finish < 0:
        return None
    return f"{text[: begin + len(start)]}\n{body.strip()}\n{text[finish:]}"


def update_readme(readme: Path, body: str) -> bool:
    """Put `body` between the bench markers of an existing README; False (and no change) without them."""
    if not readme.is_file():
        return False
    updated = replace_between_markers(readme.read_text(), body)
    if updated is None:
        return False
    readme.write_text(updated)
    return True
