import numpy as np

from classifier.core.config import Config
from classifier.training import pipeline


def _images(count: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (count, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, count)


def test_training_batches_are_scaled_shuffled_and_complete():
    x, y = _images()
    batches = list(pipeline.training_batches(x, y, Config(batch_size=16)))
    # batches may arrive out of order (parallel, non-deterministic map); their sizes may not
    assert sorted(len(labels) for _, labels in batches) == [8, 16, 16]
    images = np.concatenate([b.numpy() for b, _ in batches])
    assert images.dtype == np.float32 and images.min() >= 0.0 and images.max() <= 1.0
    # every image exactly once, pixels / 255, labels still attached
    order = [int(np.argmin(np.abs(x.reshape(40, -1) / 255.0 - img.reshape(1, -1)).sum(axis=1))) for img in images]
    assert sorted(order) == list(range(40))
    assert order != list(range(40))  # shuffled (the chance of the identity order is 1 in 40!)
    assert np.allclose(images, x[order] / 255.0, atol=1e-6)
    assert np.concatenate([labels.numpy() for _, labels in batches]).tolist() == y[order].tolist()


def test_shift_moves_pixels_without_blurring_them():
    x, _ = _images(8)
    batch = pipeline.augment(x.astype(np.float32) / 255.0, ("shift",)).numpy()
    assert batch.shape == (8, 32, 32, 3)
    # a whole-pixel shift (reflect-padded) only moves values: the centre 24x24 stays a copy of the original
    for shifted, original in zip(batch, x / 255.0):
        centre = shifted[4:28, 4:28]
        matches = [
            np.allclose(centre, original[4 + dy : 28 + dy, 4 + dx : 28 + dx], atol=1e-5)
            for dy in range(-4, 5)
            for dx in range(-4, 5)
        ]
        assert any(matches)


def test_autotune_is_off_so_a_new_epoch_never_waits_for_it():
    # With autotune on, destroying each epoch's iterator waited 14-22 s for the autotune thread.
    x, y = _images()
    assert pipeline.training_batches(x, y, Config()).options().autotune.enabled is False
    assert pipeline.evaluation_batches(x, y).options().autotune.enabled is False
