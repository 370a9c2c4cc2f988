"""The same training done once: students of a lesson who ask for the same recipe follow one training.

A lesson locks most settings, so in a class many students ask for exactly the same training. A
run's *recipe* is everything that decides what training computes: every Config field (the network,
every hyperparameter, the data set and its limit, the seed, the precision asked for), the data
set's version, the precision this machine really uses, and the version of this package's code.
Two lesson runs with the same recipe, in the same class (class code) or from the same built-in
lesson, are the same computation, so the engine trains it once:

    runs/<training>/          the shared training: an ordinary run folder, owned by nobody
                              (SHARED_OWNER is never a browser's token), with followers.json
    runs/<entry>/             each student's own entry: config.json and status.json of its own
                              (owner, lesson, name, sharing), `follows` = the training's id, and
                              links to the training's files (history, checkpoint, predictions...)

A page reads an entry like any run: `RunStore.load` fills its status in from the training's, and
its files are the training's, through the links. A student who leaves (Stop) keeps a copy of what
was trained so far, as a stopped run of their own; the training goes on while anyone follows it.
Only lesson runs on the built-in data sets share: nothing private (an uploaded data set, a run
outside a lesson) is ever shared.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from classifier.core.config import Config
from classifier.core.data import CIFAR10_ENV
from classifier.core.files import write_text_atomic
from classifier.core.messages import Message
from classifier.core.model import resolved_precision
from classifier.core.runs import RunInfo, RunStore

SHARED_OWNER = "shared:training"  # a browser's owner token is [A-Za-z0-9_-] only: no one is this
SHARE_ENV = "CLASSIFIER_SHARE"  # "0": every run trains on its own (the bench's other side)
FOLLOWERS_FILE = "followers.json"  # in the training's folder: the entries that follow it now
SHAREABLE_DATASETS = ("cifar10", "shapes")
# What an entry reads from its training, through links (config.json and status.json are its own).
LINKED = ("history.jsonl", "model.keras", "predictions.npz", "batches.json", "timeline", "tensorboard")
PACKAGE = Path(__file__).resolve().parents[1]


def enabled() -> bool:
    return os.environ.get(SHARE_ENV, "1") != "0"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of this package's Python code: a recipe trained by other code is not the same recipe."""
    digest = hashlib.blake2s(digest_size=8)
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def data_version(source: str) -> str:
    """What changes when the data set's content does: the generator, or the file's size and time."""
    if source == "shapes":
        return "generated"
    path = Path(os.environ.get(CIFAR10_ENV, "")) if source == "cifar10" else Path(source)
    try:
        stat = path.stat()
    except OSError:
        return "unknown"
    return f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def scope(lesson: dict[str, str] | None) -> str | None:
    """Who may share a training: the students of one built-in lesson, or of one class code."""
    if not lesson:
        return None
    if lesson.get("builtin"):
        return f"builtin:{lesson['builtin']}"
    if lesson.get("class_code"):
        return f"class:{lesson['class_code']}"
    return None  # a link made without a class code: no class to share within


def recipe_key(config: Config, lesson: dict[str, str] | None) -> str | None:
    """The recipe of a lesson run (None: this run is not shared)."""
    where = scope(lesson)
    if where is None or config.dataset not in SHAREABLE_DATASETS:
        return None
    recipe = {
        "config": config.to_dict(),
        "data": data_version(config.dataset),
        "precision": resolved_precision(config),
        "code": code_version(),
        "scope": where,
    }
    return hashlib.blake2s(json.dumps(recipe, sort_keys=True).encode(), digest_size=12).hexdigest()


# --- the training's followers ---------------------------------------------------------------------


def followers(store: RunStore, training_id: str) -> list[str]:
    """The entries following a training now (or, once it ended, those that stayed to its end)."""
    text = store.read_file(training_id, FOLLOWERS_FILE)
    try:
        ids = json.loads(text) if text else []
    except ValueError:
        return []
    return [i for i in ids if isinstance(i, str)]


def write_followers(store: RunStore, training_id: str, ids: list[str]) -> None:
    store.write_file(training_id, FOLLOWERS_FILE, json.dumps(ids))


def link(store: RunStore, entry_id: str, training_id: str) -> None:
    """The entry's files are the training's (links, relative: the runs folder may move)."""
    folder = store.path(entry_id)
    store.path(training_id)  # checks the id
    for name in LINKED:
        target = folder / name
        if not target.is_symlink() and not target.exists():
            target.symlink_to(Path("..") / training_id / name)


def keep_copy(store: RunStore, entry_id: str) -> int:
    """A student leaves: the links become copies of what was trained so far. Returns the epochs kept."""
    folder = store.path(entry_id)
    for name in LINKED:
        path = folder / name
        if not path.is_symlink():
            continue
        source = path.resolve()
        path.unlink()
        try:
            if name == "history.jsonl":  # whole lines only: the worker may be appending one
                if source.exists():
                    records = store.history(source.parent.name)
                    write_text_atomic(path, "".join(json.dumps(r) + "\n" for r in records))
            elif source.is_dir():
                shutil.copytree(source, path)
            elif source.exists():
                shutil.copyfile(source, path)
        except OSError:
            pass  # a file being replaced as we copy: the rest is kept
    return len(store.history(entry_id))


def left_at(info: RunInfo, epochs: int, queued: bool) -> RunInfo:
    """The entry's status once its student left the shared training."""
    info.follows = ""
    info.status, info.finished = "stopped", time.time()
    info.reason = Message("share.left_queued") if queued else Message("share.left", {"epochs": epochs})
    info.epochs_completed = info.checkpoint_epoch = epochs
    info.test_accuracy = info.test_loss = None
    return info


def describe(store: RunStore, info: RunInfo) -> dict[str, Any]:
    """For the CLI and tests: whether a run is a shared training's entry, and how many follow it."""
    return {"shared": bool(info.shared), "students": len(followers(store, info.shared)) if info.shared else 0}
