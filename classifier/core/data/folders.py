"""Any directory or zip of images in class folders (`<class>/<image>` or `train|test/<class>/<image>`),
read with guards against hostile archives (unsafe paths, zip bombs, huge files)."""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from classifier.core import images, machine
from classifier.core.data.dataset import Dataset, DatasetError, Progress
from classifier.core.messages import Message, as_message

TEST_NAMES = ("test", "val", "valid", "validation")
FLAT_TEST_FRACTION = 0.2  # class folders without train/test: this share becomes the test split
MAX_ARCHIVE_FILES = 200_000
MAX_ARCHIVE_BYTES = 2 * 1024**3  # uncompressed total; CIFAR-10 as JPEG is 55 MB
MAX_COMPRESSION_RATIO = 100  # images barely compress; a much higher ratio is a zip bomb
MAX_CLASSES = 1000
# A folder or file name a message quotes (a zip may hold 10,000-character names): each cut at
# QUOTED_NAME characters, at most QUOTED_NAMES of them, so a message stays one short line.
QUOTED_NAME = 60
QUOTED_NAMES = 10


def quoted(*names: str) -> str:
    """Names for a message, comma-separated, each cut (with an ellipsis) and at most QUOTED_NAMES."""
    cut = [name if len(name) <= QUOTED_NAME else name[: QUOTED_NAME - 1] + "…" for name in names[:QUOTED_NAMES]]
    return ", ".join(cut) + (", …" if len(names) > QUOTED_NAMES else "")


class Files:
    """Uniform read access to the files of a directory or a zip, with safety checks."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
            folders = [p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_dir()]
        elif zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            self.names = self._checked_zip_names()
            folders = [info.filename.rstrip("/") for info in self.zip.infolist() if info.is_dir()]
        elif path.is_file() and path.stat().st_size == 0:
            raise DatasetError("data.file_empty", name=path.name)
        elif path.is_file():
            raise DatasetError("data.not_zip", name=path.name)
        else:
            raise DatasetError("data.missing", name=path.name)
        # Folders without a single file in them (an empty class folder must not vanish silently).
        occupied = {name.rsplit("/", depth)[0] for name in self.names for depth in range(1, name.count("/") + 1)}
        self.empty_folders = sorted(set(folders) - occupied)

    def _checked_zip_names(self) -> list[str]:
        infos = [info for info in self.zip.infolist() if not info.is_dir()]
        if len(infos) > MAX_ARCHIVE_FILES:
            raise DatasetError("data.zip_too_many_files", files=len(infos), limit=MAX_ARCHIVE_FILES)
        total = 0
        for info in infos:
            name = info.filename
            parts = name.replace("\\", "/").split("/")
            if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
                raise DatasetError("data.zip_unsafe_path", path=quoted(repr(name)))
            total += info.file_size
            if info.file_size > 10 * 2**20 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise DatasetError("data.zip_bomb", path=quoted(repr(name)), ratio=ratio)
        if total > MAX_ARCHIVE_BYTES:
            raise DatasetError("data.zip_too_large", gigabytes=total / 2**30, limit=MAX_ARCHIVE_BYTES / 2**30)
        return sorted(info.filename for info in infos)

    def read(self, name: str) -> bytes:
        if self.zip is None:
            return images.read_bytes(self.path / name)
        info = self.zip.getinfo(name)
        if info.file_size > images.MAX_FILE_BYTES:
            raise images.ImageError("image.file_over_limit", limit_mb=images.MAX_FILE_BYTES // 2**20)
        with self.zip.open(info) as member:
            data = member.read(images.MAX_FILE_BYTES + 1)  # never trust the declared size
        if len(data) > images.MAX_FILE_BYTES:
            raise images.ImageError("image.file_over_limit", limit_mb=images.MAX_FILE_BYTES // 2**20)
        return data

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _is_junk(name: str) -> bool:
    parts = name.split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def _strip_common_root(paths: list[list[str]]) -> list[list[str]]:
    """Drop wrapper folders ('cifar10/train/cat/1.jpg' -> 'train/cat/1.jpg')."""
    while (
        paths
        and min(len(p) for p in paths) >= 3
        and len({p[0] for p in paths}) == 1
        and paths[0][0].lower() not in ("train", *TEST_NAMES)
    ):
        paths = [p[1:] for p in paths]
    return paths


def layout(
    names: list[str], empty_folders: list[str] = ()
) -> tuple[dict[str, list[tuple[str, str]]], list[str], set[str]]:
    """Map split -> [(class, file name)], list the files that fit no class folder, and name the
    training class folders that hold no files at all."""
    entries = [(name, name.split("/")) for name in names if not _is_junk(name)]
    stripped = _strip_common_root([parts for _, parts in entries])
    splits: dict[str, list[tuple[str, str]]] = {"train": [], "test": []}
    loose: list[str] = []
    top = {parts[0].lower() for parts in stripped if len(parts) > 1}
    split_layout = "train" in top
    for (name, _), parts in zip(entries, stripped):
        if split_layout:
            split = parts[0].lower()
            if split in TEST_NAMES:
                split = "test"
            if split not in splits or len(parts) < 3:
                loose.append(name)
                continue
            splits[split].append((parts[1], name))
        elif len(parts) >= 2:
            splits["train"].append((parts[0], name))
        else:
            loose.append(name)
    empty: set[str] = set()
    depth = len(entries[0][1]) - len(stripped[0]) if entries else 0
    for folder in empty_folders:
        parts = folder.split("/")
        if _is_junk(folder) or "" in parts or (entries and parts[:depth] != entries[0][1][:depth]):
            continue
        parts = parts[depth:]
        if split_layout and len(parts) >= 2 and parts[0].lower() == "train":
            empty.add(parts[1])
        elif not split_layout and parts:
            empty.add(parts[0])
    return splits, loose, empty


def _decode_all(files: Files, names: list[str], progress: Progress | None, label: str):
    """Decode images in parallel (Pillow releases the GIL); failures are collected, not raised."""
    out = np.zeros((len(names), images.IMAGE_SIZE, images.IMAGE_SIZE, 3), dtype=np.uint8)
    ok = np.zeros(len(names), dtype=bool)
    failures: list[str] = []

    def decode(index: int) -> None:
        try:
            out[index] = images.load_input(files.read(names[index]))
            ok[index] = True
        except (images.ImageError, KeyError, zipfile.BadZipFile, OSError) as error:
            failures.append((names[index], as_message(error)))

    workers = min(8, machine.usable_cores())
    step = 2000
    with ThreadPoolExecutor(workers) as pool:
        for start in range(0, len(names), step):
            list(pool.map(decode, range(start, min(start + step, len(names)))))
            if progress:
                done = min(start + step, len(names))
                message = Message(f"data.progress_decoding_{label}", {"done": done, "total": len(names)})
                progress(done / max(len(names), 1), message)
    return out, ok, failures


def read_class_folders(path: Path, progress: Progress | None) -> Dataset:
    files = Files(path)
    try:
        splits, loose, empty = layout(files.names, files.empty_folders)
        classes = tuple(sorted({cls for cls, _ in splits["train"]} | empty))
        if not splits["train"]:
            raise DatasetError("data.no_class_folders", name=path.name)
        unknown = sorted({cls for cls, _ in splits["test"]} - set(classes))
        if unknown:
            raise DatasetError("data.test_classes_unknown", classes=quoted(*unknown))
        arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        notes: list[Message] = []
        for split, members in splits.items():
            names = [name for _, name in members]
            labels = np.array([classes.index(cls) for cls, _ in members], dtype=np.int32)
            x, ok, failures = _decode_all(files, names, progress, split)
            arrays[split] = (x[ok], labels[ok])
            if failures:
                example, reason = failures[0]
                params = {"count": len(failures), "example": quoted(example), "reason": reason}
                notes.append(Message(f"data.note_skipped_{split}", params))
        if loose:
            notes.append(Message("data.note_loose_files", {"count": len(loose), "example": quoted(loose[0])}))
    finally:
        files.close()
    x_train, y_train = arrays["train"]
    present = [c for i, c in enumerate(classes) if np.any(y_train == i)]
    if len(present) < 2:
        raise DatasetError("data.too_few_classes", name=path.name, found=len(present), classes=quoted(*present) or "-")
    if len(present) > MAX_CLASSES:
        raise DatasetError("data.too_many_classes", name=path.name, found=len(present), limit=MAX_CLASSES)
    if len(present) < len(classes):
        empty = sorted(set(classes) - set(present))
        notes.append(Message("data.note_empty_classes", {"count": len(empty), "classes": quoted(*empty)}))
        remap = np.full(len(classes), -1, dtype=np.int32)
        remap[[classes.index(c) for c in present]] = np.arange(len(present))
        y_train = remap[y_train]
        x_test, y_test = arrays["test"]
        keep = remap[y_test] >= 0
        arrays["test"] = (x_test[keep], remap[y_test][keep])
        classes = tuple(present)
    x_test, y_test = arrays["test"]
    dataset = Dataset(path.name, classes, x_train, y_train, x_test, y_test, tuple(notes))
    if len(y_test) == 0:
        dataset = split_flat(dataset)
    return dataset


def split_flat(dataset: Dataset) -> Dataset:
    """No test folder: hold out a fixed stratified share of each class as the test split."""
    kept, x_test, y_test = dataset.holdout(FLAT_TEST_FRACTION, seed=0)
    if len(y_test) == 0:
        raise DatasetError("data.too_few_to_test", name=dataset.name)
    note = Message("data.note_no_test_folder", {"share": FLAT_TEST_FRACTION})
    return Dataset(
        dataset.name,
        dataset.classes,
        kept.x_train,
        kept.y_train,
        x_test,
        y_test,
        (*dataset.notes, note),
    )
