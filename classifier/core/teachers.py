"""Who teaches a class: the browser that made its lesson first, recorded on the server.

A class code travels in every student's link, so knowing it proves nothing. The teacher is the
owner token (a private cookie, never in a link) of whoever made the first lesson with that code
on this server; their runs in that class go first in the queue (classifier/engine/plan.py). The
record sits beside the runs (`runs/teachers.json`, group -> owner): the first claim stands.
"""

from __future__ import annotations

import fcntl
import json

from classifier.core.files import write_text_atomic
from classifier.core.runs import RunStore

TEACHERS_FILE = "teachers.json"


def _read(store: RunStore) -> dict[str, str]:
    try:
        found = json.loads((store.root / TEACHERS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def claim(store: RunStore, group: str, owner: str) -> bool:
    """Record `owner` as the teacher of `group` unless someone was first; True if `owner` teaches it."""
    if not group or not owner:
        return False
    try:
        store.root.mkdir(parents=True, exist_ok=True)
        with open(store.root / (TEACHERS_FILE + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two teachers pressing Make at once: one record wins
            everyone = _read(store)
            if group not in everyone:
                everyone[group] = owner
                write_text_atomic(store.root / TEACHERS_FILE, json.dumps(everyone, indent=1))
    except OSError:  # a read-only runs folder: the lesson still works, without the teacher's turn
        return False
    return everyone[group] == owner


def teaches(store: RunStore, lesson: dict[str, str] | None, owner: str | None) -> bool:
    """Whether `owner` made the lesson's class (a run's lesson tag, RunInfo.lesson)."""
    if not lesson or not owner:
        return False
    return bool(lesson.get("group")) and _read(store).get(lesson["group"]) == owner
