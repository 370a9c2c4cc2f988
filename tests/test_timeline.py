"""Learning over time: the worker records the first filters and a probe image's feature maps from
random initialisation to the last epoch, each snapshot bounded in size, the folder bounded in count."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from test_engine import TINY, train_in_this_process

from classifier.core import inspect
from classifier.core.config import Config
from classifier.core.data import load_dataset
from classifier.core.model import build_model
from classifier.core.runs import RunStore
from classifier.training import timeline


def test_a_run_records_filters_and_maps_from_initialisation_to_the_end(tmp_path):
    store = RunStore(tmp_path)
    trainer, _ = train_in_this_process(store, TINY.replace(epochs=3))
    run_id = trainer.info.run_id
    assert trainer.progress.status == "finished" and not trainer.progress.warnings
    assert timeline.epochs(store, run_id) == [0, 1, 2, 3]  # 0: before the first batch

    first, last = timeline.load(store, run_id, 0), timeline.load(store, run_id, 3)
    assert (first.epoch, last.epoch) == (0, 3)
    # The probe is the data set's first test image, the same in every snapshot.
    probe = load_dataset("shapes", TINY.limit).x_test[0]
    assert np.array_equal(first.probe, probe) and np.array_equal(last.probe, probe)

    # The last snapshot is the trained network: its kernels are the checkpoint's (to float16) ...
    model = keras.saving.load_model(store.model_path(run_id))
    kernel = model.get_layer("conv1").get_weights()[0]
    assert last.kernels.shape == kernel.shape == (3, 3, 3, 32)
    np.testing.assert_allclose(last.kernels, kernel, rtol=2e-3, atol=2e-4)
    assert not np.allclose(first.kernels, last.kernels, atol=1e-3)  # training moved them
    assert last.filters().shape == (32, 3, 3, 3) and last.filters().min() >= 0 and last.filters().max() <= 1

    # ... and its maps are what the checkpoint computes on the probe, to 1/255 of each map's range.
    assert list(last.maps) == ["conv1", "conv2", "conv3"]
    side = keras.Model(model.input, [model.get_layer(n).output for n in last.maps])
    for name, expected in zip(last.maps, side(probe[None].astype(np.float32) / 255.0)):
        expected = np.asarray(expected[0], dtype=np.float32)
        span = expected.max(axis=(0, 1)) - expected.min(axis=(0, 1))
        assert last.maps[name].shape == expected.shape
        assert np.all(np.abs(last.maps[name] - expected) <= span / 255 + 1e-2 * np.abs(expected).max() + 1e-6), name

    change = timeline.filter_change(store, run_id)
    assert [e for e, _ in change] == [0, 1, 2, 3] and change[0][1] == 0.0 and change[-1][1] > 0


def test_a_snapshot_of_the_widest_first_layer_stays_within_its_bound(tmp_path):
    """7x7 kernels, 64 filters, 24 convolutions with 'same' padding: the largest maps a Config allows
    per layer. The arrays stay under SNAPSHOT_BYTES, the layers kept fill MAP_BUDGET in order."""
    config = Config(
        dataset="shapes",
        kernel_size=7,
        padding="same",
        conv_filters=(128,) + (64,) * 5,
        convs_per_block=4,
        pool_after=(True,) * 5 + (False,),
        batch_norm=True,
    )
    model = build_model(config, 6)
    recorder = timeline.Recorder(model, np.zeros((32, 32, 3), np.uint8))
    assert recorder.layers == [("act1_1", 64)]  # 128 channels capped; the next 32x32 layer would not fit
    arrays = recorder.snapshot()
    assert arrays["kernels"].shape == (7, 7, 3, timeline.MAX_FILTERS)
    assert sum(a.nbytes for a in arrays.values()) <= timeline.SNAPSHOT_BYTES
    store = RunStore(tmp_path)
    run_id = store.create(config).run_id
    for epoch in range(100):  # the folder: at most MAX_SNAPSHOTS files, epoch 0 and the latest kept
        timeline.write(store, run_id, epoch, arrays)
    kept = timeline.epochs(store, run_id)
    assert len(kept) <= timeline.MAX_SNAPSHOTS and kept[0] == 0 and kept[-1] == 99
    files = list(timeline.folder(store, run_id).iterdir())
    assert len(files) == len(kept) and max(f.stat().st_size for f in files) <= timeline.SNAPSHOT_BYTES


def test_the_seed_network_keeps_every_convolution():
    recorder = timeline.Recorder(build_model(Config(dataset="shapes"), 6), np.zeros((32, 32, 3), np.uint8))
    assert recorder.layers == [("conv1", 32), ("conv2", 64), ("conv3", 64)]
    assert sum(a.nbytes for a in recorder.snapshot().values()) <= 48 * 1024  # 40.6 KB of maps + 1.7 KB filters


@pytest.mark.parametrize("total", [1, 33, 34, 100, 1000])
def test_thinning_keeps_a_bounded_evenly_spaced_set(total):
    present: list[int] = []
    for epoch in range(total + 1):  # written one epoch at a time, as a run does
        present = timeline.kept_epochs([*present, epoch])
        assert len(present) <= timeline.MAX_SNAPSHOTS and present[0] == 0 and present[-1] == epoch
    gaps = np.diff(present[:-1]) if len(present) > 2 else np.array([1])
    assert len(set(gaps.tolist())) == 1  # one stride, a power of two
    assert gaps[0] & (gaps[0] - 1) == 0 and gaps[0] <= max(1, 2 * total / (timeline.MAX_SNAPSHOTS - 1))
    assert present == timeline.kept_epochs(list(range(total + 1)))  # the same as thinning all at once


def test_truncate_drops_the_epochs_a_resume_trains_again(tmp_path):
    store = RunStore(tmp_path)
    run_id = store.create(Config(dataset="shapes")).run_id
    arrays = {"probe": np.zeros((32, 32, 3), np.uint8)}
    for epoch in range(6):
        timeline.write(store, run_id, epoch, arrays)
    timeline.truncate(store, run_id, 3)
    assert timeline.epochs(store, run_id) == [0, 1, 2, 3]
    assert timeline.load(store, run_id, 5) is None and timeline.load(store, run_id, 3).maps == {}


def test_a_confusion_cell_lists_its_images_most_confident_first():
    y_true = np.array([0, 1, 1, 1, 2, 1])
    probabilities = np.array(
        [
            [0.9, 0.05, 0.05],
            [0.2, 0.1, 0.7],  # true 1, predicted 2 (0.7)
            [0.1, 0.8, 0.1],  # true 1, right
            [0.1, 0.0, 0.9],  # true 1, predicted 2 (0.9)
            [0.1, 0.1, 0.8],
            [0.3, 0.2, 0.5],  # true 1, predicted 2 (0.5)
        ]
    )
    assert inspect.cell_images(y_true, probabilities, 1, 2).tolist() == [3, 1, 5]
    assert inspect.cell_images(y_true, probabilities, 1, 2, count=2).tolist() == [3, 1]
    assert inspect.cell_images(y_true, probabilities, 1, 1).tolist() == [2]
    assert inspect.cell_images(y_true, probabilities, 2, 0).tolist() == []
