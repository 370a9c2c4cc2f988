"""Run directories on disk: everything a training run leaves behind.

    runs/<id>/config.json      the Config, as JSON
    runs/<id>/status.json      status, owner, timings, test metrics, warnings
    runs/<id>/history.jsonl    one line of metrics per finished epoch
    runs/<id>/model.keras      the latest checkpoint (replaced atomically each epoch)
    runs/<id>/predictions.npz  test-set labels and probabilities of the final model
    runs/<id>/timeline/        first filters + a probe image's feature maps per epoch (classifier/training/timeline.py)
    runs/<id>/tensorboard/     TensorBoard scalars (classifier/training/schedules.py): tensorboard --logdir runs/

Run ids are random and checked against a strict pattern before they touch the file
system, so no user-supplied string ever becomes a path. A run is private to its owner
unless marked public; `viewer=None` (the CLI, tests) sees everything.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from classifier.core.config import Config
from classifier.core.files import atomic_path, write_text_atomic
from classifier.core.messages import ClassifierError, Message

RUNS_ENV = "CLASSIFIER_RUNS_DIR"
ACTIVE = ("queued", "running")
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_process_token: tuple[int, str] = (os.getpid(), secrets.token_hex(8))


def process_token() -> str:
    """A token unique to this process, so a run left "running" by a killed server is recognised even
    when a new process has the same pid. A forked child (engine/forkserver.py) gets its own."""
    global _process_token
    if _process_token[0] != os.getpid():
        _process_token = (os.getpid(), secrets.token_hex(8))
    return _process_token[1]


class RunError(ClassifierError):
    """A run could not be found, read, written or touched by this viewer; the code says which."""


# A shared training's (classifier/engine/sharing.py) fields, as its entries read them.
FOLLOWED_FIELDS = (
    "status",
    "reason",
    "dataset_name",
    "classes",
    "started",
    "finished",
    "epochs_completed",
    "checkpoint_epoch",
    "test_accuracy",
    "test_loss",
    "best_val_accuracy",
    "train_images",
    "warnings",
    "precision",
    "pid",
    "process",
    "backend",
    "node",
    "stopped_epoch",
    "best_epoch",
)


@dataclass
class RunInfo:
    run_id: str
    config: Config
    status: str = "queued"
    reason: Message | None = None  # why it failed, stopped or was interrupted
    owner: str | None = None
    public: bool = False
    shared_as: str = ""  # the display name others see when it is public (validated; never a path)
    dataset_name: str = ""
    classes: tuple[str, ...] = ()
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    epochs_completed: int = 0  # epochs trained and recorded in history.jsonl
    checkpoint_epoch: int = 0  # the epoch model.keras holds (behind epochs_completed if a save failed)
    test_accuracy: float | None = None
    test_loss: float | None = None
    best_val_accuracy: float | None = None
    train_images: int = 0
    warnings: tuple[Message, ...] = ()
    precision: str = ""  # the arithmetic it really used (float32 or bfloat16), once it started
    # The lesson it was started from (classifier/teach/lessons.py, Lesson.tag): group, key, builtin,
    # title, class_code, student. Its class (the group) may see the run; nobody else gains access.
    lesson: dict[str, str] | None = None
    pid: int = field(default_factory=os.getpid)
    process: str = field(default_factory=process_token)
    backend: str = "local"  # where it trains: "local" (a worker process here) or "ray" (a cluster)
    node: str = ""  # the Ray node that trains it (backend "ray")
    stopped_epoch: int | None = None  # early stopping ended training after this epoch
    best_epoch: int | None = None  # the model holds this epoch's weights (restore best); None: the last's
    # The same training done once (classifier/engine/sharing.py): an entry follows a shared training
    # (`follows`, its files are the training's) until its student leaves; `shared` keeps which one.
    follows: str = ""
    shared: str = ""
    recipe: str = ""  # a shared training's recipe key

    @property
    def duration(self) -> float | None:
        """Seconds from start to end (to now while active; unknown for a run cut off by a crash)."""
        if self.started is None:
            return None
        if self.finished is None:
            return time.time() - self.started if self.status in ACTIVE else None
        return self.finished - self.started

    def to_json(self) -> str:
        values = asdict(self)
        values["config"] = self.config.to_dict()
        values["reason"] = self.reason.to_dict() if self.reason else None
        values["warnings"] = [warning.to_dict() for warning in self.warnings]
        return json.dumps(values, indent=2)

    @classmethod
    def from_json(cls, text: str) -> RunInfo:
        values = json.loads(text)
        values["config"] = Config.from_dict(values["config"])
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in values.items() if k in known}
        values["classes"] = tuple(values.get("classes", ()))
        values["warnings"] = tuple(Message.from_dict(w) for w in values.get("warnings", ()))
        values["reason"] = Message.from_dict(values["reason"]) if values.get("reason") else None
        return cls(**values)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def default_root() -> Path:
    return Path(os.environ.get(RUNS_ENV) or "runs")


def _new_run_id() -> str:
    """16 URL-safe random characters, never starting with "-": a command line (`attach ID`) would
    take that for an option."""
    while (run_id := secrets.token_urlsafe(12)).startswith("-"):
        pass
    return run_id


class RunStore:
    """Reads and writes run directories under one root folder."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_root()

    # -- paths ---------------------------------------------------------------------------------

    def path(self, run_id: str) -> Path:
        if not isinstance(run_id, str) or not _ID_PATTERN.match(run_id):
            raise RunError("run.not_found", run_id=str(run_id)[:80])
        return self.root / run_id

    def model_path(self, run_id: str) -> Path | None:
        path = self.path(run_id) / "model.keras"
        return path if path.exists() else None

    # -- create, read, list --------------------------------------------------------------------

    def create(
        self,
        config: Config,
        owner: str | None = None,
        public: bool = False,
        dataset_name: str = "",
        lesson: dict[str, str] | None = None,
    ) -> RunInfo:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            run_id = _new_run_id()
            self.path(run_id).mkdir()
            info = RunInfo(
                run_id=run_id, config=config, owner=owner, public=public, dataset_name=dataset_name, lesson=lesson
            )
            write_text_atomic(self.path(run_id) / "config.json", config.to_json())
            self.save(info)
        except OSError as error:
            raise RunError("run.cannot_create", folder=str(self.root), detail=error.strerror or str(error)) from None
        return info

    def load(self, run_id: str, viewer: str | None = None) -> RunInfo:
        path = self.path(run_id) / "status.json"
        try:
            info = RunInfo.from_json(path.read_text())
        except FileNotFoundError:
            raise RunError("run.not_found", run_id=run_id) from None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise RunError("run.damaged", run_id=run_id, detail=str(error)[:200]) from None
        if not can_view(info, viewer):
            raise RunError("run.not_found", run_id=run_id)  # do not reveal that it exists
        if info.follows and info.follows != run_id:
            return self._followed(info)  # the training's progress, read like the entry's own
        return _with_liveness(info)

    def _followed(self, entry: RunInfo) -> RunInfo:
        """An entry's status as the student sees it: its own (owner, lesson, sharing) plus the
        training's progress. A training that cannot be read leaves the entry as it was written."""
        try:
            training = self.load(entry.follows)
        except RunError:
            return entry
        for name in FOLLOWED_FIELDS:
            setattr(entry, name, getattr(training, name))
        return entry

    def list(self, viewer: str | None = None) -> list[RunInfo]:
        """Runs this viewer may see, newest first; damaged directories are skipped."""
        if not self.root.is_dir():
            return []
        infos = []
        for child in self.root.iterdir():
            if _ID_PATTERN.match(child.name) and (child / "status.json").exists():
                try:
                    infos.append(self.load(child.name, viewer))
                except RunError:
                    continue
        return sorted(infos, key=lambda info: info.created, reverse=True)

    def history(self, run_id: str) -> list[dict[str, Any]]:
        path = self.path(run_id) / "history.jsonl"
        if not path.exists():
            return []
        lines = path.read_text().splitlines()
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a line cut short by a crash: keep the epochs before it
        return records

    def predictions(self, run_id: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(true labels, probabilities) of the final model on the test split, if saved."""
        path = self.path(run_id) / "predictions.npz"
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as saved:
            return saved["y_true"], saved["probabilities"].astype(np.float32)

    # -- write ---------------------------------------------------------------------------------

    def write_file(self, run_id: str, name: str, text: str) -> None:
        """A small file of the run's own (e.g. batches.json), replaced atomically."""
        write_text_atomic(self.path(run_id) / name, text)

    def read_file(self, run_id: str, name: str) -> str | None:
        try:
            return (self.path(run_id) / name).read_text()
        except OSError:
            return None

    def save(self, info: RunInfo) -> None:
        write_text_atomic(self.path(info.run_id) / "status.json", info.to_json())

    def append_history(self, run_id: str, record: dict[str, Any]) -> None:
        with open(self.path(run_id) / "history.jsonl", "a") as handle:
            handle.write(json.dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def truncate_history(self, run_id: str, epochs: int) -> None:
        """Keep the first `epochs` records (a resumed run replays from its checkpoint)."""
        kept = self.history(run_id)[:epochs]
        write_text_atomic(self.path(run_id) / "history.jsonl", "".join(json.dumps(r) + "\n" for r in kept))

    def save_model(self, run_id: str, model) -> None:
        """Write the checkpoint beside the old one, then swap: a crash never leaves half a file."""
        with atomic_path(self.path(run_id) / "model.keras") as partial:
            model.save(partial)

    def save_predictions(self, run_id: str, y_true: np.ndarray, probabilities: np.ndarray) -> None:
        with atomic_path(self.path(run_id) / "predictions.npz") as partial:
            np.savez_compressed(partial, y_true=y_true, probabilities=probabilities.astype(np.float16))

    def set_public(self, run_id: str, public: bool, viewer: str | None, shared_as: str | None = None) -> RunInfo:
        """Share a run with the class (or stop); `shared_as` is the name others see (None: keep it)."""
        name = None if shared_as is None else display_name(shared_as)
        info = self.load(run_id, viewer)
        _require_owner(info, viewer, "share")
        info.public = public
        if name is not None:
            info.shared_as = name
        self.save(info)
        return info

    def delete(self, run_id: str, viewer: str | None = None) -> None:
        info = self.load(run_id, viewer)
        _require_owner(info, viewer, "delete")
        if info.status in ACTIVE:
            raise RunError("run.delete_while_training")
        shutil.rmtree(self.path(run_id))


MAX_NAME_LENGTH = 40
_NAME_PUNCTUATION = set(" -.'·")


def display_name(text: str) -> str:
    """A sharer's display name, tidied and checked: at most MAX_NAME_LENGTH letters, digits,
    spaces and - . ' · (any script, so 王小明 is fine). It is shown, never used as a path."""
    if not isinstance(text, str):
        raise TypeError(f"a display name is text, not {type(text).__name__}")
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if len(name) > MAX_NAME_LENGTH:
        raise ClassifierError("runs.name_too_long", length=len(name), limit=MAX_NAME_LENGTH)
    # Letters (L*), combining marks (M*) and digits (N*) of any script; nothing that could be
    # markup, a path or an invisible control character.
    bad = sorted({c for c in name if c not in _NAME_PUNCTUATION and unicodedata.category(c)[0] not in "LMN"})
    if bad:
        shown = " ".join(c if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}" for c in bad)
        raise ClassifierError("runs.name_characters", characters=shown)
    return name


CLASS_VIEWER = "class:"  # never a browser's owner token (those are [A-Za-z0-9_-] only)


def class_viewer(group: str) -> str:
    """The viewer that sees the runs of one class (a lesson's group, see classifier/teach/lessons.py):
    runs started from that lesson, besides what every viewer sees (runs shared with everyone)."""
    return CLASS_VIEWER + group


def can_view(info: RunInfo, viewer: str | None) -> bool:
    if viewer is None or info.public or info.owner == viewer:
        return True
    group = (info.lesson or {}).get("group")
    return bool(group) and viewer == class_viewer(group)


def can_modify(info: RunInfo, viewer: str | None) -> bool:
    return viewer is None or info.owner == viewer


def _require_owner(info: RunInfo, viewer: str | None, action: str) -> None:
    if not can_modify(info, viewer):
        raise RunError(f"run.not_owner_{action}")


def _with_liveness(info: RunInfo) -> RunInfo:
    """A run still marked active whose process is gone was cut off: call it interrupted."""
    # A Ray run's process is on another machine: only the cluster can tell (engine/cluster.py checks).
    if info.status in ACTIVE and info.backend == "local":
        gone = not _process_alive(info.pid) or (info.pid == os.getpid() and info.process != process_token())
        if gone:
            info.status = "interrupted"
            info.reason = (
                Message("run.interrupted", {"epoch": info.epochs_completed + 1, "checkpoint": info.checkpoint_epoch})
                if info.checkpoint_epoch
                else Message("run.interrupted_first_epoch")
            )
    return info
