import io
import zipfile

import keras
import numpy as np
import pytest
from PIL import Image, ImageOps

from classifier.core import images
from classifier.core.images import ImageError
from classifier.core.messages import ClassifierError
from classifier.core.predict import ModelError, load_model, predict_image, predict_many


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def half_red_half_blue(size=(64, 32)) -> Image.Image:
    pixels = np.zeros((size[1], size[0], 3), np.uint8)
    pixels[:, : size[0] // 2] = (255, 0, 0)
    pixels[:, size[0] // 2 :] = (0, 0, 255)
    return Image.fromarray(pixels)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF"])
def test_every_common_format_becomes_a_32x32_rgb_input(fmt):
    data = encode(half_red_half_blue((64, 64)).convert("RGB"), fmt)
    array = images.load_input(data)
    assert array.shape == (32, 32, 3) and array.dtype == np.uint8
    assert array[16, 2, 0] > 150 and array[16, 29, 2] > 150  # red left, blue right


def test_exif_orientation_is_applied():
    # Stored sideways (red on top) with EXIF "rotate 90 CW": upright, red is on the left.
    stored = half_red_half_blue((64, 64)).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    upright = images.load_input(encode(stored, "JPEG", exif=exif))
    assert upright[16, 2, 0] > 150 and upright[16, 29, 2] > 150


def test_transparency_is_composited_on_white():
    rgba = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    assert images.load_input(encode(rgba, "PNG")).min() == 255
    palette = Image.new("P", (32, 32), 0)
    palette.putpalette([0, 0, 0] * 256)
    palette.info["transparency"] = 0
    assert images.load_input(encode(palette, "PNG", transparency=0)).min() == 255


def test_sixteen_bit_cmyk_and_grayscale_images():
    sixteen = Image.fromarray(np.full((20, 20), 65535, np.uint16))
    assert images.load_input(encode(sixteen, "PNG")).min() == 255
    cmyk = Image.new("CMYK", (20, 20), (0, 255, 255, 0))  # pure red in CMYK
    red = images.load_input(encode(cmyk, "JPEG"))
    assert red[..., 0].mean() > 200 and red[..., 1].mean() < 60
    gray = images.load_input(encode(Image.new("L", (20, 20), 128), "PNG"))
    assert np.allclose(gray, 128, atol=2)


def test_crop_and_squash_differ_for_wide_images():
    wide = encode(half_red_half_blue((300, 100)), "PNG")
    crop, squash = images.load_input(wide, "crop"), images.load_input(wide, "squash")
    assert crop.shape == squash.shape == (32, 32, 3)
    assert not np.array_equal(crop, squash)
    with pytest.raises(ValueError, match="fit"):
        images.load_input(wide, "stretch")


@pytest.mark.parametrize(
    "data, code, message",
    [
        (b"", "image.empty", "the file is empty (0 bytes); choose the picture itself"),
        (
            b"just some text, not a picture",
            "image.unknown",
            "not a picture this app can open; use PNG, JPEG, WebP, GIF, BMP or TIFF",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
            "image.svg",
            "an SVG drawing, which this app cannot open; export it as PNG or JPEG",
        ),
        (
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
            "image.heic",
            "a HEIC/HEIF photo, which this app cannot open; convert it to JPEG or PNG first",
        ),
        (b"%PDF-1.4\n", "image.pdf", "a PDF document, not a picture; export the page as PNG or JPEG"),
    ],
)
def test_unreadable_files_get_specific_messages(data, code, message):
    """A code the app renders in the reader's language; the English (CLI) says what to do instead."""
    with pytest.raises(ImageError) as error:
        images.load_input(data)
    assert isinstance(error.value, ClassifierError) and error.value.message.code == code
    assert str(error.value) == message
    assert "Pillow" not in str(error.value)


def test_truncated_and_bomb_images_are_refused():
    jpeg = encode(half_red_half_blue((200, 200)), "JPEG")
    with pytest.raises(ImageError) as damaged:
        images.load_input(jpeg[: len(jpeg) // 2])
    assert damaged.value.message.code == "image.damaged" and "truncated" in damaged.value.message.params["detail"]
    assert str(damaged.value).startswith("the picture file is damaged or truncated (")
    assert str(damaged.value).endswith("); save or download it again")
    bomb = encode(Image.new("1", (20000, 20000)), "PNG")  # a few kB that claim 400 megapixels
    assert len(bomb) < 200_000
    with pytest.raises(ImageError) as error:
        images.load_input(bomb)
    assert error.value.message.code == "image.bomb" and "decompression bomb" in str(error.value)


def test_a_picture_over_the_pixel_limit_but_under_pillows_is_refused_with_its_size(monkeypatch):
    """Between MAX_PIXELS and Pillow's own bomb limit the package's check speaks, with the numbers."""
    monkeypatch.setattr(images, "MAX_PIXELS", 2_000_000)
    with pytest.raises(ImageError) as error:
        images.load_input(encode(Image.new("L", (2000, 1001)), "PNG"))
    assert error.value.message.code == "image.too_many_pixels"
    assert error.value.message.params == {"width": 2000, "height": 1001, "limit": 2}
    assert str(error.value).startswith("the picture claims 2000×1001 pixels, over the 2-megapixel limit")


def test_a_large_photo_is_box_reduced_first_and_looks_the_same(photo_bytes):
    photo = Image.open(io.BytesIO(photo_bytes)).convert("RGB")
    direct = np.asarray(ImageOps.fit(photo, (32, 32), Image.Resampling.LANCZOS), dtype=np.float64)
    reduced = images.fit_to_input(photo)  # 768x576 -> reduce(6) -> 128x96 -> Lanczos
    assert images._reduced(photo, 32).size == (128, 96)
    assert np.abs(reduced - direct).mean() < 2.0  # out of 255: the same picture


def test_predict_image_returns_top_k_and_the_model_input(saved_model_path, photo_bytes):
    loaded = load_model(saved_model_path, classes=("circle", "square", "triangle", "cross", "ring", "stripes"))
    result = predict_image(loaded, photo_bytes, top=3)
    assert result.model_input.shape == (32, 32, 3)
    assert len(result.top) == 3 and result.top[0][1] >= result.top[1][1] >= result.top[2][1]
    assert result.top[0][0] == loaded.classes[int(np.argmax(result.probabilities))]
    assert np.isclose(result.probabilities.sum(), 1, atol=1e-4)
    assert result.preview is None  # only drawn when asked for
    assert result.unsure in (True, False)
    shown = predict_image(loaded, photo_bytes, top=3, preview=True)
    assert shown.preview.mode == "RGB" and max(shown.preview.size) <= 512
    assert np.array_equal(shown.model_input, result.model_input)  # the preview never changes the input


def test_predict_many_keeps_bad_files_apart(saved_model_path, photo_bytes):
    loaded = load_model(saved_model_path)
    results = predict_many(loaded, [photo_bytes, b"garbage", photo_bytes])
    assert isinstance(results[1], ImageError)
    # The same photo at two batch positions: the same labels in the same order, and probabilities
    # equal to float32 rounding (different batch layouts may take different SIMD paths).
    assert [label for label, _ in results[0].top] == [label for label, _ in results[2].top]
    np.testing.assert_allclose(results[0].probabilities, results[2].probabilities, atol=1e-6)
    assert loaded.classes == tuple(f"class {i}" for i in range(6))  # 6 outputs, no names given


def test_default_model_loads_with_cifar10_classes():
    loaded = load_model("default")
    assert loaded.classes[0] == "airplane" and len(loaded.classes) == 10
    assert loaded.info.get("test_accuracy", 0) > 0.6


def test_hostile_model_files_are_refused(tmp_path, trained):
    with pytest.raises(ModelError, match="zip archive"):
        load_model(b"\x00" * 100)
    inputs = keras.Input((32, 32, 3))
    lambda_model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    lambda_model.save(tmp_path / "lambda.keras")
    with pytest.raises(ModelError, match="Lambda"):
        load_model(tmp_path / "lambda.keras")
    wrong = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    wrong.save(tmp_path / "mnist.keras")
    with pytest.raises(ModelError, match="32x32 RGB"):
        load_model(tmp_path / "mnist.keras")
    with zipfile.ZipFile(tmp_path / "fake.keras", "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ModelError, match="no config.json"):
        load_model(tmp_path / "fake.keras")
    with pytest.raises(ModelError, match="class names"):
        load_model(_save(trained, tmp_path), classes=("a", "b"))


def _save(model, folder):
    path = folder / "ok.keras"
    model.save(path)
    return path


def test_a_weak_best_guess_is_unsure_and_a_clear_one_is_not():
    from classifier.core.predict import Prediction

    image = np.zeros((32, 32, 3), np.uint8)
    torn = np.array([0.3, 0.28, 0.22, 0.2])  # the best guess barely ahead: the page warns
    clear = np.array([0.9, 0.05, 0.03, 0.02])
    assert Prediction(image, torn, [("a", 0.3), ("b", 0.28)]).unsure
    assert not Prediction(image, clear, [("a", 0.9), ("b", 0.05)]).unsure


def test_flip_averaging_is_the_mean_of_the_image_and_its_mirror(trained, shapes_data):
    from classifier.core.predict import LoadedModel

    loaded = LoadedModel(trained, shapes_data.classes, "shapes")
    batch = shapes_data.x_test[:8]
    as_seen = loaded.probabilities(batch)
    mirrored = loaded.probabilities(batch[:, :, ::-1].copy())
    averaged = loaded.probabilities(batch, tta="flip")
    np.testing.assert_allclose(averaged, (as_seen + mirrored) / 2, atol=1e-6)
    np.testing.assert_allclose(averaged.sum(axis=1), 1.0, atol=1e-5)
    # An asymmetric picture: the mirror really is another look (the two differ somewhere).
    assert np.abs(as_seen - mirrored).max() > 1e-4


def test_flip_averaged_keras_model_evaluates_what_the_numpy_mean_predicts(trained, shapes_data):
    from classifier.core.predict import LoadedModel, with_flip_averaging

    averaging = with_flip_averaging(trained)
    averaging.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = shapes_data.x_test, shapes_data.y_test
    _, accuracy = averaging.evaluate(x.astype(np.float32) / 255, y, verbose=0)
    expected = LoadedModel(trained, shapes_data.classes, "shapes").probabilities(x, tta="flip")
    assert accuracy == pytest.approx(float(np.mean(expected.argmax(axis=1) == y)))


def test_unknown_test_time_augmentation_is_refused(trained, shapes_data, photo_bytes):
    from classifier.core.predict import LoadedModel

    with pytest.raises(ModelError) as refused:
        predict_image(LoadedModel(trained, shapes_data.classes, "shapes"), photo_bytes, tta="rotate")
    assert refused.value.message.code == "model.tta"
