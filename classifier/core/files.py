"""Writing a file so that a reader only ever sees the old content or the new: the one way every
module of the package replaces a file (run folders, checkpoints, timeline snapshots, caches)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A scratch path beside `path` for a writer that needs a file name (Keras's `save`, numpy's
    `savez`); when the block ends without an error the scratch file is flushed to disk and renamed
    over `path`, otherwise it is removed and `path` is untouched.

    The scratch name is the writer's own (process and thread) and keeps the suffix (Keras wants
    `.keras`): a Ray run can have two followers writing its shipped files (the CLI that started it
    and a server that found it), and with one shared name the second rename found the file gone."""
    path = Path(path)
    partial = path.with_name(f"{path.stem}.{os.getpid()}-{threading.get_ident()}.partial{path.suffix}")
    try:
        yield partial
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, content: bytes) -> None:
    with atomic_path(path) as partial:
        partial.write_bytes(content)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode())
