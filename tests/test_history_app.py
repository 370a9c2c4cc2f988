"""Learning over time and clickable results, through AppTest: the epoch slider and Play on Inside
the network and on Runs (also for an interrupted run), and the gallery a click on the confusion
matrix or the per-class bars fills. The click itself is a browser event: tests/test_history_browser.py
clicks a real cell; here the selection event's shape is read as Streamlit 1.67 sends it."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest
from app_support import app_at, button, en, zh

from classifier.core import inspect
from classifier.core.config import Config
from ui import charts

OWNER = "history-owner-0123456789"


@pytest.fixture(scope="module")
def run_id():
    from ui import state

    job = state.engine().submit(Config(dataset="shapes", limit=120, epochs=2, batch_size=16), owner=OWNER)
    assert job.wait(180) and job.snapshot().status == "finished", job.snapshot().reason
    return job.run_id


def slider(at, key: str):
    return next(s for s in at.select_slider if s.key == key)


def test_inside_replays_filters_and_maps_epoch_by_epoch_and_plays(run_id):
    at = app_at("pages/inside.py", owner=OWNER)
    at.selectbox(key="inside_model").set_value(run_id).run()
    key = f"inside_timeline_{run_id}"
    epochs = slider(at, f"{key}_epoch")
    assert list(epochs.options) == ["0 · random initialisation", "after epoch 1", "after epoch 2"]
    assert epochs.value == 2  # opens on the trained network
    images = len(at.image)
    epochs.set_value(0).run()
    assert not at.exception
    assert any(m.value.startswith("**0 · random initialisation**") for m in at.markdown)
    assert len(at.image) == images  # probe, filters and maps at every epoch

    # Play from the start: each tick of the fragment's timer moves one epoch (AppTest has no clock:
    # every run() stands for one tick), and at the end the button reads Play again.
    slider(at, f"{key}_epoch").set_value(2).run()
    button(at, f"{key}_play").click().run()
    assert button(at, f"{key}_play").label == en("timeline.pause")
    seen = [slider(at, f"{key}_epoch").value]
    for _ in range(3):
        at.run()
        seen.append(slider(at, f"{key}_epoch").value)
    assert seen[:3] == [0, 1, 2]
    assert button(at, f"{key}_play").label == en("timeline.play") and seen[-1] == 2
    change = next(c for c in at.get("plotly_chart") if c.proto.id and f"{key}_change" in c.proto.id)
    (line, marker) = json.loads(change.proto.spec)["data"]
    assert line["x"] == [0, 1, 2] and line["y"][0] == 0 and marker["x"] == [2]


def test_the_replay_speaks_chinese_and_the_built_in_model_says_why_it_has_none(run_id):
    at = app_at("pages/inside.py", lang="zh", owner=OWNER)
    at.selectbox(key="inside_model").set_value("builtin").run()
    assert any(i.value == zh("timeline.builtin") for i in at.info)
    at.selectbox(key="inside_model").set_value(run_id).run()
    key = f"inside_timeline_{run_id}"
    assert button(at, f"{key}_play").label == zh("timeline.play")
    assert list(slider(at, f"{key}_epoch").options)[0] == "0 · 随机初始化"


def test_runs_replays_an_interrupted_run(run_id):
    from ui import state

    store = state.engine().store
    gone = subprocess.Popen(["true"])
    gone.wait()
    info = store.load(run_id)
    interrupted = store.create(info.config, owner=OWNER)
    # The finished run's folder as a crashed server would leave it: "running", its process gone.
    for name in ("history.jsonl", "model.keras", "timeline"):
        subprocess.run(["cp", "-r", str(store.path(run_id) / name), str(store.path(interrupted.run_id))], check=True)
    interrupted.status, interrupted.pid, interrupted.epochs_completed = "running", gone.pid, 2
    interrupted.checkpoint_epoch, interrupted.classes = 2, info.classes
    store.save(interrupted)
    assert store.load(interrupted.run_id).status == "interrupted"

    at = app_at("pages/runs.py", owner=OWNER)
    at.selectbox(key="runs_focus").set_value(interrupted.run_id).run()
    assert not at.exception
    assert any(s.value == en("timeline.title") for s in at.subheader)
    epochs = slider(at, f"runs_timeline_{interrupted.run_id}_epoch")
    assert epochs.value == 2 and len(epochs.options) == 3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_chosen_cell_fills_the_gallery_with_its_images_most_confident_first(run_id, lang):
    from ui import state

    y_true, probabilities = state.engine().store.predictions(run_id)
    matrix = inspect.confusion_matrix(y_true, probabilities.argmax(axis=1), 6)
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    true, predicted = (int(i) for i in np.unravel_index(off.argmax(), off.shape))
    if off[true, predicted] == 0:  # a perfect run: use a diagonal cell instead
        predicted = true
    key = f"runs_{run_id}"
    at = app_at("pages/runs.py", lang=lang, owner=OWNER, session={f"{key}_focus": ("cell", true, predicted)})
    at.selectbox(key="runs_focus").set_value(run_id).run()
    names = {"en": en, "zh": zh}[lang]
    classes = [names(f"class.shapes.{name}") for name in state.engine().store.load(run_id).classes]
    kind = "results.cell_right" if true == predicted else "results.cell_wrong"
    title = names(
        kind, name=classes[true], true=classes[true], predicted=classes[predicted], count=int(matrix[true, predicted])
    )
    assert any(s.value == title for s in at.subheader), [s.value for s in at.subheader]
    captions = [caption for image in at.image for caption in image.captions if "→" in caption]
    assert len(captions) == min(24, matrix[true, predicted])
    assert all(c.startswith(f"{classes[true]} → {classes[predicted]}") for c in captions)
    expected = probabilities[inspect.cell_images(y_true, probabilities, true, predicted, 24), predicted]
    shown = [float(re.search(r"[(（](\d+)%[)）]$", c).group(1)) / 100 for c in captions]
    assert shown == pytest.approx(expected, abs=0.006)  # most confident first, to the caption's rounding
    button(at, f"{key}_unfocus").click().run()
    assert any(s.value == names("results.mistakes") for s in at.subheader)


def test_a_chosen_bar_shows_that_class_s_mistakes(run_id):
    from ui import state

    y_true, probabilities = state.engine().store.predictions(run_id)
    wrong = probabilities.argmax(axis=1) != y_true
    label = int(np.bincount(y_true[wrong], minlength=6).argmax()) if wrong.any() else 0
    key = f"runs_{run_id}"
    at = app_at("pages/runs.py", owner=OWNER, session={f"{key}_focus": ("class", label)})
    at.selectbox(key="runs_focus").set_value(run_id).run()
    name = state.engine().store.load(run_id).classes[label]
    count = int((wrong & (y_true == label)).sum())
    assert any(s.value == en("results.class_mistakes", name=name, count=int(count)) for s in at.subheader)
    captions = [caption for image in at.image for caption in image.captions if "→" in caption]
    assert len(captions) == min(24, count) and all(c.startswith(f"{name} → ") for c in captions)


def test_selection_events_as_streamlit_sends_them():
    # The confusion matrix's points carry (true, predicted, count, names) as customdata (strings,
    # as Plotly mixes them with the names); the bars' point index is the class.
    cell = {"selection": {"points": [{"x": 4, "y": 1, "point_index": 10, "customdata": ["1", "4", "7", "a", "b"]}]}}
    assert charts.clicked_cell(cell) == (1, 4)
    assert charts.clicked_cell({"selection": {"points": []}}) is None
    assert charts.clicked_bar({"selection": {"points": [{"x": 3, "y": 0.5, "point_index": 3}]}}) == 3
    assert charts.clicked_bar(None) is None
    figure = charts.confusion_heatmap(
        np.array([[5, 1], [2, 7]]), ("cat", "dog"), {"predicted": "p", "true": "t", "count": "n"}
    )
    points = figure.data[1]
    assert [list(map(str, c[:3])) for c in points.customdata] == [
        ["0", "0", "5"],
        ["0", "1", "1"],
        ["1", "0", "2"],
        ["1", "1", "7"],
    ]
    assert list(points.x) == [0, 1, 0, 1] and list(points.y) == [0, 0, 1, 1]  # each point at its cell's centre
