"""Process-wide resources shared by all pages and sessions (engine, models, data sets),
and the few per-session values (who is this browser, which run is theirs)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from classifier import data, predict
from classifier.engine import Engine
from classifier.runs import RunInfo, RunStore

UPLOADS_ENV = "CLASSIFIER_UPLOADS_DIR"
MAX_CONCURRENT_ENV = "CLASSIFIER_MAX_CONCURRENT"


@st.cache_resource
def engine() -> Engine:
    """One training engine (and queue) for the whole server."""
    limit = os.environ.get(MAX_CONCURRENT_ENV)
    return Engine(RunStore(), max_concurrent=int(limit)) if limit else Engine(RunStore())


def owner() -> str:
    """This browser session's private identity: an unguessable token, never shown to others."""
    if "owner" not in st.session_state:
        st.session_state.owner = secrets.token_urlsafe(16)
    return st.session_state.owner


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


@dataclass(frozen=True)
class ModelChoice:
    """What a model picker offers: the built-in model or a run's latest checkpoint."""

    run_id: str | None  # None: the built-in model
    label: str
    dataset: str  # where its test images come from
    limit: int | None = None

    def load(self) -> predict.LoadedModel:
        if self.run_id is None:
            return _model(str(predict.DEFAULT_MODEL), _stamp(predict.DEFAULT_MODEL), None, "built-in")
        store = engine().store
        info = store.load(self.run_id, owner())
        path = store.model_path(self.run_id)
        if path is None:
            raise predict.ModelError("this run has no checkpoint yet; wait for its first epoch to finish")
        # Keyed by modification time: a training run's newer checkpoint is picked up automatically.
        return _model(str(path), _stamp(path), info.classes or None, self.label)


def _stamp(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def model_choices(default_label: str, describe_run) -> list[ModelChoice]:
    """The built-in model, then every visible run with a checkpoint (newest first)."""
    choices = [ModelChoice(None, default_label, "cifar10")]
    store = engine().store
    for info in store.list(owner()):
        if info.epochs_completed and store.model_path(info.run_id):
            choices.append(ModelChoice(info.run_id, describe_run(info), info.config.dataset, info.config.limit))
    return choices


def visible_runs() -> list[RunInfo]:
    return engine().store.list(owner())
