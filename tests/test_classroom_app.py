"""A class on one server, on the pages (AppTest): a shared training shown as such with its number of
students, each waiting run's place and expected start and end on Train and Class, and the lesson
rehearsal on the Class page, in English and Chinese."""

from __future__ import annotations

from app_support import app_at, button, en, zh
from polling import wait_for

from classifier.core.config import Config
from classifier.engine import plan
from classifier.teach import lessons
from classifier.training import estimate
from ui.i18n import TEXT

TEACHER = "teacher-token-0123456789"
LESSON = lessons.Lesson.from_config(Config(dataset="shapes", limit=120, epochs=2, batch_size=16), class_code="SHARE2")


def in_chinese(seconds: float) -> str:
    """A duration as ui.i18n.format_duration writes it on a Chinese page (minutes or hours here)."""
    seconds = int(round(seconds))
    if seconds < 3600:
        return zh("duration.minutes").format(m=seconds // 60, s=seconds % 60)
    return zh("duration.hours").format(h=seconds // 3600, m=seconds % 3600 // 60)


def prefix(text: str) -> str:
    return text.split("{")[0]


def test_students_on_one_shared_training_see_it_shared_with_their_place_and_expected_times():
    from ui import state

    engine = state.engine()
    wait_for(lambda: engine.training() == 0, timeout=300, interval=0.5)  # other tests' runs have ended
    estimate.remember(
        estimate.cache_key(LESSON.config, 6), {"train_image": 0.01, "validate_image": 0.005}, replace=True
    )
    blocker = engine.submit(Config(dataset="shapes", limit=600, epochs=200, batch_size=16), owner="someone-else-0123")
    saved = engine.max_concurrent
    engine.max_concurrent = 1  # the lesson's training waits behind the blocker
    try:
        wait_for(lambda: blocker.snapshot().eta is not None, timeout=300)
        students = []
        for index, lang in enumerate(("en", "zh")):
            student = app_at("pages/train.py", lang=lang, owner=f"student-{index}-token-0123456789",
                             query={"lesson": LESSON.token()})  # fmt: skip
            button(student, "start").click().run()
            assert not student.exception
            students.append(student)
        ana, bo = students
        ids = [s.session_state["job_id"] for s in students]
        assert ids[0] != ids[1]  # an entry each...
        assert engine.job(ids[0]).info.shared == engine.job(ids[1]).info.shared  # ...on one training
        engine.replan()
        ana.run()
        bo.run()
        captions = [c.value for c in ana.caption]
        assert en("share.note").format(students=2) in captions
        assert any(i.value == en("train.queued").format(position=1) for i in ana.info)
        assert any(c.startswith(prefix(en("queue.expected"))) for c in captions)
        zh_captions = [c.value for c in bo.caption]
        assert zh("share.note").format(students=2) in zh_captions
        assert any(c.startswith(prefix(zh("queue.expected"))) for c in zh_captions)

        teacher = app_at("pages/class_.py", owner=TEACHER, query={"class": "SHARE2"})
        assert not teacher.exception
        table = teacher.dataframe[0].value
        assert list(table[en("class.col.shared")]) == [2, 2]
        assert all(cell.startswith("#1 · starts in") for cell in table[en("class.col.queue")])
        metrics = {m.label: m.value for m in teacher.metric}
        assert metrics[en("class.students")] == "2" and metrics[en("class.trainings")] == "1"

        # Ana leaves: Bo's training goes on; Bo leaves too: it leaves the queue.
        button(ana, "cancel").click().run()
        assert engine.store.load(ids[0]).reason.code == "share.left_queued"
        assert engine.job(ids[1]) is not None and not engine.job(ids[1]).done
        button(bo, "cancel").click().run()
        training = engine.store.load(engine.store.load(ids[1]).shared)
        assert training.status == "stopped" and training.reason.code == "engine.cancelled_in_queue"
    finally:
        engine.max_concurrent = saved
        blocker.request_stop(None)
        blocker.wait(120)


def test_a_teacher_rehearses_a_lesson_on_the_class_page_in_chinese(monkeypatch, tmp_path):
    # A cache of its own: the estimate cache keeps the first figure measured for a network, and an
    # earlier test may already have measured this lesson's.
    monkeypatch.setenv("CLASSIFIER_CACHE_DIR", str(tmp_path / "cache"))
    lesson = lessons.builtin("learning_rate").lesson
    sizes = plan.planned_images(lesson.config)
    estimate.remember(
        estimate.cache_key(lesson.config, sizes[2]), {"train_image": 0.002, "validate_image": 0.001}
    )  # as if measured on this server: one run = 5 epochs × 110 s + start-up
    at = app_at("pages/class_.py", lang="zh")
    at.selectbox(key="rehearse_lesson").set_value("learning_rate").run()
    at.number_input(key="rehearse_students").set_value(30).run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[zh("rehearse.trainings")] == "4"  # four learning rates: four trainings, not thirty
    from ui import state

    slots = state.engine().max_concurrent
    rounds = -(-4 // slots)
    from classifier.teach.rehearse import run_seconds

    one = run_seconds(lesson, {"train_image": 0.002, "validate_image": 0.001})
    assert metrics[zh("rehearse.last_wait")] == in_chinese((rounds - 1) * one)
    assert metrics[zh("rehearse.unshared")] == in_chinese((-(-30 // slots) - 1) * one)
    english = {entry["en"] for entry in TEXT.values() if entry["en"] != entry["zh"] and len(entry["en"]) > 3}
    shown = [m.label for m in at.metric] + [c.value for c in at.caption]
    assert not [text for text in shown if text in english], "English text on a Chinese page"

    # A lesson with nothing free: one training for the whole class, said in words.
    at.selectbox(key="rehearse_lesson").set_value("seed").run()
    assert any(i.value == zh("msg.rehearse.all_locked").format(students=30) for i in at.info)
    assert {m.label: m.value for m in at.metric}[zh("rehearse.trainings")] == "1"
