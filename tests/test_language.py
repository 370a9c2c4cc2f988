"""A Chinese page never shows an English sentence from the package: the package sends codes, the
app's one table renders them. Driven through the failures a class meets: a bad zip, an empty
zip, a run that diverges, a run cancelled in the queue, and a data set while it loads."""

from __future__ import annotations

import re

from app_support import app_at, button, shown_text, zh
from hostile_corpus import make_zip
from polling import wait_for

from classifier.core.config import Config
from classifier.core.messages import Message
from classifier.engine import Progress
from ui import state

# Four or more English words in a row: a sentence that escaped translation. (Names such as
# "CIFAR-10", "Conv2D" or a file name are single tokens and pass.)
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,;:']+[A-Za-z]{2,}){3,}")


def english_sentences(at) -> list[str]:
    texts = [
        element.value for kind in ("error", "warning", "info", "success", "caption") for element in getattr(at, kind)
    ]
    texts += [element.proto.text for element in at.get("progress")]
    return [match for text in texts for match in ENGLISH_SENTENCE.findall(str(text))]


def test_bad_and_empty_zips_are_explained_in_chinese():
    at = app_at("pages/train.py", lang="zh")
    at.radio(key="hp_dataset").set_value("upload").run()
    for name, content in [
        ("坏.zip", b"this is not a zip at all"),
        ("空.zip", b""),
        ("一类.zip", make_zip({"dog/a.txt": b"x"})),
    ]:
        at.file_uploader(key="dataset_zip").set_value((name, content, "application/zip")).run()
        assert at.error, name
        assert name in shown_text(at.error[0].value)  # named as the student knows the file, not by its stored name
        assert english_sentences(at) == [], (name, english_sentences(at))


def test_a_diverging_run_fails_in_chinese():
    at = app_at("pages/train.py", lang="zh")
    at.radio(key="hp_dataset").set_value("shapes").run()
    at.number_input(key="hp_limit").set_value(120).run()
    at.selectbox(key="hp_optimizer").set_value("sgd").run()
    at.select_slider(key="hp_learning_rate").set_value(10.0).run()
    at.number_input(key="hp_momentum").set_value(0.99).run()
    at.selectbox(key="hp_activation").set_value("elu").run()
    at.number_input(key="hp_epochs").set_value(3).run()
    button(at, "start").click().run()
    job = state.engine().job(at.session_state["job_id"])
    assert job.wait(120)
    at.run()
    assert job.snapshot().reason.code == "engine.diverged"
    assert any("NaN" in e.value and "学习率" in e.value for e in at.error), [e.value for e in at.error]
    assert english_sentences(at) == [], english_sentences(at)


def test_a_run_cancelled_in_the_queue_says_so_in_chinese():
    engine = state.engine()
    blockers = [engine.submit(Config(dataset="shapes", epochs=50), owner="someone-else")
                for _ in range(engine.max_concurrent)]  # fmt: skip
    try:
        at = app_at("pages/train.py", lang="zh")
        at.radio(key="hp_dataset").set_value("shapes").run()
        button(at, "start").click().run()
        assert any(i.value == zh("train.queued").format(position=1) for i in at.info)
        button(at, "cancel").click().run()
        run_id = at.session_state["job_id"]
        at.switch_page("pages/runs.py").run()
        at.multiselect(key="runs_chosen").set_value([run_id]).run()
        assert zh("msg.engine.cancelled_in_queue") in [c.value for c in at.caption]
        assert english_sentences(at) == [], english_sentences(at)
    finally:
        for blocker in blockers:
            blocker.request_stop(viewer=None)
        for blocker in blockers:
            blocker.wait(60)
    assert engine.progress(run_id).reason.code == "engine.cancelled_in_queue"


def test_a_data_set_loading_is_described_in_chinese(monkeypatch):
    """The live panel while a run's worker decodes its data: the phase and progress it reports."""
    at = app_at("pages/train.py", lang="zh")
    at.radio(key="hp_dataset").set_value("shapes").run()
    button(at, "start").click().run()
    job = state.engine().job(at.session_state["job_id"])
    loading = Message("data.progress_decoding_train", {"done": 2000, "total": 50000})
    frozen = Progress(job.run_id, status="running", epochs=10, loading=0.04, phase=loading, started=1.0)
    monkeypatch.setattr(type(job), "snapshot", lambda self: frozen)  # hold the record at that moment
    at.run()
    (bar,) = at.get("progress")
    assert "正在解码训练图像：2,000/50,000" in bar.proto.text
    assert english_sentences(at) == [], english_sentences(at)
    monkeypatch.undo()
    job.request_stop(viewer=None)
    assert job.wait(120)
    wait_for(lambda: state.engine().job(job.run_id) is None)
