"""A whole class on a cluster (issue 11): the Ray back-end against the in-process engine, side by side.

    python -m bench.cluster makespan --backend local|ray [--runs 6] [--epochs 2] [--limit N]
    python -m bench.cluster load --backend local|ray [--students 30] [--training 2]
    python -m bench.cluster lesson --students 30 [--no-share] [--epochs 2] [--limit N] [--arrival 10]
    python -m bench.cluster queue [--runs 6] [--epochs 2] [--limit N]   (expected vs actual start and end)

makespan: `runs` seed-network runs submitted at once, to the in-process engine (worker processes
on this machine, `nodes` at a time) or to a Ray cluster of `nodes` nodes of one logical CPU each
on this machine (Ray's own `ray.cluster_utils.Cluster`, loopback only): the same cores, the same
concurrency, so the difference is the Ray back-end's overhead (actor start, object store, polling,
checkpoints shipped back).

load: `students` simulated students, each a websocket session speaking Streamlit's own protocol
(BackMsg rerun_script -> ForwardMsgs until script_finished), opening Home, Inside the network
(feature maps and Grad-CAM computed on the server), Predict and Runs, while `training` runs train:
in-process (worker processes sharing the server's cores) or on a Ray worker node pinned to the
other cores (as another machine would be). One real Chromium session beside them checks that a
browser still gets its answer.

lesson (issue 22): `students` students, each a Streamlit protocol session, open a shapes lesson
whose only free setting is the learning rate (three values), pick one and press Start: trainings
actually run, makespan (first Start to the last run's end) and the p95 time from Start to the
student's first epoch being there to show, with the same training done once or (--no-share) every
run trained on its own, on the same cores. Each prints one JSON line; `measure(children, sizes)` is the
section of `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Before anything imports Ray: every node and driver of these measurements stays on 127.0.0.1.
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
PAGES = ("", "inside", "predict", "runs")  # what a student opens, in order ("" is Home)


# --- makespan ---------------------------------------------------------------------------------------


def start_cluster(nodes: int, cpus_per_node: int = 1, head_cpus: int = 0):
    """A Ray cluster on this machine: a head without CPUs (it only coordinates) and `nodes` workers."""
    from ray.cluster_utils import Cluster

    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": head_cpus, "node_ip_address": "127.0.0.1", "include_dashboard": False},
    )
    for _ in range(nodes):
        cluster.add_node(num_cpus=cpus_per_node, node_ip_address="127.0.0.1")
    cluster.wait_for_nodes()
    return cluster


def stop_cluster(cluster) -> None:
    import ray

    import patches

    ray.shutdown()
    patches.ray_release_driver_node()  # Ray 2.55 keeps the driver's node after shutdown
    cluster.shutdown()


def makespan(backend: str, runs: int, epochs: int, limit: int | None, nodes: int, dataset: str) -> dict[str, Any]:
    from classifier.core.config import Config
    from classifier.core.data import load_dataset
    from classifier.core.runs import RunStore
    from classifier.engine import LocalEngine

    load_dataset(dataset)  # decoded and cached before the clock starts, for both sides
    store = RunStore(tempfile.mkdtemp(prefix=f"makespan-{backend}-"))
    cluster = None
    if backend == "ray":
        from classifier.engine.cluster import ClusterEngine

        cluster = start_cluster(nodes)
        engine = ClusterEngine(store, cluster.address)
    else:
        # Equal cores and threads: a Ray actor of one CPU computes with one TensorFlow thread
        # (classifier/engine/cluster.py), so each in-process worker does too (TensorFlow reads these
        # when the worker process starts); `nodes` runs at a time on both sides.
        os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = "1"
        engine = LocalEngine(store, max_concurrent=nodes)
    config = Config(dataset=dataset, limit=limit, epochs=epochs)
    submitted = time.time()
    jobs = [engine.submit(config) for _ in range(runs)]
    started: dict[str, float] = {}
    while not all(job.done for job in jobs):
        for job in jobs:
            if job.run_id not in started and job.snapshot().status != "queued":
                started[job.run_id] = time.time() - submitted
        time.sleep(0.2)
    span = time.time() - submitted
    infos = [store.load(job.run_id) for job in jobs]
    engine.close()
    if cluster is not None:
        stop_cluster(cluster)
    return {
        "backend": backend,
        "runs": runs,
        "epochs": epochs,
        "limit": limit,
        "nodes": nodes,
        "makespan_s": round(span, 2),
        "started_s": sorted(round(s, 2) for s in started.values()),
        "runs_started_per_minute": round(runs / (max(started.values(), default=span) or span) * 60, 2),
        "runs_per_minute": round(runs / span * 60, 2),
        "statuses": [info.status for info in infos],
        "nodes_used": len({info.node for info in infos}),
        "cpu_count": os.cpu_count(),
    }


# --- the server under a class --------------------------------------------------------------------


# How a class uses the app (a Locust-style user model): students open the app within ARRIVAL_S of
# the teacher's "open it now" and read each page for READING_S (uniform, seeded) before the next.
# The burst (everyone at once, nobody reading) is the worst case and is reported beside it.
ARRIVAL_S = 20.0
READING_S = (3.0, 10.0)


async def student(
    url: str, timeout: float, arrival: float = 0.0, reading: tuple[float, float] = (0.0, 0.0), seed: int = 0
) -> list[tuple[str, float]]:
    """One student's session: each page opened through Streamlit's own websocket protocol; (page,
    seconds from the rerun request to the server's script_finished) per page. The waits are the
    simulated student's arrival and reading time, not part of any latency."""
    import random

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    chance = random.Random(seed)
    seconds = []
    await asyncio.sleep(chance.uniform(0.0, arrival))
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None) as socket:
        for page in PAGES:
            request = BackMsg()
            request.rerun_script.page_name = page
            request.rerun_script.query_string = ""
            started = time.perf_counter()
            await socket.send(request.SerializeToString())
            while True:
                message = ForwardMsg()
                message.ParseFromString(await asyncio.wait_for(socket.recv(), timeout))
                if message.WhichOneof("type") == "script_finished":
                    break
            seconds.append((page or "home", time.perf_counter() - started))
            await asyncio.sleep(chance.uniform(*reading))
    return seconds


async def _class(
    url: str, students: int, timeout: float, arrival: float = 0.0, reading: tuple[float, float] = (0.0, 0.0)
) -> tuple[list[tuple[str, float]], list[str]]:
    outcomes = await asyncio.gather(
        *(student(url, timeout, arrival, reading, seed=number) for number in range(students)),
        return_exceptions=True,
    )
    latencies = [s for o in outcomes if isinstance(o, list) for s in o]
    errors = [f"{type(o).__name__}: {o}"[:200] for o in outcomes if not isinstance(o, list)]
    return latencies, errors


def _summary(url: str, students: int, arrival: float, reading: tuple[float, float]) -> dict[str, Any]:
    started = time.perf_counter()
    timed, errors = asyncio.run(_class(url, students, 120, arrival, reading))
    latencies = [seconds for _, seconds in timed]
    return {
        "arrival_s": arrival,
        "reading_s": list(reading),
        "requests": len(latencies),
        "errors": errors,
        "p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
        "class_s": round(time.perf_counter() - started, 1),  # from the first arrival to the last answer
        "by_page": {  # p50 and p95 of each page, to see which one makes the tail
            page or "home": [
                round(percentile([s for p, s in timed if p == (page or "home")], share), 3) for share in (0.5, 0.95)
            ]
            for page in PAGES
        },
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def class_load(backend: str, students: int, training: int, limit: int | None, dataset: str) -> dict[str, Any]:
    """The server on its own cores; training beside it (local) or on a Ray node on the other cores."""
    sys.path.insert(0, str(TESTS))
    from browser_support import Server

    cpus = sorted(os.sched_getaffinity(0))
    server_cpus = set(cpus[: max(1, len(cpus) // 2)])  # the server machine
    other_cpus = set(cpus) - server_cpus or server_cpus  # "another machine", when there is a core for it
    work = Path(tempfile.mkdtemp(prefix=f"load-{backend}-"))
    env = {"CLASSIFIER_RUNS_DIR": str(work / "runs")}
    cluster = None
    if backend == "ray":
        os.sched_setaffinity(0, other_cpus)  # the Ray nodes this process starts inherit these cores
        cluster = start_cluster(1, cpus_per_node=training)
        env["CLASSIFIER_RAY_ADDRESS"] = cluster.address
    os.sched_setaffinity(0, server_cpus)  # the server (and, in-process, its workers) get these
    server = Server(work, extra_env=env).start(timeout=120)
    trainers, logs = [], []
    try:
        train = [sys.executable, "-m", "classifier", "train", "--quiet", "--runs-dir", str(work / "runs")]
        train += ["--dataset", dataset, "--epochs", "50"] + ([] if limit is None else ["--limit", str(limit)])
        train += ["--ray", env["CLASSIFIER_RAY_ADDRESS"]] if cluster is not None else []
        logs = [open(work / f"trainer-{i}.log", "wb") for i in range(training)]  # noqa: SIM115 - written by the CLIs
        trainers = [subprocess.Popen(train, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT) for log in logs]
        _wait_until_training(work / "runs", training)
        in_class = _summary(server.url, students, ARRIVAL_S, READING_S)
        burst = _summary(server.url, students, 0.0, (0.0, 0.0))
        from load_sessions import run_sessions  # one real browser beside the protocol sessions

        browser = run_sessions(server.url, sessions=1, timeout_s=120)
    finally:
        stopping = time.perf_counter()
        for trainer in trainers:
            trainer.send_signal(2)  # Ctrl-C: the CLI stops its run after this batch
        for trainer in trainers:
            try:
                trainer.wait(120)
            except subprocess.TimeoutExpired:  # reported below; its log stays in `work`
                trainer.kill()
        stop_seconds = time.perf_counter() - stopping
        for log in logs:  # the children wrote them; the bench only holds them open until they end
            log.close()
        server.stop()
        if cluster is not None:
            stop_cluster(cluster)
    return {
        "backend": backend,
        "students": students,
        "training": training,
        "server_cpus": sorted(server_cpus),
        "training_cpus": sorted(other_cpus if cluster is not None else server_cpus),
        "class": in_class,  # students arriving over ARRIVAL_S and reading each page (the target's)
        "burst": burst,  # all at once, nobody reading: the worst case
        "browser_s": round(browser.latencies[0], 3) if browser.latencies else None,
        "browser_errors": browser.errors,
        # Ctrl-C to both training CLIs gone (a CLI still there after 120 s was killed: exit -9);
        # exit 0 means the run stopped cleanly; the CLIs' logs stay in `work`.
        "trainers_stopped_s": round(stop_seconds, 1),
        "trainers_exit": [trainer.returncode for trainer in trainers],
        "trainer_logs": str(work),
    }


def _wait_until_training(runs: Path, count: int, timeout: float = 300) -> None:
    from classifier.core.runs import RunStore

    store = RunStore(runs)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sum(1 for info in store.list() if info.status == "running") >= count:
            return
        time.sleep(0.5)
    raise RuntimeError(f"{count} runs were not training after {timeout} s")


# --- a lesson's class pressing Start (issue 22): the same training done once, or every run alone ----

LESSON_RATES = (0.001, 0.01, 0.1)  # the one setting students may change, among three values
LESSON_CODE = "BENCH1"


def bench_lesson(epochs: int, limit: int | None):
    from classifier.teach.lessons import Lesson

    changes = {"dataset": "shapes", "epochs": epochs, "learning_rate": LESSON_RATES[0]}
    if limit is not None:
        changes["limit"] = limit
    return Lesson(preset="seed", changes=changes, choices={"learning_rate": LESSON_RATES}, class_code=LESSON_CODE)


async def _rerun(socket, page: str, query: str, widgets: list | None, timeout: float) -> tuple[dict[str, str], str]:
    """One script run of `page` through Streamlit's protocol: the widgets it drew (id of each, by
    the key at the end of the id) and the query string the page set."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    request = BackMsg()
    request.rerun_script.page_name = page
    request.rerun_script.query_string = query
    for widget in widgets or ():
        request.rerun_script.widget_states.widgets.append(widget)
    await socket.send(request.SerializeToString())
    drawn, query_now = {}, query
    while True:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(socket.recv(), timeout))
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            # A page that calls st.rerun() finishes early and runs again at once: wait for that run.
            if message.script_finished not in (
                ForwardMsg.FINISHED_EARLY_FOR_RERUN,
                ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
            ):
                return drawn, query_now
            continue
        if kind == "page_info_changed":
            query_now = message.page_info_changed.query_string
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            widget = getattr(element, element.WhichOneof("type") or "", None)
            widget_id = getattr(widget, "id", "")
            if widget_id.startswith("$$ID-"):
                drawn[widget_id.split("-", 2)[-1]] = widget_id


async def lesson_student(url: str, token: str, choice: int, arrival: float, timeout: float) -> tuple[str, float]:
    """A student opens the lesson link, picks a learning rate, presses Start: (run id, Start time)."""
    import urllib.parse

    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    await asyncio.sleep(arrival)
    query = f"lesson={token}"
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None) as socket:
        drawn, _ = await _rerun(socket, "train", query, None, timeout)
        picker = next(i for key, i in drawn.items() if key.startswith("lesson_choice_learning_rate@"))
        if choice:
            pick = WidgetState(id=picker)
            pick.string_array_value.data.append(f"{LESSON_RATES[choice]:g}")  # the option as it is labelled
            again, _ = await _rerun(socket, "train", query, [pick], timeout)
            drawn |= again  # the Start button's id is its key's: the same in every run
        started = time.time()
        press = WidgetState(id=drawn["start"], trigger_value=True)
        _, query_now = await _rerun(socket, "train", query, [press], timeout)
        run_id = urllib.parse.parse_qs(query_now).get("run", [""])[0]
        if not run_id:
            raise RuntimeError("Start did not start a run")
        return run_id, started


def lesson_class(students: int, share: bool, epochs: int, limit: int | None, arrival: float) -> dict[str, Any]:
    """`students` simulated students each start one run of a shapes lesson whose only free setting
    is the learning rate (three values), against one server on this machine's cores."""
    sys.path.insert(0, str(TESTS))
    from browser_support import Server

    from classifier.core.data import load_dataset
    from classifier.core.runs import RunStore
    from classifier.engine import sharing

    load_dataset("shapes")  # made before the clock starts (it is generated, then kept in memory)
    work = Path(tempfile.mkdtemp(prefix=f"lesson-{'shared' if share else 'alone'}-"))
    env = {"CLASSIFIER_RUNS_DIR": str(work / "runs"), sharing.SHARE_ENV: "1" if share else "0"}
    lesson = bench_lesson(epochs, limit)
    server = Server(work, extra_env=env).start(timeout=120)
    store = RunStore(work / "runs")
    try:
        chance = __import__("random").Random(0)
        arrivals = [chance.uniform(0.0, arrival) for _ in range(students)]

        async def whole_class():
            return await asyncio.gather(
                *(lesson_student(server.url, lesson.token(), n % 3, arrivals[n], 300) for n in range(students)),
                return_exceptions=True,
            )

        first_start = time.time()
        outcomes = asyncio.run(whole_class())
        started = {o[0]: o[1] for o in outcomes if isinstance(o, tuple)}
        errors = [f"{type(o).__name__}: {o}"[:200] for o in outcomes if not isinstance(o, tuple)]
        first_epoch: dict[str, float] = {}  # when each student's first epoch was there to be shown
        deadline = time.time() + 3600
        while time.time() < deadline:
            infos = {run_id: store.load(run_id) for run_id in started}
            for run_id, info in infos.items():
                if run_id not in first_epoch and info.epochs_completed >= 1:
                    first_epoch[run_id] = time.time()
            if all(info.status not in ("queued", "running") for info in infos.values()):
                break
            time.sleep(0.2)
        makespan = time.time() - min(started.values(), default=first_start)
        infos = [store.load(run_id) for run_id in started]
    finally:
        server.stop()
    waits = [first_epoch[run_id] - started[run_id] for run_id in started if run_id in first_epoch]
    trained = {info.shared or info.run_id for info in infos}
    return {
        "students": students,
        "shared": share,
        "trainings": len(trained),
        "distinct_recipes": len({repr(info.config) for info in infos}),
        "makespan_s": round(makespan, 1),
        "p95_wait_s": round(percentile(waits, 0.95), 1) if waits else None,
        "p50_wait_s": round(statistics.median(waits), 1) if waits else None,
        "statuses": sorted({info.status for info in infos}),
        "errors": errors,
        "epochs": epochs,
        "limit": limit,
        "cpu_count": os.cpu_count(),
        "runs_dir": str(work),
    }


# --- the queue's expected times against what happens ------------------------------------------------


def queue_accuracy(runs: int, epochs: int, limit: int | None) -> dict[str, Any]:
    """One run trains first (the engine measures this network's epoch time from it); then `runs`
    more are queued at once, one slot: each one's expected start and end as the page showed them at
    submission, against when it really started and ended."""
    from classifier.core.config import Config
    from classifier.core.data import load_dataset
    from classifier.core.runs import RunStore
    from classifier.engine import LocalEngine

    load_dataset("shapes")
    store = RunStore(tempfile.mkdtemp(prefix="queue-"))
    engine = LocalEngine(store, max_concurrent=1)
    engine.wait_ready(300)  # a server a little after it started: its spare worker has TensorFlow loaded
    config = Config(dataset="shapes", epochs=epochs, limit=limit)
    first = engine.submit(config, owner="first-student-00")
    first.wait()
    jobs = [engine.submit(config, owner=f"student-{n:02d}-0000000") for n in range(runs)]
    engine.replan()  # the page's view right after everyone pressed Start
    expected = {job.run_id: (job.snapshot().expected_start, job.snapshot().expected_end) for job in jobs}
    submitted = time.time()
    for job in jobs:
        job.wait()
    engine.close()
    rows = []
    for job in jobs:
        info = store.load(job.run_id)
        start, end = expected[job.run_id]
        rows.append(
            {
                "expected_wait_s": round(start - submitted, 1) if start else None,
                "actual_wait_s": round(info.started - submitted, 1),
                "expected_end_s": round(end - submitted, 1) if end else None,
                "actual_end_s": round(info.finished - submitted, 1),
            }
        )
        if end:  # predicted / what happened, from the moment everyone pressed Start (1.0: exact)
            rows[-1]["end_ratio"] = round((end - submitted) / (info.finished - submitted), 3)
            if len(rows) > 1:
                rows[-1]["start_ratio"] = round((start - submitted) / (info.started - submitted), 3)
    errors = [
        abs(row["expected_end_s"] - row["actual_end_s"]) / row["actual_end_s"]
        for row in rows
        if row["expected_end_s"] is not None
    ]
    return {"runs": runs, "epochs": epochs, "limit": limit, "rows": rows, "load_average": os.getloadavg(),
            "max_end_error": round(max(errors), 3) if errors else None}  # fmt: skip


# --- the section of make bench ----------------------------------------------------------------------


def measure(children, sizes) -> tuple[dict[str, Any], list]:
    """Both measurements, in-process then Ray, in fresh child processes."""
    from bench import report
    from bench.report import Row, ratio_row, verdict

    limit = [] if sizes.limit is None else ["--limit", sizes.limit]
    students = 6 if sizes.quick else 30
    raw: dict[str, Any] = {}
    for backend in ("local", "ray"):
        raw[f"makespan-{backend}"] = children.run(
            f"makespan-{backend}", "bench.cluster", "makespan", "--backend", backend, *limit
        )
    for backend in ("local", "ray"):
        raw[f"load-{backend}"] = children.run(
            f"class-load-{backend}", "bench.cluster", "load", "--backend", backend, "--students", students
        )
    for side in ("shared", "alone"):  # a lesson's class pressing Start, the same training done once or not
        off = ["--no-share"] if side == "alone" else []
        raw[f"lesson-{side}"] = children.run(f"lesson-{side}", "bench.cluster", "lesson", "--students", students, *off)
    raw["queue"] = children.run("queue", "bench.cluster", "queue", "--runs", 4, "--epochs", 2, "--limit", 300)
    local, ray = raw["makespan-local"], raw["makespan-ray"]
    data = "full CIFAR-10" if sizes.limit is None else f"{sizes.limit:,} images per split"
    rows = [
        ratio_row(
            f"Makespan of a class: {local['runs']} seed runs × {local['epochs']} epochs, {data}, "
            f"Ray on {ray['nodes']} local nodes vs in-process, {local['nodes']} at a time",
            ray["makespan_s"],
            local["makespan_s"],
            report.seconds,
            at_most=1.1,
        ),
        Row(
            "Runs started per minute (Ray / in-process)",
            f"{ray['runs_started_per_minute']:.1f}",
            f"{local['runs_started_per_minute']:.1f}",
            "—",
            "—",
            "info",
        ),
    ]
    shared, alone = raw["lesson-shared"], raw["lesson-alone"]
    about = f"{shared['students']} students start a shapes lesson (learning rate: 3 choices)"
    rows += [
        Row(
            f"{about}: trainings actually run, shared vs every run alone",
            str(shared["trainings"]),
            str(alone["trainings"]),
            "—",
            "= distinct recipes",
            verdict(shared["trainings"] == shared["distinct_recipes"]),
        ),
        ratio_row(
            f"{about}: makespan, shared vs alone",
            shared["makespan_s"],
            alone["makespan_s"],
            report.seconds,
            at_most=0.15,
        ),  # fmt: skip
        ratio_row(
            f"{about}: p95 Start to first epoch, shared vs alone",
            shared["p95_wait_s"],
            alone["p95_wait_s"],
            report.seconds,
            at_most=0.2,
        ),  # fmt: skip
    ]
    queue = raw["queue"]
    ratios = [row["end_ratio"] for row in queue["rows"] if "end_ratio" in row]
    worst = max(ratios, key=lambda ratio: abs(ratio - 1)) if ratios else None
    rows.append(
        Row(
            f"{queue['runs']} shapes runs queued on one slot after one that measured the epoch time: "
            "expected end / actual end, each (worst)",
            ", ".join(f"{ratio:.2f}×" for ratio in ratios) or "—",
            "—",
            f"{worst:.2f}×" if worst is not None else "—",
            "within ±30%",
            verdict(worst is not None and 0.7 <= worst <= 1.3),
            worst,
        )
    )
    for backend in ("local", "ray"):
        load = raw[f"load-{backend}"]
        where = "on a Ray node (other cores)" if backend == "ray" else "in-process (the server's cores)"
        for kind in ("class", "burst"):
            figures = load[kind]
            how = (
                f"arriving over {figures['arrival_s']:.0f} s, reading each page "
                f"{figures['reading_s'][0]:.0f}–{figures['reading_s'][1]:.0f} s"
                if kind == "class"
                else "all at once, nobody reading (worst case)"
            )
            slowest = max(figures["by_page"], key=lambda page: figures["by_page"][page][1])
            targeted = kind == "class"  # in-process too (issue 22, point 5: workers yield to the server)
            rows.append(
                Row(
                    f"{load['students']} students (Streamlit protocol) {how}, opening 4 pages; {load['training']} "
                    f"runs training {where}: p95 (p50); slowest page {slowest}"
                    + ("; one real browser" if kind == "class" else ""),
                    f"{figures['p95_s']:.2f} s ({figures['p50_s']:.2f} s); {figures['by_page'][slowest][1]:.2f} s"
                    + (f"; {load['browser_s']} s" if kind == "class" else ""),
                    "—",
                    "—",
                    "p95 ≤ 2 s" if targeted else "—",
                    verdict(figures["p95_s"] <= 2 and not figures["errors"]) if targeted else "info",
                )
            )
    return raw, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster")
    parser.add_argument("what", choices=("makespan", "load", "lesson", "queue"))
    parser.add_argument("--backend", choices=("local", "ray"), default="local")
    parser.add_argument("--no-share", action="store_true", help="lesson: every student's run trained on its own")
    parser.add_argument("--arrival", type=float, default=10.0, help="lesson: students press Start within this many s")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--dataset", default="cifar10")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--training", type=int, default=2)
    args = parser.parse_args(argv)
    if args.what == "queue":
        result = queue_accuracy(args.runs, args.epochs, args.limit)
    elif args.what == "lesson":
        result = lesson_class(args.students, not args.no_share, args.epochs, args.limit, args.arrival)
    elif args.what == "makespan":
        result = makespan(args.backend, args.runs, args.epochs, args.limit, args.nodes, args.dataset)
    else:
        result = class_load(args.backend, args.students, args.training, args.limit or 2000, args.dataset)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
