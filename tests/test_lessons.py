"""Lessons as links (classifier/teach/lessons.py): the round trip, links damaged or forged on the way,
the six built-in lessons, the `lessons` command, and who may see a lesson's runs."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
import urllib.parse
import zlib

import pytest

from classifier.core import config as cfg
from classifier.core.runs import RunError, RunStore, class_viewer
from classifier.teach import lessons
from classifier.teach.lessons import Lesson, LessonError, open_link


def forge(payload: dict, version: str = lessons.VERSION) -> str:
    """A link as anyone could build it from the documented format, checksum and all: what the
    checks must stand on is the content, not the checksum."""
    packer = zlib.compressobj(9, zdict=lessons.ZDICTS[lessons.VERSION])
    compressed = packer.compress(json.dumps(payload).encode()) + packer.flush()
    check = hashlib.blake2s(compressed, digest_size=4).digest()
    return version + base64.urlsafe_b64encode(check + compressed).decode().rstrip("=")


def code_of(text: str) -> LessonError:
    with pytest.raises(LessonError) as caught:
        open_link(text)
    return caught.value.message


# --- the round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", lessons.BUILTIN, ids=lambda e: e.id)
def test_every_builtin_lesson_survives_its_link(entry):
    token = entry.lesson.token()
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)  # URL-safe: nothing a chat app or a browser rewrites
    assert urllib.parse.quote(token) == token
    assert len(token) <= 160, len(token)  # short enough to read out, let alone paste
    back = open_link(f"https://school.example/train?{entry.lesson.query('zh')}")
    assert back == entry.lesson
    assert back.config == entry.lesson.config and back.locked == entry.lesson.locked
    assert entry.title["en"] and entry.title["zh"] and entry.task["en"] and entry.task["zh"]


def test_a_teachers_lesson_round_trips_with_its_task_in_any_language():
    config = cfg.SEED.replace(dataset="shapes", epochs=3, learning_rate=0.01, train_fraction=0.5)
    lesson = Lesson.from_config(
        config,
        free=("epochs", "augmentation"),
        choices={"train_fraction": (0.2, 0.5, 1.0)},
        hide_locked=True,
        title="第三课",
        task="比较两种学习率：哪一个更快收敛？ Compare two rates.",
        class_code="K7QM2X",
    )
    back = open_link(lesson.token())
    assert back == lesson and back.config == config
    # Written as the nearest preset (quick: the seed network on shapes) plus what differs.
    assert back.preset == "quick" and set(back.changes) == {"epochs", "learning_rate", "train_fraction"}
    assert "learning_rate" in back.locked and "epochs" not in back.locked and "train_fraction" not in back.locked
    assert back.group == "K7QM2X"
    # The same lesson for another class: one key, two groups.
    other = back.with_class("p4x9")
    assert other.key == back.key and other.group == "P4X9"


def test_the_six_builtin_lessons_are_the_documents_experiments():
    by_id = {entry.id: entry.lesson for entry in lessons.BUILTIN}
    assert list(by_id) == list(lessons.BUILTIN_IDS)
    assert by_id["seed"].config == cfg.SEED and not by_id["seed"].free and not by_id["seed"].choices
    assert by_id["learning_rate"].config.learning_rate == 0.1 and 1.0 in by_id["learning_rate"].choices["learning_rate"]
    assert by_id["no_pooling"].config.pool_after == (False, False, False)
    assert {"conv_filters", "convs_per_block"} <= set(by_id["filters_or_layers"].free)
    assert by_id["small_data"].choices == {"train_fraction": (0.05, 0.2, 1.0)}
    assert by_id["small_data"].config.train_fraction == 0.05
    assert by_id["augmentation"].free == ("augmentation",)
    assert all(lesson.config.dataset == "cifar10" for lesson in by_id.values())


def test_a_lesson_puts_locked_values_back_and_keeps_choices_to_the_list():
    lesson = lessons.builtin("small_data").lesson
    sent = lesson.config.replace(learning_rate=0.5, train_fraction=0.2, epochs=3)  # two locked fields changed
    assert lesson.enforce(sent) == lesson.config.replace(train_fraction=0.2)
    assert lesson.enforce(lesson.config.replace(train_fraction=0.3)).train_fraction == 0.05  # not offered
    free = lessons.builtin("augmentation").lesson
    assert free.enforce(free.config.replace(augmentation=("flip",))).augmentation == ("flip",)


# --- damaged, stale and forged links -------------------------------------------------------------------


def test_damaged_links_are_refused_with_a_code():
    token = lessons.builtin("no_pooling").lesson.with_class("K7QM2X").token()
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    assert code_of(flipped).code == "lesson.tampered"
    assert code_of(token[:-6]).code == "lesson.tampered"  # cut short by a chat app
    assert code_of("").code == "lesson.empty"
    assert code_of("https://x.example/train?lang=zh&lesson=").code == "lesson.empty"
    assert code_of("2" + token[1:]).code == "lesson.version"
    assert code_of("1***not base64***").code in ("lesson.damaged", "lesson.tampered")
    assert code_of("1" + "A" * 5000).code == "lesson.too_long"


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"p": "seed", "o": {"learning_rate": 50.0}}, "lesson.bad_value", "learning_rate"),  # outside LIMITS
        ({"p": "seed", "o": {"epochs": 0}}, "lesson.bad_value", "epochs"),
        ({"p": "seed", "o": {"optimizer": "magic"}}, "lesson.bad_value", "optimizer"),
        (
            {"p": "seed", "o": {"kernel_size": 7, "conv_filters": [8] * 6, "pool_after": [True] * 6}},
            "lesson.bad_value",
            "conv_filters",
        ),  # fmt: skip
        (
            {"p": "seed", "c": {"train_fraction": [0.05, 2.0]}, "o": {"train_fraction": 0.05}},
            "lesson.bad_value",
            "train_fraction",
        ),  # fmt: skip
        ({"p": "seed", "o": {"dropout_rate": 0.5}}, "lesson.stale_field", "dropout_rate"),  # a field gone
        ({"p": "seed", "f": ["mixup"]}, "lesson.stale_field", "mixup"),
        ({"p": "seed", "c": {"learning_rate": [0.01, 0.1]}}, "lesson.choice_default", "learning_rate"),
        ({"p": "seed", "c": {"learning_rate": [0.001]}}, "lesson.choice_count", "learning_rate"),
        ({"p": "seed", "f": ["epochs"], "c": {"epochs": [10, 20]}}, "lesson.free_and_choice", "epochs"),
        ({"p": "turbo"}, "lesson.preset", None),
        ({"p": "seed", "o": {"dataset": "/etc"}}, "lesson.dataset", None),  # never a server path
        ({"p": "seed", "k": "no way!"}, "lesson.class_code", None),
        ({"p": "seed", "t": "x" * (lessons.MAX_TASK + 1)}, "lesson.task_too_long", None),
        ({"p": "seed", "i": "secret"}, "lesson.unknown_builtin", None),
        ({"p": "seed", "evil": 1}, "lesson.damaged", None),
        ({"p": "seed", "f": "epochs"}, "lesson.damaged", None),
        ({"p": "seed", "o": {"augmentation": [["flip"]]}}, "lesson.damaged", None),
        (["not", "an", "object"], "lesson.damaged", None),
    ],
)
def test_forged_and_stale_links_are_refused_by_what_they_ask(payload, code, field):
    message = code_of(forge(payload))
    assert message.code == code, message
    if field:
        assert message.params["field"] == field
    if code == "lesson.bad_value":
        assert message.params["reason"].code.startswith("config.")  # the Config's own reason, nested


def test_a_link_that_inflates_past_the_limit_is_refused():
    payload = {"p": "seed", "t": "a" * 100_000}  # compresses to a few hundred bytes
    token = forge(payload)
    assert len(token) < lessons.MAX_TOKEN
    assert code_of(token).code == "lesson.damaged"


def test_every_lesson_message_renders_in_english_and_chinese():
    from classifier.core.messages import ENGLISH
    from ui.i18n import TEXT

    codes = [code for code in ENGLISH if code.startswith("lesson.")]
    assert len(codes) >= 15
    for code in codes:
        assert set(TEXT[f"msg.{code}"]) == {"en", "zh"}


# --- the command line --------------------------------------------------------------------------------


def lessons_cli(*args):
    return subprocess.run([sys.executable, "-m", "classifier", "lessons", *args], capture_output=True, text=True)


def test_lessons_command_lists_the_builtin_lessons_as_json_lines():
    result = lessons_cli()
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == list(lessons.BUILTIN_IDS)
    for line in lines:
        assert set(line["title"]) == {"en", "zh"} and all(line["title"].values())
        assert set(line["locked"]) <= set(lessons.FIELDS) and "dataset" in line["locked"]
        assert line["query"].startswith("lesson=") and "&lang" not in line["query"]
        lesson = open_link(line["query"])  # the query string, as appended to /train?
        assert lesson == lessons.builtin(line["id"]).lesson and list(lesson.locked) == line["locked"]
    assert set(lines[4]["locked"]) == set(lessons.FIELDS) - {"train_fraction"}


def test_lessons_command_with_a_class_code_and_a_language():
    result = lessons_cli("--class-code", "k7qm-2x", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    for line in map(json.loads, result.stdout.splitlines()):
        query = urllib.parse.parse_qs(line["query"])
        assert query["lang"] == ["zh"]
        assert open_link(query["lesson"][0]).class_code == "K7QM2X"
    bad = lessons_cli("--class-code", "no way!")
    assert bad.returncode == 2 and "is not a class code" in bad.stderr and "Traceback" not in bad.stderr


# --- who sees a lesson's runs ------------------------------------------------------------------------


def test_a_class_sees_its_lessons_runs_and_nothing_else(tmp_path):
    store = RunStore(tmp_path)
    lesson = lessons.builtin("seed").lesson.with_class("K7QM2X")
    other = lesson.with_class("P4X9")
    ana = store.create(cfg.SEED, owner="ana-token-0123456789", lesson=lesson.tag("Ana"))
    bo = store.create(cfg.SEED, owner="bo-token-0123456789ab", lesson=lesson.tag())
    elsewhere = store.create(cfg.SEED, owner="cy-token-0123456789ab", lesson=other.tag("Cy"))
    private = store.create(cfg.SEED, owner="di-token-0123456789ab")
    shared = store.create(cfg.SEED, owner="ed-token-0123456789ab", public=True)

    assert {i.run_id for i in lessons.class_runs(store, "K7QM2X")} == {ana.run_id, bo.run_id}
    assert [i.run_id for i in lessons.class_runs(store, "P4X9")] == [elsewhere.run_id]
    viewer = class_viewer("K7QM2X")
    assert store.load(ana.run_id, viewer).lesson["student"] == "Ana"
    for hidden in (elsewhere, private):
        with pytest.raises(RunError):
            store.load(hidden.run_id, viewer)
    assert store.load(shared.run_id, viewer)  # shared with everyone stays shared with everyone
    # A class viewer reads; it never modifies.
    with pytest.raises(RunError):
        store.set_public(ana.run_id, True, viewer)
    with pytest.raises(RunError):
        store.delete(ana.run_id, viewer)
    # Other students see their own runs only, as before.
    assert {i.run_id for i in store.list("bo-token-0123456789ab")} == {bo.run_id, shared.run_id}
    # The lesson survives the run file's round trip.
    assert store.load(bo.run_id).lesson == lesson.tag()


def test_a_link_without_a_class_code_groups_its_own_runs(tmp_path):
    store = RunStore(tmp_path)
    lesson = lessons.builtin("augmentation").lesson
    run = store.create(cfg.SEED, owner="ana-token-0123456789", lesson=lesson.tag())
    assert lesson.group.startswith("link-")
    assert lessons.group_of(f"http://host/train?{lesson.query()}") == lesson.group
    assert lessons.group_of(lesson.group) == lesson.group
    assert [i.run_id for i in lessons.class_runs(store, lesson.group)] == [run.run_id]
    assert lessons.group_of(" k7qm-2x ") == "K7QM2X"
    with pytest.raises(LessonError):
        lessons.group_of("<script>")


def test_a_students_name_is_checked_like_a_sharers():
    from classifier.core.messages import ClassifierError

    lesson = lessons.builtin("seed").lesson
    assert lesson.tag("  王小明 ")["student"] == "王小明"
    with pytest.raises(ClassifierError) as caught:
        lesson.tag("<b>x</b>")
    assert caught.value.message.code == "runs.name_characters"


# Links handed out by version 1 of the format, copied here as issued: they must open whatever fields
# the Config gains later (the link's dictionary is frozen per version, never derived from the code).
ISSUED_BY_VERSION_1 = {
    "1RRqmqHj5rBq1nKsGJZNqNM9aRRvoGRgY6gBJEGGoY6hnEFurA0ob6MECSlPVMA9ZmeqgmwTUDdQITJeQZFkLAHgtIj4": lessons.Lesson(
        changes={"epochs": 5, "learning_rate": 0.1},
        choices={"learning_rate": (0.001, 0.01, 0.1, 1.0)},
        builtin="learning_rate",
    ),
    "14nbuTnj5rBq1nKsGJZNqNM9aRRvoGRgY6gBJEGEYW6sDSkTRKObF6oCSSElRaaoOKPUoeZsH-hpFKOmA0pTS07XLnuxc8LyvXeHQdgWQmUDfgpJ"
    "fNczvVsY66JaCbANaBEzDSoWlmaB4B6VTJef83ILEolSFkgwgBvpLITE5uRSYmir1lGoB2og-hQ": lessons.Lesson(
        preset="quick",
        changes={"learning_rate": 0.01, "epochs": 3},
        free=("random_seed",),
        choices={"learning_rate": (0.001, 0.01, 0.1)},
        hide_locked=True,
        title="学习率 · rates",
        task="Compare the test accuracy.",
        class_code="K7QM2X",
    ),
}


@pytest.mark.parametrize("token", list(ISSUED_BY_VERSION_1))
def test_links_issued_by_version_1_still_open(token):
    opened = lessons.open_link(token)
    expected = ISSUED_BY_VERSION_1[token]
    assert opened.config == expected.config and opened.locked == expected.locked
    assert (opened.title, opened.task, opened.class_code, opened.free, opened.choices, opened.hide_locked) == (
        expected.title, expected.task, expected.class_code, expected.free, expected.choices, expected.hide_locked
    )  # fmt: skip
    assert opened.key == expected.key  # the class page groups old and new links of one lesson together
