"""Training while the Train page is watched, in a real Chromium, against the command line.

    python -m bench.watched cli  --preset seed --epochs 3 [--precision float32]
    python -m bench.watched page --preset seed --epochs 3 [--precision float32] [--watchers 2]

`cli` runs `python -m classifier train` as a user would. `page` starts `streamlit run app.py`,
opens the Train page in headless Chromium, picks the preset (and precision), sets the epochs and
presses Start, then keeps the page open (and, with --watchers 2, a second tab on the same run
through its `?run=` link) until the run ends, counting the live chart's redraws. Both print one
JSON line: the run's own epoch times (from its history), and for `page` the CPU seconds that
Chromium's processes and the server used during the epochs after the first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.app_start import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, stop, streamlit_command, wait_for_health

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TICKS = os.sysconf("SC_CLK_TCK")
RUN_TIMEOUT = 1800  # seconds; the strong preset's 3 epochs take about 90 s here


def cli(preset: str, epochs: int, precision: str) -> dict:
    with tempfile.TemporaryDirectory() as runs:
        command = [sys.executable, "-m", "classifier", "train", "--dataset", "cifar10", "--preset", preset,
                   "--epochs", str(epochs), "--precision", precision, "--runs-dir", runs, "--quiet"]  # fmt: skip
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {"epoch_seconds": summary["epoch_seconds"], "precision": summary["precision"]}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (their own threads), from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def our_chromium() -> list[int]:
    """The Chromium processes this benchmark started (through Playwright), not any others."""
    pids = []
    for pid in descendants(os.getpid()):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == "chromium":
                pids.append(pid)
        except OSError:
            continue
    return pids


def descendants(root: int) -> list[int]:
    """`root` and every process below it (the server and its training workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def page(preset: str, epochs: int, precision: str, watchers: int) -> dict:
    from playwright.sync_api import sync_playwright

    from classifier.core.runs import RunStore

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        runs = Path(folder) / "runs"
        env = {**os.environ, "CLASSIFIER_RUNS_DIR": str(runs), "CLASSIFIER_UPLOADS_DIR": str(Path(folder) / "up")}
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            streamlit_command(ROOT / "app.py", port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            wait_for_health(url, server)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            tab = context.new_page()
            tab.set_default_timeout(120_000)
            updates = [count_chart_updates(tab)]
            start_run(tab, url, preset, epochs, precision)
            store = RunStore(runs)
            run_id = wait_until(lambda: next((info.run_id for info in store.list()), None), tab=tab)
            for _ in range(watchers - 1):  # a second tab follows the same run through its link
                other = context.new_page()
                updates.append(count_chart_updates(other))
                other.goto(f"{url}/train?run={run_id}")
            # CPU is counted from the end of epoch 1 (graph tracing, worker start) to the run's end.
            wait_until(lambda: store.history(run_id), RUN_TIMEOUT, tab)
            chromium = our_chromium()
            cpu_start, clock_start = (cpu_seconds(chromium), cpu_seconds([server.pid])), time.monotonic()
            counted_from = [len(each) for each in updates]
            ended = lambda: (i := store.load(run_id)).status not in ("queued", "running") and i  # noqa: E731
            info = wait_until(ended, RUN_TIMEOUT, tab)
            seconds = time.monotonic() - clock_start
            chromium_cpu = cpu_seconds(chromium) - cpu_start[0]
            server_cpu = cpu_seconds([server.pid]) - cpu_start[1]
            last = clock_start + seconds
            intervals = [gaps([t for t in each[start:] if t <= last]) for each, start in zip(updates, counted_from)]
            history = store.history(run_id)
        finally:
            browser.close()
            stop(server)
    if info.status != "finished":
        raise RuntimeError(f"the run ended {info.status}: {info.reason}")
    return {
        "epoch_seconds": [record["seconds"] for record in history],
        "precision": info.precision,
        "watchers": watchers,
        "chromium_cores": chromium_cpu / seconds,
        "server_cores": server_cpu / seconds,  # the web server's own process, training workers aside
        "chart_updates_per_second": [len(each) / seconds for each in intervals],
        "longest_gap_between_updates": [max(each, default=None) for each in intervals],
        "window_seconds": seconds,
    }


LIVE_CHART_KEY = b"live-loss"  # the live loss chart's name in its spec, inside each update the server sends


def count_chart_updates(tab) -> list[float]:
    """Times (monotonic) at which the server sent this tab a new live chart, read off its websocket."""
    times: list[float] = []

    def on_frame(payload) -> None:
        if isinstance(payload, bytes) and LIVE_CHART_KEY in payload:
            times.append(time.monotonic())

    tab.on("websocket", lambda socket: socket.on("framereceived", on_frame))
    return times


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:])]


def start_run(tab, url: str, preset: str, epochs: int, precision: str) -> None:
    """As a student: open Train, pick the preset, set epochs (and precision), press Start."""
    tab.goto(f"{url}/train")
    tab.wait_for_selector(IDLE)
    tab.get_by_text(PRESET_LABELS[preset], exact=True).click()
    tab.wait_for_timeout(300)
    tab.wait_for_selector(IDLE)
    tab.get_by_text("Training", exact=True).click()  # open the expander
    field = tab.get_by_role("spinbutton", name="Epochs", exact=True)
    field.fill(str(epochs))
    field.press("Enter")
    tab.wait_for_timeout(300)
    tab.wait_for_selector(IDLE)
    if precision != "auto":
        tab.get_by_test_id("stRadio").filter(has_text="float32").get_by_text(precision, exact=True).click()
        tab.wait_for_timeout(300)
        tab.wait_for_selector(IDLE)
    tab.get_by_role("button", name="Start training").click()


PRESET_LABELS = {"seed": "Seed", "strong": "Strong", "quick": "Quick demo"}


def wait_until(condition, timeout: float = 120, tab=None):
    """Poll `condition`; with a tab, wait through Playwright so the tabs' events are handled meanwhile
    (its sync API delivers events only inside its own calls)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if tab is not None:
            tab.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    raise RuntimeError("timed out")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.watched", description=__doc__.split("\n")[0])
    parser.add_argument("side", choices=("cli", "page"))
    parser.add_argument("--preset", default="seed")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--watchers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.side == "cli":
        result = cli(args.preset, args.epochs, args.precision)
    else:
        result = page(args.preset, args.epochs, args.precision, args.watchers)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
