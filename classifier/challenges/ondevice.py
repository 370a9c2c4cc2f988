"""On-device prediction's server side: the model file a browser downloads, and who may download it.

The browser runs a LiteRT (.tflite) copy of the Keras model (classifier/challenges/export.py), exported once per
model file and kept under a served folder:

    <served>/builtin/<hash>-float32-b1.tflite              the built-in model: anyone may have it
    <served>/runs-<root>/<token>/<hash>-float32-b1.tflite  a run's model: only whoever holds its token

`<hash>` is the .keras file's SHA-256 prefix (a retrained checkpoint gets a new name, so a browser's
cache never serves a stale network). A run's token is an unguessable capability
(`secrets.token_urlsafe`) kept in the run's folder: it is given only to readers who may see the run
(`runs.can_view`), opens that one run's model and nothing else, and is revoked by its owner (the
file and the served copies go); a deleted run's copies are pruned (`prune_served`). The export
runs in a child process: the web server stays free.

    python -m classifier.challenges.ondevice MODEL.keras OUT.tflite [float32|int8 [DATASET]]   # the child process
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from classifier.challenges import export
from classifier.core.data import load_dataset
from classifier.core.files import write_bytes_atomic
from classifier.core.messages import ClassifierError
from classifier.core.predict import load_model
from classifier.core.runs import RunError, RunStore, can_modify

TOKEN_FILE = "device_token"
BUILTIN_FOLDER = "builtin"
FLAVOUR = "float32"  # the same arithmetic as Keras: the browser's answer equals the server's
FLAVOURS = ("float32", "int8")  # int8: about a quarter of the bytes, integer inside, float in and out
EXPORT_TIMEOUT_S = 600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def served_model(keras_path: Path, folder: Path, flavour: str = FLAVOUR, dataset: str = "cifar10") -> Path:
    """The LiteRT copy of `keras_path` in `folder` (exported on first use, in a child process);
    int8 is calibrated on `dataset`'s training images (its loader and disk cache)."""
    target = folder / f"{file_hash(keras_path)}-{flavour}-b1.tflite"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "classifier.challenges.ondevice", str(keras_path), str(target), flavour, dataset],
            capture_output=True,
            text=True,
            timeout=EXPORT_TIMEOUT_S,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise ClassifierError("ondevice.export_failed", reason=f"timeout after {EXPORT_TIMEOUT_S} s") from None
    if done.returncode != 0 or not target.is_file():
        lines = [line for line in (done.stderr or "").splitlines() if line.strip()]
        raise ClassifierError("ondevice.export_failed", reason=(lines[-1] if lines else "no output")[:300])
    return target


def export_file(keras_path: Path, target: Path, flavour: str = FLAVOUR, dataset: str = "cifar10") -> None:
    """Export one .keras file (loaded in safe mode) to a .tflite file. The op checks need the LiteRT
    interpreter (an optional package); without it the file is written unchecked, and a browser that
    cannot run it says so and predicts on the server."""

    if flavour not in FLAVOURS:
        raise ClassifierError("export.flavour", flavour=flavour, choices=", ".join(FLAVOURS))
    loaded = load_model(keras_path)
    representative = None
    if flavour == "int8":
        data = load_dataset(dataset)
        representative = export.representative_images(data.x_train, data.y_train)
    content = export.to_litert(
        loaded.model, flavour, representative, check_ops=export.runtime_available(), batch=1, float_io=True
    )
    write_bytes_atomic(target, content)


# --- capability tokens -------------------------------------------------------------------------


def device_token(store: RunStore, run_id: str, viewer: str | None) -> str:
    """The run's token, made on first use; only for a reader who may see the run (else RunError)."""
    store.load(run_id, viewer)  # raises run.not_found for anyone who may not see it
    path = store.path(run_id) / TOKEN_FILE
    existing = path.read_text().strip() if path.is_file() else ""
    if _TOKEN.match(existing):
        return existing
    token = secrets.token_urlsafe(32)
    try:
        # Exclusive create: two sessions asking at once agree on one token.
        with open(path, "x") as handle:
            handle.write(token)
    except FileExistsError:
        return path.read_text().strip()
    return token


def revoke_token(store: RunStore, run_id: str, viewer: str | None, served: Path) -> None:
    """The owner withdraws the run's token: its file and the served model copies go; old links stop."""
    info = store.load(run_id, viewer)
    if not can_modify(info, viewer):
        raise RunError("run.not_owner_revoke")
    path = store.path(run_id) / TOKEN_FILE
    if path.is_file():
        token = path.read_text().strip()
        path.unlink()
        if _TOKEN.match(token):
            shutil.rmtree(store_folder(store, served) / token, ignore_errors=True)


def store_folder(store: RunStore, served: Path) -> Path:
    """Where one runs folder's token-named model copies are served from: a server of its own (tests
    start several) never prunes another's."""
    return served / ("runs-" + hashlib.sha256(str(store.root.resolve()).encode()).hexdigest()[:12])


def prune_served(store: RunStore, served: Path) -> list[str]:
    """Remove served model copies whose token opens no run any more (a deleted run's): returns them."""
    folder = store_folder(store, served)
    if not folder.is_dir():
        return []
    gone = [entry.name for entry in folder.iterdir() if run_for_token(store, entry.name) is None]
    for name in gone:
        shutil.rmtree(folder / name, ignore_errors=True)
    return gone


def run_for_token(store: RunStore, token: str) -> str | None:
    """The run a token opens, or None (malformed, unknown or revoked)."""
    if not isinstance(token, str) or not _TOKEN.match(token) or not store.root.is_dir():
        return None
    for folder in store.root.iterdir():
        path = folder / TOKEN_FILE
        try:
            if path.is_file() and secrets.compare_digest(path.read_text().strip(), token):
                return folder.name
        except OSError:
            continue
    return None


def main(argv: list[str]) -> int:
    keras_path, target = Path(argv[0]), Path(argv[1])
    flavour = argv[2] if len(argv) > 2 else FLAVOUR
    dataset = argv[3] if len(argv) > 3 else "cifar10"
    try:
        export_file(keras_path, target, flavour, dataset)
    except ClassifierError as error:
        print(str(error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
