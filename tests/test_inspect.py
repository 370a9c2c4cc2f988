import numpy as np
import pytest

from classifier.core import inspect
from classifier.core.config import Config
from classifier.core.model import describe_layers


def test_filters_are_normalised_and_rgb_for_the_first_layer(trained):
    first = inspect.filters(trained, "conv1")
    assert first.shape == (32, 3, 3, 3)
    deeper = inspect.filters(trained, "conv2")
    assert deeper.shape == (64, 3, 3)
    for kernels in (first, deeper):
        flat = kernels.reshape(len(kernels), -1)
        assert np.allclose(flat.min(axis=1), 0) and np.allclose(flat.max(axis=1), 1)
    with pytest.raises(ValueError, match="not a convolution"):
        inspect.filters(trained, "pool1")


def test_feature_maps_of_every_layer_and_grad_cam(trained, shapes_data):
    image = shapes_data.x_test[0]
    result = inspect.inspect_image(trained, image)
    expected = {i.name: i.output_shape for i in describe_layers(Config(), 6) if len(i.output_shape) == 3}
    assert {name: m.shape for name, m in result.feature_maps.items()} == expected
    probabilities = np.asarray(trained(image[None].astype("float32") / 255.0))[0]
    assert np.allclose(result.probabilities, probabilities, atol=1e-5)
    assert result.class_index == int(probabilities.argmax())
    assert result.heatmap.shape == (4, 4)  # the last conv layer of the seed network
    assert result.heatmap.min() >= 0 and result.heatmap.max() <= 1


def test_grad_cam_differs_by_class(trained, shapes_data):
    image = shapes_data.x_test[3]
    maps = [inspect.inspect_image(trained, image, class_index=c).heatmap for c in range(6)]
    assert any(not np.allclose(maps[0], other) for other in maps[1:])
    assert inspect.inspect_image(trained, image, class_index=2).class_index == 2


def test_overlay_and_tile_images(shapes_data):
    black = np.zeros((32, 32, 3), np.uint8)
    heat = np.zeros((4, 4))
    heat[0, 0] = 1.0
    picture = inspect.overlay(black, heat, scale=4)
    assert picture.shape == (128, 128, 3) and picture.dtype == np.uint8
    hot, cold = picture[2, 2].astype(int), picture[-3, -3].astype(int)
    assert hot[0] > hot[2] and cold[2] > cold[0]  # red where the heat is, blue where it is not
    grid = inspect.tile(np.random.default_rng(0).random((10, 5, 5)), columns=4)
    assert grid.shape == (3 * 6 - 1, 4 * 6 - 1)


def test_confusion_matrix_and_mistakes():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    probabilities = np.array(
        [[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.05, 0.05, 0.9], [0, 0.2, 0.8], [0.6, 0.3, 0.1]]
    )
    predicted = probabilities.argmax(axis=1)
    matrix = inspect.confusion_matrix(y_true, predicted, 3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 1], [1, 0, 1]]
    assert inspect.per_class_accuracy(matrix).tolist() == [0.5, 0.5, 0.5]
    assert inspect.most_confused(matrix, ("a", "b", "c"), 2) == [("a", "b", 1), ("b", "c", 1)]
    matrix[2, 0] = 5
    assert inspect.most_confused(matrix, ("a", "b", "c"), 1) == [("c", "a", 5)]
    # Most confidently wrong first: 0.9 (true b -> c), 0.7 (a -> b), 0.6 (c -> a).
    assert inspect.mistakes(y_true, probabilities).tolist() == [3, 1, 5]
    assert inspect.mistakes(y_true, probabilities, true_class=2).tolist() == [5]


def test_predict_probabilities_in_batches(trained, shapes_data):
    probabilities = inspect.predict_probabilities(trained, shapes_data.x_test, batch_size=7)
    assert probabilities.shape == (len(shapes_data.x_test), 6)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
