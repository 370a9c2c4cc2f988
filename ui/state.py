"""Process-wide resources shared by all pages and sessions (engine, models, data sets),
and the few per-session values (who is this browser, which run is theirs)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import patches
from classifier.core import data, predict
from classifier.core.config import Config
from classifier.core.runs import RunInfo, RunStore
from classifier.engine import Engine, create_engine
from classifier.engine.forkserver import ForkedProcess
from classifier.training import estimate

UPLOADS_ENV = "CLASSIFIER_UPLOADS_DIR"
# Session-state keys that more than one page reads (the Train form's own are in ui/train_form.py).
JOB_ID = "job_id"  # the run this session started or resumed last
UPLOADED_DATASET = "uploaded_dataset"  # where this session's uploaded zip is stored
UPLOADED_LABEL = "uploaded_label"  # its name as the student knows it
MAX_CONCURRENT_ENV = "CLASSIFIER_MAX_CONCURRENT"


@st.cache_resource
def engine() -> Engine:
    """One training engine (and queue) for the whole server."""
    limit = os.environ.get(MAX_CONCURRENT_ENV)
    # CLASSIFIER_RAY_ADDRESS set: runs train on a Ray cluster (classifier/engine/cluster.py).
    return create_engine(RunStore(), max_concurrent=int(limit) if limit else None)


OWNER_COOKIE = "cnn_classroom_owner"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def owner() -> str:
    """This browser's private identity: an unguessable token kept in a cookie, so a reload (a new
    Streamlit session) still sees its own runs. Never shown to others, never part of a path."""
    if "owner" not in st.session_state:
        remembered = _cookie()
        st.session_state.owner = remembered if _TOKEN.match(remembered) else secrets.token_urlsafe(16)
    return st.session_state.owner


def _cookie() -> str:
    value = st.context.cookies.get(OWNER_COOKIE, "")
    return value if isinstance(value, str) else ""  # AppTest has no browser, hence no cookies


def remember_owner() -> None:
    """Store the owner token in a cookie for a year (once per session; it is our own token)."""
    token = owner()
    if _cookie() != token and not st.session_state.get("owner_cookie_set"):
        st.session_state.owner_cookie_set = True
        st.html(
            f"<script>document.cookie = '{OWNER_COOKIE}={token}; path=/; max-age=31536000; SameSite=Strict';</script>",
            unsafe_allow_javascript=True,
        )


def uploads_dir() -> Path:
    return Path(os.environ.get(UPLOADS_ENV) or "data/uploads")


def save_upload(content: bytes, suffix: str) -> Path:
    """Store an uploaded data set under a random name: the user's file name never becomes a path."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_urlsafe(12)}{suffix}"
    path.write_bytes(content)
    return path


def dataset(source: str, limit: int | None, progress=None) -> data.Dataset:
    """The package keeps the few data sets in use in memory (and decoded on disk): no st cache needed."""
    return data.load_dataset(source, limit, progress=progress)


@st.cache_resource(max_entries=8, show_spinner=False)
def _model(path: str, stamp: float, classes: tuple[str, ...] | None, name: str) -> predict.LoadedModel:
    return predict.load_model(Path(path), classes=classes, name=name)


@st.cache_resource(max_entries=16, show_spinner=False)
def _uploaded_model(digest: str, _content: bytes) -> predict.LoadedModel:
    return predict.load_model(_content, name="upload")


@dataclass(frozen=True)
class ModelChoice:
    """What a model picker offers: the built-in model, a run's latest checkpoint, or an upload."""

    run_id: str | None  # None: the built-in model (or an upload)
    label: str
    dataset: str  # where its test images come from
    limit: int | None = None
    upload: bytes | None = None  # the .keras file a user uploaded
    info: RunInfo | None = None  # the run, for a run's checkpoint
    mine: bool = False  # a run this browser started
    viewer: str | None = None  # who reads the run's checkpoint (None: this browser; a class, from the Class page)

    @property
    def key(self) -> str:
        """A stable option value for a picker: the run id, or "builtin" (the list grows as runs finish)."""
        return self.run_id or BUILTIN

    @property
    def config(self) -> Config | None:
        return self.info.config if self.info else None

    def load(self) -> predict.LoadedModel:
        if self.upload is not None:
            return _uploaded_model(hashlib.sha256(self.upload).hexdigest(), self.upload)
        if self.run_id is None:
            return _model(str(predict.DEFAULT_MODEL), _stamp(predict.DEFAULT_MODEL), None, "built-in")
        path, classes = predict.run_checkpoint(engine().store, self.run_id, self.viewer or owner())
        # Keyed by modification time: a training run's newer checkpoint is picked up automatically.
        return _model(str(path), _stamp(path), classes, self.label)


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server, on the first page anyone opens: TensorFlow and the built-in model load in
    the background, so the first students to open Inside the network or Predict do not each wait
    for them (about 3 s on one core; bench.cluster load saw it as the class's slowest pages)."""
    thread = threading.Thread(target=_load_builtin_quietly, name="warm-up", daemon=True)
    thread.start()
    return thread


def _load_builtin_quietly() -> None:
    patches.install_keras()  # this server trains in-process too (federated challenge): fused batch norm
    try:
        ModelChoice(None, "", "cifar10").load()  # the same cache entry the pickers use
    except Exception:  # noqa: BLE001 - a page that needs the model says what went wrong, not this thread
        pass


def _stamp(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


BUILTIN = "builtin"


def model_choices(default_label: str, describe_run) -> list[ModelChoice]:
    """The built-in model, then every visible run with a checkpoint (newest first)."""
    choices = [ModelChoice(None, default_label, "cifar10")]
    store = engine().store
    me = owner()
    for info in store.list(me):
        if info.epochs_completed and store.model_path(info.run_id):
            choices.append(
                ModelChoice(
                    info.run_id,
                    describe_run(info),
                    info.config.dataset,
                    info.config.limit,
                    info=info,
                    mine=info.owner == me,
                )
            )
    return choices


def default_choice(choices: list[ModelChoice]) -> ModelChoice:
    """What a picker opens on: the student's latest finished run, the built-in model when none."""
    finished = [c for c in choices if c.mine and c.info is not None and c.info.status == "finished"]
    if not finished:
        return choices[0]
    return max(finished, key=lambda c: c.info.finished or c.info.created)


MEASURING, BUSY = "measuring", "busy"


# Epoch-time measurements started by this server, by network (each network measured once).
MEASUREMENTS: dict[str, ForkedProcess] = {}
# What a measurement found when it was contended (estimate.contended): shown, but not cached.
UNCACHED: dict[str, dict[str, float]] = {}


def epoch_rates(config: Config, num_classes: int) -> dict[str, float] | str | None:
    """This network's measured seconds per image here (see classifier/training/estimate.py); MEASURING while
    a child process times it, BUSY while a run trains (it would distort the figure and slow the run),
    None if the measurement failed. The server itself never runs TensorFlow for this."""
    rates = estimate.cached_rates(config, num_classes)
    if rates is not None:
        return rates
    key = estimate.cache_key(config, num_classes)
    child = MEASUREMENTS.get(key)
    if child is not None:
        if child.poll() is None:
            return MEASURING
        if key not in UNCACHED and child.returncode == 0 and child.stdout is not None:
            try:
                UNCACHED[key] = json.loads(child.stdout.read().splitlines()[-1])["rates"]
            except (ValueError, KeyError, IndexError, OSError):
                pass
        return UNCACHED.get(key)
    if engine().training():
        return BUSY
    if any(other.poll() is None for other in MEASUREMENTS.values()):
        return MEASURING  # one at a time: two at once on a few cores would slow, and so distort, both
    # Forked from the engine's fork server (TensorFlow imported there already): one line on stdout,
    # read once it has ended.
    MEASUREMENTS[key] = ForkedProcess(
        "estimate", [config.to_json(), "1", "0", str(num_classes)], stdout=True, quiet=True
    )
    return MEASURING


def stop_measurements() -> None:
    """A run is starting: end the epoch-time measurements under way, which would compete with it
    for the cores (each is measured again, unhurried, when nothing trains). Start never waits for
    them: on a busy server the fork server may not have forked one yet (it is stopped once it is)."""
    for key, child in list(MEASUREMENTS.items()):
        if child.poll() is None:
            child.terminate()
            del MEASUREMENTS[key]


def visible_runs() -> list[RunInfo]:
    return engine().store.list(owner())
