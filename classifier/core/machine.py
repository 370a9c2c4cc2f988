"""The one probe of the machine the package runs on: processor name, the instruction-set flags that
decide the arithmetic, and the cores this process may use. Read once per process (no TensorFlow)."""

from __future__ import annotations

import functools
import os
import platform
from pathlib import Path

# The flags that decide training speed: bfloat16 in hardware (AVX512-BF16 or AMX) or float32 only.
SPEED_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16")
_BFLOAT16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def _cpuinfo_field(name: str) -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(name):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return ""


@functools.cache
def cpu_name() -> str:
    """The processor's model name (for estimate caches and "measured on this machine" captions)."""
    return _cpuinfo_field("model name") or platform.processor() or platform.machine()


# oneDNN (TensorFlow's CPU kernels) can be held to an older instruction set with ONEDNN_MAX_CPU_ISA;
# then the flags above it are not used, whatever the processor has. Without this, `auto` would pick
# bfloat16 on an AVX512-BF16 processor held to AVX2, and oneDNN would refuse every bfloat16
# convolution. Held to AVX2 this machine also computes as an AVX2-only one does in float32.
_FLAGS_ABOVE_ISA_CAP = {
    "SSE41": frozenset(SPEED_FLAGS),
    "AVX": frozenset(SPEED_FLAGS),
    "AVX2": frozenset({"avx512f"}) | _BFLOAT16_FLAGS,
    "AVX2_VNNI": frozenset({"avx512f"}) | _BFLOAT16_FLAGS,
    "AVX2_VNNI_2": frozenset({"avx512f"}) | _BFLOAT16_FLAGS,
    "AVX512_CORE": _BFLOAT16_FLAGS,
    "AVX512_CORE_VNNI": _BFLOAT16_FLAGS,
    "AVX512_CORE_BF16": frozenset({"amx_bf16"}),
}


@functools.cache
def cpu_flags() -> frozenset[str]:
    """The processor's flags that oneDNN may use (all of them unless ONEDNN_MAX_CPU_ISA holds it lower)."""
    held_back = _FLAGS_ABOVE_ISA_CAP.get(os.environ.get("ONEDNN_MAX_CPU_ISA", "").upper(), frozenset())
    return frozenset(_cpuinfo_field("flags").split()) - held_back


def has_native_bfloat16() -> bool:
    """True when this CPU multiplies bfloat16 in hardware; elsewhere bfloat16 is emulated and slow."""
    return bool(_BFLOAT16_FLAGS & cpu_flags())


def speed_flags() -> list[str]:
    return [flag for flag in SPEED_FLAGS if flag in cpu_flags()]


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's or `taskset`'s
    share), not every core the machine has."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
