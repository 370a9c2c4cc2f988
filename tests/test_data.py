import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from classifier.core import data
from classifier.core.data import CIFAR10_CLASSES, SHAPES_CLASSES, DatasetError, folders, load_dataset


def png(seed: int, size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def make_zip(path, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def test_shapes_is_deterministic_and_well_formed():
    first, second = data.shapes(20, 5), data.shapes(20, 5)
    assert first.classes == SHAPES_CLASSES
    assert first.x_train.shape == (20 * len(SHAPES_CLASSES), 32, 32, 3) and first.x_train.dtype == np.uint8
    assert first.y_train.dtype == np.int32 and np.bincount(first.y_train).tolist() == [20] * 6
    assert np.array_equal(first.x_train, second.x_train)
    assert not np.array_equal(first.x_train[0], first.x_train[6])  # varied pictures
    assert not first.x_train.flags.writeable  # shared arrays are protected from in-place edits


def test_subset_is_stratified_first_images():
    dataset = data.shapes(20, 5)
    small = dataset.subset(30)
    assert len(small.y_train) == 30 and np.bincount(small.y_train).tolist() == [5] * 6
    assert len(small.y_test) == 30  # the test split had exactly 30
    assert np.array_equal(small.x_train[0], dataset.x_train[0])
    assert dataset.subset(None) is dataset


def test_holdout_takes_a_stratified_share():
    kept, x_val, y_val = data.shapes(20, 5).holdout(0.25)
    assert len(y_val) == 30 and np.bincount(y_val).tolist() == [5] * 6
    assert len(kept.y_train) == 90


def test_class_folder_zip_with_wrapper_folder_and_junk(tmp_path):
    files = {f"mydata/train/{cls}/{i}.png": png(i + 10 * k) for k, cls in enumerate(["cat", "dog"]) for i in range(4)}
    files |= {
        f"mydata/test/{cls}/{i}.png": png(100 + i + 10 * k) for k, cls in enumerate(["cat", "dog"]) for i in range(2)
    }
    files["mydata/train/cat/readme.txt"] = b"not an image"
    files["mydata/train/dog/nested/deeper.png"] = png(999)
    files["mydata/__MACOSX/._junk"] = b"junk"
    files["mydata/train/notes.txt"] = b"loose file"
    dataset = load_dataset(str(make_zip(tmp_path / "pets.zip", files)))
    assert dataset.classes == ("cat", "dog")
    assert np.bincount(dataset.y_train).tolist() == [4, 5]  # nested folders count for their class
    assert len(dataset.y_test) == 4
    notes = {note.code: note for note in dataset.notes}
    assert notes["data.note_skipped_train"].params["example"].endswith("readme.txt")
    assert "unreadable" in str(notes["data.note_skipped_train"])
    assert "outside class folders" in str(notes["data.note_loose_files"])


def test_flat_class_folders_in_a_directory_are_split(tmp_path):
    for k, cls in enumerate(["a", "b", "c"]):
        (tmp_path / cls).mkdir()
        for i in range(10):
            (tmp_path / cls / f"{i}.png").write_bytes(png(i + 20 * k, size=(48, 64)))
    dataset = load_dataset(str(tmp_path))
    assert dataset.classes == ("a", "b", "c")
    assert np.bincount(dataset.y_test).tolist() == [2, 2, 2]  # 20% of each class kept for testing
    assert np.bincount(dataset.y_train).tolist() == [8, 8, 8]
    assert dataset.x_train.shape[1:] == (32, 32, 3)  # resized from 48x64


@pytest.mark.parametrize(
    "files, message",
    [
        ({"train/cat/1.png": b"x", "../evil.png": b"x"}, "unsafe path"),
        ({"train/cat/1.png": b"x", "/etc/evil.png": b"x"}, "unsafe path"),
        ({"cat/1.png": png(1), "cat/2.png": png(2)}, "at least two classes"),
        ({"a.png": png(1), "b.png": png(2)}, "no images in class folders"),
        ({"cat/1.png": png(1), "dog/1.txt": b"text"}, "at least two classes"),
        ({"train/cat/1.png": png(1), "train/dog/1.png": png(2), "test/fox/1.png": png(3)}, "test split has classes"),
    ],
)
def test_bad_zips_get_specific_messages(tmp_path, files, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset(str(make_zip(tmp_path / "bad.zip", files)))


def test_zip_bomb_is_refused_before_decompressing(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("train/cat/1.png", png(1))
        archive.writestr("train/dog/huge.png", b"\0" * (50 * 2**20))
    assert path.stat().st_size < 2**20
    with pytest.raises(DatasetError, match="zip bomb"):
        load_dataset(str(path))


def test_not_a_zip_and_missing_path(tmp_path):
    (tmp_path / "notes.zip").write_bytes(b"plain text")
    with pytest.raises(DatasetError, match="neither a zip archive nor a folder"):
        load_dataset(str(tmp_path / "notes.zip"))
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset(str(tmp_path / "missing"))


def test_second_load_comes_from_the_disk_cache(tmp_path, monkeypatch):
    files = {f"{cls}/{i}.png": png(i + 10 * k) for k, cls in enumerate(["a", "b"]) for i in range(5)}
    path = make_zip(tmp_path / "d.zip", files)
    cache = tmp_path / "cache"
    first = load_dataset(str(path), cache_dir=cache)
    assert len(list(cache.glob("*.npz"))) == 1
    data.clear_memory_cache()
    monkeypatch.setattr(folders, "read_class_folders", lambda *a: pytest.fail("decoded again"))
    second = load_dataset(str(path), cache_dir=cache)
    assert np.array_equal(first.x_train, second.x_train) and first.classes == second.classes


def test_progress_is_reported_while_decoding(tmp_path):
    files = {f"{cls}/{i}.png": png(i + 10 * k) for k, cls in enumerate(["a", "b"]) for i in range(5)}
    seen = []
    load_dataset(str(make_zip(tmp_path / "p.zip", files)), progress=lambda f, m: seen.append((f, m)))
    assert seen and seen[-1][0] == 1.0 and seen[-1][1].code == "data.progress_decoding_train"  # flat: no test folder
    assert "Decoding" in str(seen[0][1]) and seen[0][1].params["total"] == 10


def test_cifar10_download_failure_says_what_to_do(monkeypatch):
    import keras

    def offline():
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.delenv("CLASSIFIER_CIFAR10", raising=False)
    monkeypatch.setattr(keras.datasets.cifar10, "load_data", offline)
    with pytest.raises(DatasetError) as error:
        load_dataset("cifar10")
    text = str(error.value)
    assert "Could not download CIFAR-10" in text and "CLASSIFIER_CIFAR10" in text and "shapes" in text


def test_cifar10_env_pointing_nowhere(monkeypatch, tmp_path):
    monkeypatch.setenv("CLASSIFIER_CIFAR10", str(tmp_path / "nope.zip"))
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset("cifar10")


def test_cifar10_class_folders_are_put_in_canonical_order(monkeypatch, tmp_path):
    # A miniature CIFAR-10 in class folders: the labels must follow the canonical order.
    files = {f"train/{cls}/{i}.png": png(i + 10 * k) for k, cls in enumerate(CIFAR10_CLASSES) for i in range(2)}
    files |= {f"test/{cls}/0.png": png(500 + k) for k, cls in enumerate(CIFAR10_CLASSES)}
    monkeypatch.setenv("CLASSIFIER_CIFAR10", str(make_zip(tmp_path / "mini.zip", files)))
    dataset = load_dataset("cifar10")
    assert dataset.classes == CIFAR10_CLASSES
    assert dataset.y_test.tolist() == list(range(10))


def test_the_official_python_archive_is_read(monkeypatch, tmp_path):
    """cifar-10-python.tar.gz: five training batches and a test batch of pickled dicts (CHW rows)."""
    import pickle
    import tarfile

    rng = np.random.default_rng(0)
    path = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            batch = {b"data": rng.integers(0, 256, (4, 3072), dtype=np.uint8), b"labels": [0, 1, 2, 9]}
            payload = pickle.dumps(batch)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            if name == "test_batch":
                first = batch[b"data"][0]
    monkeypatch.setenv("CLASSIFIER_CIFAR10", str(path))
    dataset = load_dataset("cifar10", cache_dir=tmp_path / "cache")
    assert dataset.classes == CIFAR10_CLASSES
    assert dataset.x_train.shape == (20, 32, 32, 3) and dataset.x_test.shape == (4, 32, 32, 3)
    assert dataset.y_test.tolist() == [0, 1, 2, 9]
    # Rows are 1024 red, then 1024 green, then 1024 blue values: pixel (0, 0) is (R0, G0, B0).
    assert dataset.x_test[0, 0, 0].tolist() == [first[0], first[1024], first[2048]]
