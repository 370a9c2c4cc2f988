"""Chart shaping and picture helpers of ui/charts.py, without a page around them."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from classifier.engine.progress import BatchPoint
from ui import charts


def points(epoch_index: int, running_means: list[tuple[float, float]], per_epoch: int) -> list[BatchPoint]:
    """Keras's reports within one epoch: running means after steps 1, 2, ..."""
    return [
        BatchPoint(epoch_index + step / per_epoch, loss, accuracy, epoch_index, step)
        for step, (loss, accuracy) in enumerate(running_means, start=1)
    ]


def test_smoothing_undoes_the_running_mean_and_restarts_with_each_epoch():
    # Batch losses 4, 2 then (new epoch) 1, 1: Keras reports the running means 4, 3 and 1, 1.
    batches = points(0, [(4.0, 0.0), (3.0, 0.5)], per_epoch=2) + points(1, [(1.0, 1.0), (1.0, 1.0)], per_epoch=2)
    xs, losses, accuracies = charts.smoothed_batches(batches)
    weight = 2 / (charts.SMOOTHING_SPAN + 1)
    expected_loss = [4.0]
    for batch_loss in (2.0, 1.0, 1.0):  # the batches' own losses, recovered from the running means
        expected_loss.append(weight * batch_loss + (1 - weight) * expected_loss[-1])
    assert xs == [0.5, 1.0, 1.5, 2.0]
    assert losses == pytest.approx(expected_loss)
    assert accuracies[0] == 0.0 and accuracies[1] == pytest.approx(weight * 1.0)
    assert all(0.0 <= a <= 1.0 for a in accuracies)


def test_smoothing_skips_a_non_finite_report_and_repeated_steps():
    batches = points(0, [(2.0, 0.5), (float("nan"), 0.5)], per_epoch=4)
    batches.append(BatchPoint(0.5, 2.0, 0.5, 0, 2))  # the same step once more: nothing new to show
    xs, losses, _ = charts.smoothed_batches(batches)
    assert xs == [0.25, 0.5] and np.isfinite(losses).all()


def decoded(png: bytes) -> np.ndarray:
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"  # st.image(..., output_format="PNG") then sends these bytes as they are
    return np.asarray(picture)


def test_enlarge_keeps_hard_pixel_edges_in_a_png():
    image = np.random.default_rng(0).integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
    pixels = decoded(charts.enlarge(image, 3))
    assert pixels.shape == (12, 15, 3)
    assert (pixels == np.repeat(np.repeat(image, 3, axis=0), 3, axis=1)).all()


def test_enlarge_never_makes_a_picture_wider_than_streamlit_shows_unresized():
    from streamlit.elements.lib.image_utils import MAXIMUM_CONTENT_WIDTH

    assert charts.PAGE_WIDTH == MAXIMUM_CONTENT_WIDTH  # wider: Streamlit would resize (blur) it as JPEG
    feature_maps = np.linspace(0, 1, 79 * 13).reshape(13, 79).astype(np.float32)  # 16 maps of 4x4 in a row
    pixels = decoded(charts.enlarge(feature_maps, 24))
    assert pixels.shape[1] <= charts.PAGE_WIDTH and pixels.shape[1] % 79 == 0  # a whole scale, still crisp
    assert pixels.shape[1] // 79 == charts.PAGE_WIDTH // 79
