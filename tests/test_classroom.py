"""A class on one server (issue 22): workers yield the CPU, a fair queue with expected times, the
same training done once for the students who ask for the same recipe. Real engine, real
TensorFlow, tiny shapes runs."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from polling import wait_for

from classifier.core import teachers
from classifier.core.runs import RunError, RunStore, class_viewer
from classifier.engine import FollowerJob, LocalEngine, plan, sharing
from classifier.engine.worker import DEFAULT_NICE, NICE_ENV
from classifier.teach.lessons import Lesson
from classifier.training import estimate

ROOT = Path(__file__).resolve().parent.parent
LESSON = Lesson(
    preset="seed",
    changes={"dataset": "shapes", "limit": 120, "epochs": 2, "batch_size": 16},
    choices={"learning_rate": (0.001, 0.01)},
    class_code="K7QM2X",
)
TINY = LESSON.config
LONG = TINY.replace(epochs=200, limit=600)
LONG_LESSON = Lesson(preset="seed", changes={"dataset": "shapes", "limit": 600, "epochs": 200, "batch_size": 16},
                     class_code="K7QM2X")  # fmt: skip
STUDENTS = ["ana" + "a" * 13, "bo" + "b" * 14, "cy" + "c" * 14, "di" + "d" * 14]


@pytest.fixture
def engine(tmp_path):
    # No spare worker: each would import TensorFlow (about 2.7 s of CPU) to be thrown away at the
    # test's end. The spare itself is tested in test_engine.py.
    engine = LocalEngine(RunStore(tmp_path / "runs"), max_concurrent=1, keep_spare=False)
    yield engine
    for job in engine.waiting() + engine.running():
        job.request_stop(None)
    for job in engine.waiting() + engine.running():
        job.wait(60)
    engine.close()


def trainings(store: RunStore) -> list:
    return [info for info in store.list() if info.owner == sharing.SHARED_OWNER]


# --- point 5: training yields the CPU to the server ---------------------------------------------------


def test_training_workers_run_at_a_lower_cpu_priority_than_the_server(tmp_path, monkeypatch):
    monkeypatch.delenv(NICE_ENV, raising=False)  # the engine's own setting (conftest turns it off)
    engine = LocalEngine(RunStore(tmp_path / "runs"), max_concurrent=1, keep_spare=False)
    job = engine.submit(LONG, owner=STUDENTS[0])
    # The worker writes its pid as it starts (a nice worker on a busy machine may take a while).
    info = wait_for(lambda: (i := engine.store.load(job.run_id)).status == "running" and i, 300, 0.1)
    pid = info.pid
    assert pid != os.getpid()
    expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + DEFAULT_NICE)
    assert os.getpriority(os.PRIO_PROCESS, pid) == expected
    assert os.getsid(pid) == pid  # its own session, hence its own scheduling group...
    autogroup = Path(f"/proc/{pid}/autogroup")
    if autogroup.exists():  # ...which is as nice as the process (Linux weighs groups against each other)
        assert autogroup.read_text().split()[-1] == str(min(19, DEFAULT_NICE))
        assert Path("/proc/self/autogroup").read_text() != autogroup.read_text()  # ours is untouched
    job.request_stop(STUDENTS[0])
    assert job.wait(300)


# --- point 2: a fair queue, and each waiting run's expected start and end -----------------------------


def test_a_students_second_run_never_waits_ahead_of_anothers_first():
    waiting = [
        plan.Waiting("ana-2", frozenset({"ana"}), arrival=2),
        plan.Waiting("ana-3", frozenset({"ana"}), arrival=3),
        plan.Waiting("bo-1", frozenset({"bo"}), arrival=4),
        plan.Waiting("cy-1", frozenset({"cy"}), arrival=5),
        plan.Waiting("teacher", frozenset({"teacher"}), teacher=True, arrival=6),
        plan.Waiting("shared", frozenset({"ana", "di"}), arrival=7),  # di's first, on a shared training
    ]
    order = [w.run_id for w in plan.fair_order(waiting, started_owners=[frozenset({"ana"})])]
    assert order == ["teacher", "bo-1", "cy-1", "shared", "ana-2", "ana-3"]


def test_expected_times_fill_the_slots_in_queue_order():
    times = plan.expected_times(2, remaining=[10.0], durations=[30.0, 30.0, 5.0], now=100.0)
    assert times == [(100.0, 130.0), (110.0, 140.0), (130.0, 135.0)]
    assert plan.expected_times(1, [None], [30.0], 0.0) == [None]  # a running run of unknown length
    assert plan.expected_times(1, [], [30.0, None, 5.0], 0.0) == [(0.0, 30.0), None, None]


def test_the_engine_starts_runs_in_fair_order_and_says_when_each_will_start(engine, monkeypatch):
    sizes = plan.planned_images(TINY)
    assert sizes == (120, 120, 6)
    rates = {"train_image": 0.01, "validate_image": 0.005}  # as if measured here: 1.8 s per epoch
    estimate.remember(estimate.cache_key(TINY, 6), rates, replace=True)  # whatever an earlier test left
    ana, bo = STUDENTS[:2]
    first = engine.submit(LONG, owner=ana)
    wait_for(lambda: first.snapshot().status == "running")
    second = engine.submit(TINY, owner=ana)
    third = engine.submit(TINY, owner=ana)
    other = engine.submit(TINY, owner=bo)
    assert [engine.queue_position(j.run_id) for j in (other, second, third)] == [1, 2, 3]
    teacher = engine.submit(TINY, owner="teacher" + "t" * 9, teacher=True)
    assert engine.queue_position(teacher.run_id) == 1 and engine.queue_position(other.run_id) == 2

    wait_for(lambda: first.snapshot().eta is not None)  # the running run's time left is measured
    engine.replan()
    snaps = [job.snapshot() for job in (teacher, other, second, third)]
    assert [s.queue_position for s in snaps] == [1, 2, 3, 4]
    starts = [s.expected_start for s in snaps]
    assert all(start is not None and start >= time.time() - 1 for start in starts)
    assert starts == sorted(starts)
    epoch = estimate.epoch_seconds(rates, 120, 120)
    for snap, following in zip(snaps, snaps[1:]):  # one slot: each starts when the one before ends
        assert snap.expected_end - snap.expected_start == pytest.approx(2 * epoch + 5.0)
        assert following.expected_start == pytest.approx(snap.expected_end)

    first.request_stop(ana)
    for job in (teacher, other, second, third):
        assert job.wait(120)
    started = {job: engine.store.load(job.run_id).started for job in (teacher, other, second, third)}
    assert sorted(started, key=started.get) == [teacher, other, second, third]


def test_a_finished_run_teaches_the_queue_its_first_epoch_apart_from_the_later_ones(engine):
    """The first epoch traces the graph and is the slowest of a run's: a queued run is expected to
    take one first epoch, then later ones (the median of the teaching run's later epochs). Counting
    the slower one for every epoch made 2-epoch runs' expected ends 1.40-1.45x the actual."""
    taught = engine.submit(TINY.replace(epochs=4), owner=STUDENTS[0])
    assert taught.wait(180) and taught.snapshot().status == "finished"
    seconds = [record["seconds"] for record in engine.store.history(taught.run_id)]
    later = statistics.median(seconds[1:])
    blocker = engine.submit(LONG, owner=STUDENTS[1])  # holds the one slot
    wait_for(lambda: blocker.snapshot().status == "running")
    three, five = (
        engine.submit(TINY.replace(epochs=3), owner=STUDENTS[2]),
        engine.submit(TINY.replace(epochs=5), owner=STUDENTS[3]),
    )
    engine.replan()
    durations = [job.snapshot().expected_end - job.snapshot().expected_start for job in (three, five)]
    # Two more later epochs (the times are wall-clock stamps near 1.8e9 s: float64 resolves 2.4e-7 s).
    assert durations[1] - durations[0] == pytest.approx(2 * later, abs=1e-4)
    assert durations[0] - 2 * later > seconds[0] * 0.999  # one first epoch, plus start-up
    blocker.request_stop(STUDENTS[1])


def test_the_teachers_runs_go_first_and_only_the_teachers(engine):
    """The teacher is whoever made the class's lesson on this server (their private owner token),
    not whoever knows the class code: every student's link carries it."""
    store = engine.store
    teacher, ana, bo = "teacher" + "t" * 9, STUDENTS[0], STUDENTS[1]
    assert teachers.claim(store, LESSON.group, teacher)  # the lesson made on the Train page
    assert not teachers.claim(store, LESSON.group, bo)  # a student making a lesson with the same code
    first = engine.submit(LONG, owner=STUDENTS[2])  # holds the one slot
    wait_for(lambda: first.snapshot().status == "running")
    # Three recipes (so nobody shares), each from the class's lesson link.
    student = engine.submit(TINY, owner=ana, lesson=LESSON.tag("Ana"))
    claimer = engine.submit(TINY.replace(learning_rate=0.1), owner=bo, lesson=LESSON.tag("Teacher"))
    teachers_run = engine.submit(TINY.replace(learning_rate=0.01), owner=teacher, lesson=LESSON.tag("Ms T"))
    engine.replan()
    assert [job.snapshot().queue_position for job in (teachers_run, student, claimer)] == [1, 2, 3]

    first.request_stop(STUDENTS[2])
    for job in (teachers_run, student, claimer):
        assert job.wait(180)
    started = {job: store.load(job.info.shared).started for job in (teachers_run, student, claimer)}
    assert sorted(started, key=started.get) == [teachers_run, student, claimer]


# --- point 1: the same training done once -------------------------------------------------------------


def test_students_asking_for_the_same_recipe_share_one_training(engine):
    store = engine.store
    jobs = [engine.submit(TINY, owner=s, lesson=LESSON.tag(f"S{i}")) for i, s in enumerate(STUDENTS[:3])]
    changed = engine.submit(TINY.replace(learning_rate=0.01), owner=STUDENTS[3], lesson=LESSON.tag("S3"))
    private = engine.submit(TINY, owner=STUDENTS[0])  # not from a lesson: never shared
    assert all(isinstance(job, FollowerJob) for job in jobs + [changed])
    assert jobs[0].snapshot().students == 3 and changed.snapshot().students == 1
    for job in jobs + [changed, private]:
        assert job.wait(180)
    assert len(trainings(store)) == 2  # the three identical ones once, the changed one on its own

    results = [engine.progress(job.run_id, job.info.owner) for job in jobs]
    assert {r.status for r in results} == {"finished"}
    assert len({r.test_accuracy for r in results}) == 1 and results[0].test_accuracy is not None
    assert all(r.history == results[0].history and len(r.history) == 2 for r in results)
    assert all(r.students == 3 for r in results)
    for job in jobs:  # every page reads the entry like any run: its own folder, model, predictions
        info = store.load(job.run_id, job.info.owner)
        assert info.owner == job.info.owner and info.lesson["student"].startswith("S")
        assert store.model_path(job.run_id) is not None and store.predictions(job.run_id) is not None

    # Privacy: each entry is its student's; the class sees the entries, nobody sees the training.
    with pytest.raises(RunError):
        store.load(jobs[0].run_id, STUDENTS[1])
    assert [i.run_id for i in store.list(STUDENTS[1])] == [jobs[1].run_id]
    training_id = jobs[0].info.shared
    for viewer in (STUDENTS[0], class_viewer("K7QM2X")):
        with pytest.raises(RunError):
            store.load(training_id, viewer)
    class_ids = {i.run_id for i in store.list(class_viewer("K7QM2X"))}
    assert class_ids == {job.run_id for job in jobs + [changed]}

    late = engine.submit(TINY, owner="late" + "l" * 12, lesson=LESSON.tag("Late"))  # after it finished
    assert late.done and late.snapshot().status == "finished" and late.snapshot().students == 4
    assert len(trainings(store)) == 2


def test_sharing_off_trains_every_run(tmp_path):
    engine = LocalEngine(RunStore(tmp_path / "runs"), max_concurrent=1, keep_spare=False, share=False)
    first = engine.submit(TINY, owner=STUDENTS[0], lesson=LESSON.tag())
    second = engine.submit(TINY, owner=STUDENTS[1], lesson=LESSON.tag())
    assert first.run_id != second.run_id and not isinstance(first, FollowerJob)
    first.request_stop(None)
    second.request_stop(None)
    assert trainings(engine.store) == []


def test_stopping_ones_entry_leaves_the_training_to_the_others_and_the_last_one_stops_it(engine):
    store = engine.store
    ana, bo = (engine.submit(LONG, owner=s, lesson=LONG_LESSON.tag(n)) for s, n in zip(STUDENTS, "AB"))
    training = engine.job(ana.info.shared)
    wait_for(lambda: store.load(ana.run_id).epochs_completed >= 1, 120)
    with pytest.raises(RunError, match="only the person who started"):  # a classmate cannot stop it
        ana.request_stop(STUDENTS[1])
    assert not ana.done
    ana.request_stop(STUDENTS[0])
    assert ana.wait(5)
    left = store.load(ana.run_id, STUDENTS[0])
    assert left.status == "stopped" and left.reason.code == "share.left" and not left.follows
    assert left.epochs_completed >= 1 and store.model_path(ana.run_id) is not None
    assert not (store.path(ana.run_id) / "model.keras").is_symlink()  # a copy of its own
    assert training.snapshot().status == "running" and not training.stop_requested
    assert bo.snapshot().status == "running" and bo.snapshot().students == 1
    kept = len(store.history(ana.run_id))
    wait_for(lambda: len(store.history(bo.run_id)) > kept, 120)
    assert len(store.history(ana.run_id)) == kept  # what ana kept does not grow with the training

    bo.request_stop(STUDENTS[1])  # the last one to leave stops the training
    assert training.wait(60) and training.snapshot().status == "stopped"
    assert store.load(bo.run_id, STUDENTS[1]).reason.code == "share.left"
    with pytest.raises(RunError):  # leaving is the entry's own: the others' are untouched
        store.load(bo.run_id, STUDENTS[0])


# A server in a child process: two students on one shared training of 4 epochs, then it waits.
RESTART_SCRIPT = f"""
import json, sys, threading
from classifier.engine import LocalEngine
from classifier.teach.lessons import Lesson
from classifier.core.runs import RunStore
lesson = Lesson(preset="seed", changes={{"dataset": "shapes", "limit": 600, "epochs": 4, "batch_size": 16}},
                class_code="K7QM2X")
engine = LocalEngine(RunStore(sys.argv[1]), max_concurrent=1)
jobs = [engine.submit(lesson.config, owner=s, lesson=lesson.tag(n)) for s, n in zip({STUDENTS[:2]!r}, "AB")]
print(json.dumps([job.run_id for job in jobs]), flush=True)
threading.Event().wait()
"""


def test_a_shared_training_survives_a_server_restart(tmp_path):
    runs = tmp_path / "runs"
    server = subprocess.Popen(
        [sys.executable, "-c", RESTART_SCRIPT, str(runs)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    store = RunStore(runs)
    try:
        ana, bo = json.loads(server.stdout.readline())
        wait_for(lambda: store.load(ana).epochs_completed >= 1, 120, 0.1)
        os.kill(server.pid, signal.SIGKILL)  # the server dies mid-training
        server.wait(10)
    finally:
        server.kill()
    for entry, owner in ((ana, STUDENTS[0]), (bo, STUDENTS[1])):
        info = wait_for(lambda e=entry, o=owner: (i := store.load(e, o)).status == "interrupted" and i, 30)
        assert info.follows and "resumed" in str(info.reason)

    engine = LocalEngine(store, max_concurrent=1, keep_spare=False)  # the next server
    try:
        resumed = engine.resume(bo, STUDENTS[1])
        other = engine.job(ana)
        assert isinstance(resumed, FollowerJob) and isinstance(other, FollowerJob)  # both follow it again
        assert resumed.wait(180) and other.wait(30)
        for entry, owner in ((ana, STUDENTS[0]), (bo, STUDENTS[1])):
            info = store.load(entry, owner)
            assert info.status == "finished" and info.epochs_completed == 4
        assert len(trainings(store)) == 1
    finally:
        engine.close()


# --- point 3: rehearse a lesson -------------------------------------------------------------------------


def test_rehearse_counts_the_trainings_and_the_last_wait_from_the_command_line(capsys):
    from classifier import cli

    args = ["rehearse", "--lesson", "learning_rate", "--students", "30", "--run-seconds", "100", "--concurrent", "2"]
    assert cli.main(args) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (result["trainings_most"], result["trainings_expected"], result["combinations"]) == (4, 4.0, 4)
    assert (result["last_start_s"], result["last_end_s"]) == (100.0, 200.0)  # 4 trainings, 2 at a time
    assert (result["unshared_last_start_s"], result["unshared_last_end_s"]) == (1400.0, 1500.0)

    free = ["rehearse", "--lesson", "filters_or_layers", "--choices", "conv_filters=2,convs_per_block=3",
            "--students", "4", "--run-seconds", "60", "--concurrent", "1"]  # fmt: skip
    assert cli.main(free) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["combinations"] == 6 and result["trainings_most"] == 4
    assert result["trainings_expected"] == round(6 * (1 - (5 / 6) ** 4), 1)

    assert cli.main(["rehearse", "--lesson", "seed", "--run-seconds", "60"]) == 0  # nothing free
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["trainings_most"] == 1
    assert "every setting of this lesson is locked" in captured.err

    locked = ["rehearse", "--lesson", "filters_or_layers", "--choices", "epochs=3", "--run-seconds", "60"]
    assert cli.main(locked) == 2  # a locked field cannot vary: said, not a traceback
    assert "cannot change epochs" in capsys.readouterr().err
