"""Safe to hand to a class: text that a URL, a classmate or a file controls is shown as text on
every page that shows it, every action on a run is checked on the server, and each student's
limits hold with a clear message. Pages through Streamlit's AppTest; what they send is rendered
as CommonMark (markdown-it, the same grammar as the browser's renderer) to see what a reader gets."""

from __future__ import annotations

import re

import pytest
from app_support import app_at, button, shown_text
from markdown_it import MarkdownIt
from polling import wait_for

from classifier.core.config import Config
from classifier.core.limits import Limits
from classifier.core.messages import ClassifierError
from classifier.core.runs import RunError, RunStore, class_viewer
from classifier.engine import LocalEngine
from classifier.teach import lessons
from ui import state
from ui.i18n import TEXT
from ui.text import for_chart, plain, shown

EVIL_HOST = "evil.example"
HOSTILE = {
    "link": f"[click here](http://{EVIL_HOST}/x)",
    "image": f"![x](http://{EVIL_HOST}/pixel.png)",
    "data link": "[open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "html": f"<img src=http://{EVIL_HOST}/i.png onerror=alert(1)><b>bold</b>",
    "javascript": "[run](javascript:alert(1))",
    "long": "A" * 10_000,
    "right to left": "photo\u202egnp.exe",
    "zero width": "zero\u200bwidth\ufeff",
    "autolink": f"<http://{EVIL_HOST}/auto> www.{EVIL_HOST} :red[colour] $x^2$ :material/home:",
}
MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")
TINY = Config(dataset="shapes", limit=120, epochs=1, batch_size=16)


def live_markup(markdown: str) -> list[str]:
    """Links, images and raw HTML that `markdown` would put on a page (empty when it is plain text)."""
    html = MARKDOWN.render(markdown)
    return re.findall(r"<(?:a|img)\b[^>]*>", html) + [m for m in re.findall(r"<[a-z]+\b[^>]*>", html) if "evil" in m]


def page_texts(at) -> list[str]:
    """Every Markdown source the page sent: elements, and the labels of widgets and containers."""
    texts = []
    for kind in ("markdown", "caption", "error", "info", "warning", "success", "subheader", "title", "header"):
        texts += [element.value for element in getattr(at, kind)]
    for kind in ("button", "text_input", "selectbox", "multiselect", "radio", "toggle", "metric", "expander", "tabs"):
        texts += [element.label for element in getattr(at, kind) if getattr(element, "label", None)]
    return texts


def assert_shown_as_text(at, *hostile: str) -> None:
    """No element or label carries live markup; no invisible control character reaches the page;
    nothing echoed floods it; and each hostile value is on the page as the reader would read it."""
    texts = page_texts(at)
    assert not at.exception, [e.value for e in at.exception]
    for text in texts:
        assert live_markup(text) == [], text
        assert not re.search("[\u200b\u202e\ufeff]", text), text
        assert len(text) < 2_000, text[:200]
    readable = " ".join(shown_text(text) for text in texts)
    for value in hostile:
        assert shown(value)[:60] in readable, (shown(value)[:60], readable[:2000])


# --- the one helper ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_plain_shows_any_value_exactly_as_text(kind):
    value = HOSTILE[kind]
    escaped = plain(value)
    assert live_markup(escaped) == []
    assert shown_text(escaped) == shown(value)  # what the reader sees is the value, trimmed
    assert len(shown(value)) <= 200 and "\u202e" not in shown(value) and "\u200b" not in shown(value)
    assert plain(escaped) is escaped  # already safe: never escaped twice
    assert "<img" not in for_chart(value) and "<b>" not in for_chart(value)  # Plotly's HTML subset


# --- URL parameters --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_url_parameters_are_echoed_as_text(lang):
    for kind in ("link", "image", "html", "data link"):
        at = app_at("pages/train.py", lang=lang, query={"run": HOSTILE[kind]})
        assert at.error, kind  # "no such run", naming what was asked for, as text
        assert_shown_as_text(at)
        at = app_at("pages/class_.py", lang=lang, query={"class": HOSTILE[kind]})
        assert_shown_as_text(at)
        at = app_at("pages/train.py", lang=lang, query={"lesson": "1" + HOSTILE[kind] + HOSTILE["long"]})
        assert at.error, kind  # a damaged lesson link
        assert_shown_as_text(at)
        at = app_at("pages/inside.py", lang=lang, query={"run": HOSTILE[kind], "class": HOSTILE[kind]})
        assert_shown_as_text(at)
        at = app_at("pages/phone.py", lang=lang, query={"m": HOSTILE[kind]})
        assert at.error, kind  # a phone link that names no run
        assert_shown_as_text(at)
    at = app_at("pages/home.py", query={"lang": HOSTILE["link"], "run": HOSTILE["image"], "lesson": HOSTILE["html"]})
    assert_shown_as_text(at)  # an unknown language is the default one, other parameters are not read


# --- a teacher's lesson and the names students give -------------------------------------------------


def test_a_lesson_title_and_task_are_text_on_train_class_runs_and_inside():
    lesson = lessons.Lesson(
        title=HOSTILE["image"][:40] + HOSTILE["html"][:40],
        task=HOSTILE["link"] + "\n" + HOSTILE["data link"] + "\n" + HOSTILE["javascript"] + HOSTILE["autolink"],
        free=("learning_rate",),
        class_code="K7QM2X",
    )
    at = app_at("pages/train.py", query={"lesson": lesson.token()})
    assert not at.error
    assert_shown_as_text(at, lesson.title, HOSTILE["link"], HOSTILE["javascript"])

    owner = "ana-" + "a" * 20
    store = RunStore()
    info = store.create(TINY, owner=owner, lesson=lesson.tag("Ana Lee"))
    at = app_at("pages/class_.py", query={"class": "K7QM2X"})
    assert_shown_as_text(at, lesson.title)
    at = app_at("pages/runs.py", owner=owner)
    at.multiselect(key="runs_chosen").set_value([info.run_id]).run()
    assert_shown_as_text(at, lesson.title)
    at = app_at("pages/inside.py", query={"run": info.run_id, "class": lesson.group})
    assert_shown_as_text(at)


def test_a_zip_whose_folders_and_name_carry_markup_is_shown_as_text(tmp_path, monkeypatch):
    """Class names come from the zip's folders: the Train preview, a run's results (confusion
    matrix and per-class chart in Plotly) and its row on Runs show them as text."""
    from hostile_corpus import make_zip, small_png

    monkeypatch.setenv("CLASSIFIER_UPLOADS_DIR", str(tmp_path / "uploads"))
    folders = ["[click](javascript:alert(1))", "<img src=x onerror=alert(1)>", "![p](evil.png)"]
    splits = ("train", "test")
    files = {f"{split}/{name}/{i}.png": small_png(i) for name in folders for split in splits for i in range(4)}
    zip_name = "[my data](http://evil.example).zip"
    owner = "bo-" + "b" * 20
    at = app_at("pages/train.py", owner=owner)
    at.radio(key="hp_dataset").set_value("upload").run()
    at.file_uploader(key="dataset_zip").set_value((zip_name, make_zip(files), "application/zip")).run()
    assert not at.error, [e.value for e in at.error]
    assert_shown_as_text(at, zip_name, *folders)

    at.number_input(key="hp_epochs").set_value(1).run()
    button(at, "start").click().run()
    run_id = at.session_state[state.JOB_ID]
    job = state.engine().job(run_id)
    assert job is None or job.wait(180)
    info = state.engine().store.load(run_id)
    assert info.status == "finished", info.reason
    at = app_at("pages/runs.py", owner=owner)
    at.multiselect(key="runs_chosen").set_value([run_id]).run()
    assert_shown_as_text(at, zip_name)
    figures = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in figures and "<img" not in figures  # ticks and hovers
    assert at.download_button  # the owner may download the private run's model

    # Every page that names the run's classes (each opens on the student's latest run): Predict's
    # verdict and bars, Inside's true class, guess and Grad-CAM, Learn's labels and tables.
    from conftest import PHOTOS

    at = app_at("pages/predict.py", owner=owner)
    photo = ("photo.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg")
    at.file_uploader(key="predict_files").set_value([photo]).run()
    assert_shown_as_text(at)
    verdict = " ".join(shown_text(m.value) for m in at.markdown)
    assert any(shown(name) in verdict for name in folders), verdict[:500]  # the guess, named as the folder is
    pages = {"predict": at, **{page: app_at(f"pages/{page}.py", owner=owner) for page in ("inside", "learn")}}
    pages["learn"].segmented_control(key="learn_section").set_value("loss").run()  # the cross-entropy's classes
    for name, page in pages.items():
        assert_shown_as_text(page)
        figures = " ".join(chart.proto.spec for chart in page.get("plotly_chart"))
        assert "&lt;img src=x onerror=alert(1)&gt;" in figures and "<img" not in figures, name  # probability bars
    for name in ("inside", "learn"):  # the test image's true class, named as its folder is
        texts = " ".join(shown_text(text) for text in page_texts(pages[name]))
        assert any(shown(folder) in texts for folder in folders), (name, texts[:500])

    # A classmate: the private run is "no such run", with nothing to download, stop or delete.
    classmate = "cy-" + "c" * 20
    at = app_at("pages/train.py", owner=classmate, query={"run": run_id})
    assert at.error and not at.download_button
    assert not [b for b in at.button if b.key and b.key.startswith(("stop", "cancel", "resume_", "delete_"))]
    at = app_at("pages/runs.py", owner=classmate)
    assert not [option for select in at.multiselect for option in select.options if "my data" in option]


def test_file_names_and_an_uploaded_models_layer_names_are_text_on_predict_inside_and_learn(tmp_path):
    """Predict names each photo by its file name; an uploaded .keras file is named by its file name,
    and Inside and Learn name its layers as the file does."""
    import keras
    from conftest import PHOTOS

    photo_name = "[dog](http://evil.example/d).jpg"
    bad_name = "<img src=x onerror=alert(1)>.png"
    at = app_at("pages/predict.py")
    photos = [(photo_name, (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg"), (bad_name, b"not a picture", "image/png")]
    at.file_uploader(key="predict_files").set_value(photos).run()
    assert len(at.error) == 1
    assert_shown_as_text(at, photo_name, bad_name)

    inputs = keras.Input((32, 32, 3))
    hidden = keras.layers.Conv2D(4, 3, activation="relu", name="conv_[x](javascript:alert(1))")(inputs)
    hidden = keras.layers.MaxPooling2D(name="pool_<b>bold<b>")(hidden)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(hidden))
    path = tmp_path / "net.keras"
    keras.Model(inputs, outputs).save(path)
    model_name = "![m](http://evil.example/m.png).keras"
    for page, key in (("pages/predict.py", "predict_model"), ("pages/inside.py", "inside_model")):
        at = app_at(page, session={key: "upload"})
        at.file_uploader(key=f"{key}_file").set_value((model_name, path.read_bytes(), "application/octet-stream")).run()
        assert_shown_as_text(at, model_name)
    assert "conv_[x](javascript:alert(1))" in " ".join(shown_text(tab.label) for tab in at.tabs)  # its feature maps
    at = app_at("pages/learn.py", session={"learn_model": "upload"})
    at.file_uploader(key="learn_model_file").set_value((model_name, path.read_bytes(), "application/octet-stream"))
    at.run()
    assert_shown_as_text(at, model_name)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_challenges_names_an_uploaded_picture_as_text_in_the_readers_language(lang):
    at = app_at("pages/challenges.py", lang=lang)
    at.segmented_control(key="ch_explain_source").set_value("upload").run()
    name = "[x](http://evil.example/x) <b>.png"
    at.file_uploader(key="ch_explain_upload").set_value((name, b"not a picture", "image/png")).run()
    (error,) = at.error
    assert TEXT["msg.image.unknown"][lang] in shown_text(error.value)  # the reason, in the reader's language
    assert_shown_as_text(at, name)


# --- actions on a run: only its owner -------------------------------------------------------------


def test_a_classmate_never_sees_stop_and_the_engine_refuses_a_foreign_stop():
    owner, classmate = "cy-" + "c" * 20, "dee-" + "d" * 20
    at = app_at("pages/train.py", owner=owner)
    at.radio(key="hp_dataset").set_value("shapes").run()
    at.number_input(key="hp_epochs").set_value(200).run()
    button(at, "start").click().run()
    run_id = at.session_state[state.JOB_ID]
    engine = state.engine()
    job = engine.job(run_id)
    try:
        engine.store.set_public(run_id, True, owner, shared_as="Cy")  # shared: the classmate may watch
        wait_for(lambda: job.snapshot().status == "running")
        watcher = app_at("pages/train.py", owner=classmate, query={"run": run_id})
        assert not [b for b in watcher.button if b.key in ("stop", "cancel")]  # watched, never stopped
        with pytest.raises(RunError) as refused:  # the same stop sent by hand, with the classmate's identity
            job.request_stop(classmate)
        assert refused.value.message.code == "run.not_owner_stop" and not job.stop_requested
        at.run()
        assert [b for b in at.button if b.key == "stop"]  # the owner has the control
        button(at, "stop").click().run()
        assert job.wait(120) and job.snapshot().status == "stopped"
        watcher.run()  # the stopped run's results: no share, resume or delete for the classmate
        assert not [b for b in watcher.button if b.key.startswith(("train_share", "resume_", "delete_"))]
        assert not watcher.error
    finally:
        if not job.done:
            job.request_stop(None)
            job.wait(120)
        engine.store.delete(run_id)  # shared runs are seen by every later session: leave none behind


def test_resume_delete_share_and_rename_are_refused_to_anyone_but_the_owner(tmp_path):
    """Each action on a classmate's shared (so visible) run, sent straight to the server's store or
    engine as a replayed message would: refused with its own code, and the run is untouched.
    Renaming is sharing under another display name (the only name others see)."""
    store = RunStore(tmp_path)
    engine = LocalEngine(store, keep_spare=False)
    info = store.create(TINY.replace(epochs=3), owner="ana")
    info.status, info.epochs_completed = "stopped", 1
    store.save(info)
    store.set_public(info.run_id, True, "ana", shared_as="Ana")
    actions = [
        ("run.not_owner_delete", lambda: store.delete(info.run_id, "bo")),
        ("run.not_owner_share", lambda: store.set_public(info.run_id, False, "bo")),  # unshare
        ("run.not_owner_share", lambda: store.set_public(info.run_id, True, "bo", shared_as="Bo")),  # rename
        ("run.not_owner_resume", lambda: engine.resume(info.run_id, "bo")),
        ("run.not_owner_resume", lambda: engine.resume(info.run_id, class_viewer("any-class"))),  # a teacher
    ]
    for code, action in actions:
        with pytest.raises(RunError) as refused:
            action()
        assert refused.value.message.code == code
    kept = store.load(info.run_id, "bo")
    assert (kept.public, kept.shared_as, kept.status) == (True, "Ana", "stopped")  # nothing changed


# --- limits per student ---------------------------------------------------------------------------


def test_each_student_may_queue_only_so_many_runs_and_keep_only_so_many(tmp_path):
    engine = LocalEngine(
        RunStore(tmp_path), max_concurrent=1, keep_spare=False, limits=Limits(active_runs=2, kept_runs=3)
    )
    server_run = engine.submit(TINY.replace(epochs=200))  # the person running the server is not limited
    try:
        first = engine.submit(TINY, owner="eve")  # eve's runs wait in the queue behind it
        second = engine.submit(TINY, owner="eve")
        with pytest.raises(ClassifierError) as refused:
            engine.submit(TINY, owner="eve")
        assert refused.value.message.code == "limits.active_runs" and refused.value.message.params["limit"] == 2
        assert len(engine.store.list("eve")) == 2  # nothing was created for the refused run
        other = engine.submit(TINY, owner="fay")  # another student is not held back by eve's runs
        with pytest.raises(RunError) as refused:  # fay cannot cancel eve's queued run
            first.request_stop("fay")
        assert refused.value.message.code == "run.not_owner_stop" and not first.stop_requested
        for job, owner in ((first, "eve"), (second, "eve"), (other, "fay")):
            job.request_stop(owner)  # cancelled in the queue: they stay on disk, as stopped runs
            assert job.wait(60)
        engine.submit(TINY, owner="eve").request_stop("eve")  # two kept, room for a third
        with pytest.raises(ClassifierError) as refused:
            engine.submit(TINY, owner="eve")
        assert refused.value.message.code == "limits.kept_runs" and refused.value.message.params["count"] == 3
    finally:
        server_run.request_stop(None)
        assert server_run.wait(300)


def test_limits_are_read_from_the_environment_and_a_bad_value_is_named():
    assert Limits.from_env({"CLASSIFIER_MAX_ACTIVE_RUNS": "5"}) == Limits(active_runs=5)
    for bad in ("two", "0"):
        with pytest.raises(ClassifierError) as refused:
            Limits.from_env({"CLASSIFIER_MAX_KEPT_RUNS": bad})
        assert refused.value.message.params == {"variable": "CLASSIFIER_MAX_KEPT_RUNS", "value": bad}


def test_the_train_page_explains_a_limit_in_chinese_and_keeps_the_form(monkeypatch):
    owner = "gus-" + "g" * 20
    engine = state.engine()
    monkeypatch.setattr(engine, "limits", Limits(active_runs=1))
    blocker = engine.submit(TINY.replace(epochs=200), owner=owner)
    try:
        at = app_at("pages/train.py", lang="zh", owner=owner)
        at.radio(key="hp_dataset").set_value("shapes").run()
        at.number_input(key="hp_epochs").set_value(3).run()
        button(at, "start").click().run()
        expected = TEXT["msg.limits.active_runs"]["zh"].format(count=1, limit=1)
        assert any(expected in shown_text(e.value) for e in at.error), [e.value for e in at.error]
        assert at.number_input(key="hp_epochs").value == 3  # the student's settings are still there
        assert [info.run_id for info in engine.store.list(owner) if info.owner == owner] == [blocker.run_id]
    finally:
        blocker.request_stop(None)
        blocker.wait(120)
