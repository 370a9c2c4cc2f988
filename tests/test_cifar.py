"""Real CIFAR-10 (the shared copy named by CLASSIFIER_CIFAR10): loader, learning, the built-in model."""

import numpy as np
import pytest

from classifier.core.config import Config
from classifier.core.data import CIFAR10_CLASSES, load_dataset

pytestmark = pytest.mark.cifar


@pytest.fixture(scope="module")
def cifar10():
    return load_dataset("cifar10")


def test_loader_returns_the_whole_data_set_in_canonical_order(cifar10):
    assert cifar10.classes == CIFAR10_CLASSES
    assert cifar10.x_train.shape == (50_000, 32, 32, 3) and cifar10.x_test.shape == (10_000, 32, 32, 3)
    assert cifar10.x_train.dtype == np.uint8
    assert np.bincount(cifar10.y_train).tolist() == [5000] * 10
    assert np.bincount(cifar10.y_test).tolist() == [1000] * 10
    # Known per-channel mean of the CIFAR-10 training images (0.4914, 0.4822, 0.4465).
    mean = cifar10.x_train.reshape(-1, 3).mean(axis=0) / 255
    assert np.allclose(mean, [0.491, 0.482, 0.447], atol=0.01)


def test_seed_network_learns_on_a_real_subset(tmp_path):
    from classifier.core.runs import RunStore
    from classifier.engine import LocalEngine

    job = LocalEngine(RunStore(tmp_path)).submit(Config(limit=3000, epochs=2))
    assert job.wait(300)
    snap = job.snapshot()
    assert snap.status == "finished", snap.reason
    assert snap.test_accuracy > 0.25  # chance is 0.10


def test_built_in_model_accuracy_on_the_real_test_set(cifar10):
    from classifier.core.inspect import predict_probabilities
    from classifier.core.predict import load_model

    loaded = load_model("default")
    plain = predict_probabilities(loaded.model, cifar10.x_test)
    mirrored = predict_probabilities(loaded.model, cifar10.x_test[:, :, ::-1])
    accuracy = float((plain.argmax(axis=1) == cifar10.y_test).mean())
    flip_averaged = float((((plain + mirrored) / 2).argmax(axis=1) == cifar10.y_test).mean())
    assert accuracy >= 0.69
    # The figures in docs/training.md hold: the run's own final test pass (with its test-time choice), and
    # the same model seeing each image once.
    tested = flip_averaged if loaded.info.get("tta", "none") == "flip" else accuracy
    assert tested == pytest.approx(loaded.info["test_accuracy"], abs=0.005)
    assert accuracy == pytest.approx(loaded.info.get("test_accuracy_single_view", accuracy), abs=0.005)
