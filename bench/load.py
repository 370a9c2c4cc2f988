"""A classroom at once, for the benchmark table: runs tests/test_load.py with 20 browser sessions
(the suite runs it with 10) predicting and inspecting on one server while a run trains, and prints
its report as JSON.

    python -m bench.load
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "tests" / "artifacts" / "load.json"
SESSIONS = 20


def main() -> int:
    REPORT.unlink(missing_ok=True)
    os.environ["LOAD_SESSIONS"] = str(SESSIONS)
    status = pytest.main([str(ROOT / "tests" / "test_load.py"), "-q", "-p", "no:cacheprovider"])
    if not REPORT.exists():
        print(f"the load test wrote no report (pytest exit status {int(status)})", file=sys.stderr)
        return 1
    print(json.dumps({**json.loads(REPORT.read_text()), "passed": status == 0}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
