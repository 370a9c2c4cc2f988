"""Shared fixtures: tiny real data and a tiny really-trained model, made once per session."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import patches

ROOT = Path(__file__).resolve().parent.parent
# Every Ray the tests start (the cluster tests, Flower's simulation) stays on 127.0.0.1: Ray reads
# this once, when first imported, so it is set before any test module imports it (see NOTES.md).
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
# The third-party patches every process of the app installs at its start (patches.py), installed
# here as the app does; tests/test_patches.py checks each one, and that nothing else installs them.
patches.install_keras()
PHOTOS = ROOT.parent / "shared" / "data" / "photos"


CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium: Playwright drives it, it never downloads a browser


def pytest_collection_modifyitems(config, items):
    _longest_files_first(items)
    _skip_what_the_machine_lacks(items)


def _longest_files_first(items) -> None:
    """The files that start a real server and Chromium (a test marked `browser`) take the longest.
    `make test` runs the suite in two processes, a file at a time, in this order
    (`--no-loadscope-reorder`): those files go first, then the files with the most tests, so that
    neither process is left alone with a long file at the end while the other has nothing to do."""
    by_file: dict[Path, list] = {}
    for item in items:
        by_file.setdefault(item.path, []).append(item)
    browser = {path for path, tests in by_file.items() if any(t.get_closest_marker("browser") for t in tests)}
    order = sorted(by_file, key=lambda path: (path not in browser, -len(by_file[path])))
    items[:] = [item for path in order for item in by_file[path]]


def _skip_what_the_machine_lacks(items) -> None:
    """The one place tests are skipped for want of something the machine lacks, and only outside CI
    (CI=1 installs everything: there an absence is a failure, never a skip). Real-CIFAR-10 tests need
    CLASSIFIER_CIFAR10; browser tests need Debian's Chromium."""
    if os.environ.get("CI"):
        return
    missing = {}
    if not os.environ.get("CLASSIFIER_CIFAR10"):
        missing["cifar"] = "set CLASSIFIER_CIFAR10 to the CIFAR-10 zip to run (make test does)"
    if not Path(CHROMIUM).exists():
        missing["browser"] = "Debian's chromium is not installed (apt-get install chromium; CI installs it)"
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def _isolated_dirs(tmp_path_factory):
    """Runs and caches never touch the developer's folders. Session-wide, so that module fixtures
    (which start before any test's own fixtures) and the app's process-wide engine see it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLASSIFIER_RUNS_DIR", str(tmp_path_factory.getbasetemp() / "runs"))
        patch.setenv("CLASSIFIER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        # The app's one engine serves every page test of the session, as a server serves a whole
        # school: per-student limits are tested on their own (tests/test_safety.py), not by accident.
        patch.setenv("CLASSIFIER_MAX_ACTIVE_RUNS", "1000")
        patch.setenv("CLASSIFIER_MAX_KEPT_RUNS", "100000")
        # Training workers as nice as the tests: on a machine shared with other work a nice worker
        # also waits for everyone else's processes, and tests' time-outs would measure that. The
        # engine's own priority is tested on its own (tests/test_classroom.py).
        patch.setenv("CLASSIFIER_WORKER_NICE", "0")
        yield


@pytest.fixture(scope="session")
def shapes_data():
    from classifier.core.data import shapes

    return shapes(60, 20)


@pytest.fixture(scope="session")
def trained(shapes_data):
    """The seed network after two short epochs on a small shapes set (real training, ~3 s)."""
    from classifier.core.config import Config
    from classifier.core.model import build_model
    from classifier.training import pipeline

    config = Config(dataset="shapes", epochs=2)
    model = build_model(config, shapes_data.num_classes)
    model.fit(pipeline.training_batches(shapes_data.x_train, shapes_data.y_train, config), epochs=2, verbose=0)
    return model


@pytest.fixture(scope="session")
def saved_model_path(trained, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "shapes.keras"
    trained.save(path)
    return path


@pytest.fixture
def photo_bytes() -> bytes:
    return (PHOTOS / "dog.jpg").read_bytes()


def random_image(seed: int = 0, size: tuple[int, int] = (40, 30)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
