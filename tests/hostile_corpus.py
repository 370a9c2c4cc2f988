"""A corpus of hostile and odd files, generated at test time (no binary fixtures are committed).

Each case names the file as a user would, holds its bytes, and says what must happen to it:
images either decode (with a check on the 32x32 input) or fail with the message code `expect`;
data-set zips either load (with a check on the Dataset) or fail; model files always fail.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

PHOTOS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "photos"
EVIL = "evil.png"  # the file name a zip slip would try to plant


@dataclass(frozen=True)
class Case:
    name: str  # the file name a user would upload
    content: bytes
    expect: str | None = None  # a failure: its message code (images) or text it must contain; None: it works
    check: Callable | None = None  # for a success: called with the result, asserts its details
    what: str = ""


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def left_red_right_blue(size: tuple[int, int] = (64, 64)) -> Image.Image:
    pixels = np.zeros((size[1], size[0], 3), np.uint8)
    pixels[:, : size[0] // 2] = (255, 0, 0)
    pixels[:, size[0] // 2 :] = (0, 0, 255)
    return Image.fromarray(pixels)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_header_claiming(width: int, height: int) -> bytes:
    """A 70-byte PNG whose header claims width x height pixels (a decompression bomb's calling card)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def exif_rotated_jpeg() -> bytes:
    """Stored sideways (red on top, blue below) with EXIF orientation 6 ("rotate 90 clockwise to
    view"): upright, red is on the left and blue on the right."""
    stored = left_red_right_blue((64, 64)).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(stored, "JPEG", exif=exif, quality=95)


def palette_with_transparency() -> bytes:
    image = Image.new("P", (40, 40), 1)
    image.putpalette([0, 0, 0, 0, 200, 0] + [0, 0, 0] * 254)
    for x in range(20):  # the left half uses the transparent index 0
        for y in range(40):
            image.putpixel((x, y), 0)
    return encode(image, "PNG", transparency=0)


def rgba_half_transparent() -> bytes:
    pixels = np.zeros((40, 40, 4), np.uint8)
    pixels[:, :, 2] = 255  # blue...
    pixels[:, 20:, 3] = 255  # ...opaque on the right only; the left is fully transparent
    return encode(Image.fromarray(pixels, "RGBA"), "PNG")


# --- checks on a decoded 32x32 input -----------------------------------------------------------


def _shape(array: np.ndarray) -> None:
    assert array.shape == (32, 32, 3) and array.dtype == np.uint8, (array.shape, array.dtype)


def _uniform(colour: tuple[int, int, int], tolerance: int = 12):
    def check(array: np.ndarray) -> None:
        _shape(array)
        assert np.abs(array.astype(int) - colour).max() <= tolerance, array.reshape(-1, 3)[:3]

    return check


def _upright(array: np.ndarray) -> None:
    _shape(array)
    left, right = array[:, :12].reshape(-1, 3).mean(axis=0), array[:, 20:].reshape(-1, 3).mean(axis=0)
    assert left[0] > 200 and left[2] < 60, f"left half should be red, is {left}"
    assert right[2] > 200 and right[0] < 60, f"right half should be blue, is {right}"


def _left_white_right(colour: tuple[int, int, int]):
    def check(array: np.ndarray) -> None:
        _shape(array)
        assert array[:, :12].min() >= 250, "transparent pixels must become white"
        assert np.abs(array[:, 20:].astype(int) - colour).max() <= 12

    return check


def _photo(array: np.ndarray) -> None:
    _shape(array)
    assert array.std() > 10, "a real photo has detail"


def image_cases() -> list[Case]:
    jpeg = encode(left_red_right_blue((400, 300)), "JPEG", quality=90)
    png = encode(Image.fromarray(np.random.default_rng(0).integers(0, 256, (200, 200, 3), dtype=np.uint8)), "PNG")
    photo = PHOTOS / "dog.jpg"
    return [
        Case("empty.png", b"", "image.empty", what="zero bytes"),
        Case(
            "notes.png", b"Dear diary, this is text with an image's name.\n" * 3, "image.unknown", what="text as .png"
        ),
        Case(
            "noise.jpg",
            np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
            "image.unknown",
            what="random bytes",
        ),
        Case("truncated.jpg", jpeg[: len(jpeg) // 2], "image.damaged", what="JPEG cut in half"),
        Case("truncated.png", png[: len(png) // 2], "image.damaged", what="PNG cut in half"),
        Case(
            "bomb.png",
            encode(Image.new("1", (20000, 20000)), "PNG"),
            "image.bomb",
            what="a few kB of 1-bit PNG that inflates to 400 megapixels",
        ),
        Case(
            "header-bomb.png",
            png_header_claiming(100_000, 100_000),
            "image.bomb",
            what="hand-made PNG header claiming 100000x100000",
        ),
        Case("tiny.png", encode(Image.new("RGB", (1, 1), (10, 200, 30)), "PNG"), check=_uniform((10, 200, 30))),
        Case("strip.png", encode(Image.new("RGB", (10000, 100), (200, 50, 50)), "PNG"), check=_uniform((200, 50, 50))),
        Case("animated.gif", animated_gif(), check=_uniform((255, 0, 0)), what="first (red) frame is used"),
        Case(
            "cmyk.jpg", encode(Image.new("CMYK", (40, 40), (0, 255, 255, 0)), "JPEG"), check=_uniform((255, 0, 0), 30)
        ),
        Case(
            "sixteen-bit.png",
            encode(Image.fromarray(np.full((40, 40), 32768, np.uint16)), "PNG"),
            check=_uniform((128, 128, 128), 2),
            what="mid-grey in 16 bits stays mid-grey",
        ),
        Case("grey.png", encode(Image.new("L", (40, 40), 90), "PNG"), check=_uniform((90, 90, 90), 2)),
        Case("palette.png", palette_with_transparency(), check=_left_white_right((0, 200, 0))),
        Case("rgba.png", rgba_half_transparent(), check=_left_white_right((0, 0, 255))),
        Case("rotated.jpg", exif_rotated_jpeg(), check=_upright, what="EXIF orientation 6 is undone"),
        Case(
            "drawing.svg",
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32">'
            b'<rect width="32" height="32" fill="red"/></svg>',
            "image.svg",
        ),
        Case("photo.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "image.heic"),
        Case("photo.avif", b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64, "image.avif"),
        Case("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "image.pdf"),
        Case(photo.name, photo.read_bytes(), check=_photo, what="a real photo (the good control)"),
    ]


# --- data-set zips ----------------------------------------------------------------------------


def small_png(seed: int) -> bytes:
    return encode(Image.fromarray(np.random.default_rng(seed).integers(0, 256, (32, 32, 3), dtype=np.uint8)), "PNG")


def make_zip(files: dict[str, bytes | None], compression: int = zipfile.ZIP_STORED) -> bytes:
    """A zip in memory; a None value makes a directory entry (how an empty folder is stored)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            if content is None:
                archive.writestr(zipfile.ZipInfo(name.rstrip("/") + "/"), b"")
            else:
                archive.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return buffer.getvalue()


def two_classes(prefix: str = "", count: int = 5) -> dict[str, bytes | None]:
    return {
        f"{prefix}{cls}/{i}.png": small_png(i + 10 * k) for k, cls in enumerate(("cat", "dog")) for i in range(count)
    }


def _classes(*names: str, counts: tuple[int, ...], note: str | None = None, quiet: bool = False):
    """The data set has these classes with these image counts, and a note mentioning `note`;
    `quiet`: no note other than the standard train/test split one."""

    def check(dataset) -> None:
        assert dataset.classes == names, dataset.classes
        total = np.bincount(np.concatenate([dataset.y_train, dataset.y_test]), minlength=len(names))
        assert tuple(total) == counts, total
        if note is not None:
            assert any(note in str(text) for text in dataset.notes), dataset.notes
        if quiet:
            assert all(text.code == "data.note_no_test_folder" for text in dataset.notes), dataset.notes

    return check


def zip_cases() -> list[Case]:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in two_classes().items():
            archive.writestr(name, content)
        archive.writestr("dog/huge.png", b"\0" * (50 * 2**20))
    nested = {
        f"holiday/{cls}/{sub}/{i}.png": small_png(i + 7 * k)
        for k, cls in enumerate(("cat", "dog"))
        for sub in ("2023", "2024/summer")
        for i in range(3)
    }
    # Directory entries as zip tools write them, including an empty subfolder inside a class.
    nested |= {folder: None for folder in ("holiday/", "holiday/cat/", "holiday/dog/2024/", "holiday/cat/empty/")}
    return [
        Case("slip.zip", make_zip({**two_classes(), f"../{EVIL}": small_png(99)}), "unsafe path", what="zip slip"),
        Case(
            "absolute.zip",
            make_zip({**two_classes(), f"/etc/{EVIL}": small_png(99)}),
            "unsafe path",
            what="absolute member path",
        ),
        Case(
            "backslash.zip",
            make_zip({**two_classes(), f"..\\..\\{EVIL}": small_png(99)}),
            "unsafe path",
            what="Windows-style zip slip",
        ),
        Case("bomb.zip", bomb.getvalue(), "zip bomb", what="50 MB of zeros deflated to ~50 kB"),
        Case(
            "flat.zip",
            make_zip({f"{i}.png": small_png(i) for i in range(6)}),
            "no images in class folders",
            what="images at the root",
        ),
        Case(
            "one-class.zip",
            make_zip({f"cat/{i}.png": small_png(i) for i in range(6)}),
            "at least two classes",
            what="one class only",
        ),
        Case(
            "empty-class.zip",
            make_zip({**two_classes(), "bird/": None}),
            check=_classes("cat", "dog", counts=(5, 5), note="bird"),
            what="an empty folder beside two classes: left out with a note",
        ),
        Case(
            "empty-second-class.zip",
            make_zip({**{f"cat/{i}.png": small_png(i) for i in range(5)}, "dog/": None}),
            "at least two classes",
            what="an empty folder leaves one class: an error",
        ),
        Case(
            "mixed.zip",
            make_zip({**two_classes(), "cat/readme.txt": b"hello", "dog/list.csv": b"a,b\n1,2\n", "dog/run.sh": b"ls"}),
            check=_classes("cat", "dog", counts=(5, 5), note="skipped 3 unreadable"),
            what="non-image files are skipped with a note",
        ),
        Case(
            "nested.zip",
            make_zip(nested),
            check=_classes("cat", "dog", counts=(6, 6), quiet=True),
            what="a wrapper folder and deeper subfolders inside classes",
        ),
        Case("notes.zip", b"This is a text file with a .zip name.\n", "neither a zip archive", what="not a zip"),
        Case("empty.zip", b"", "is empty", what="zero bytes"),
        # Names others will read: Markdown, HTML, javascript: and data: links, right-to-left and
        # zero-width characters, a 10,000-character folder (a file name has no "/": the folders do).
        Case(
            "[my data](javascript:alert(1)) www.evil.example \u202egpj.zip",
            make_zip(markup_folders()),
            check=_classes(*sorted(MARKUP_CLASSES), counts=(6, 6, 6), note=MARKUP_EMPTY),
            what="class folders and a file name that carry markup: they are names, nothing more",
        ),
        Case(
            "<img src=x onerror=alert(1)> [x](data:text,hi).zip",
            make_zip({f"{'A' * 10_000}[c](javascript:alert(1))/{i}.png": small_png(i) for i in range(4)}),
            "at least two classes",
            what="one class with a 10,000-character name",
        ),
    ]


MARKUP_CLASSES = ("[cat](javascript:alert(1))", "<img src=x onerror=alert(1)>", "dog\u200b\u202e<b>bold")
MARKUP_EMPTY = "![bird](http:evil.example)"  # a browser reads http:host as http://host/


def markup_folders() -> dict[str, bytes | None]:
    """Six images in each MARKUP_CLASSES folder, and MARKUP_EMPTY empty."""
    files: dict[str, bytes | None] = {
        f"{cls}/{i}.png": small_png(i + 10 * k) for k, cls in enumerate(MARKUP_CLASSES) for i in range(6)
    }
    return files | {f"{MARKUP_EMPTY}/": None}


# --- model files ------------------------------------------------------------------------------


def model_cases(folder: Path, marker: Path) -> list[Case]:
    """Built with Keras in `folder`. The Lambda layer touches `marker` whenever its code runs."""
    import keras

    def saved(model, name: str) -> bytes:
        model.save(folder / name)
        return (folder / name).read_bytes()

    inputs = keras.Input((32, 32, 3))
    # eval: the marker path becomes a constant in the lambda's own code, which Keras marshals into the file
    touch = eval(f"lambda x: (__import__('pathlib').Path({str(marker)!r}).touch(), x)[1]")  # noqa: S307
    pooled = keras.layers.GlobalAveragePooling2D()(keras.layers.Lambda(touch)(inputs))
    lambda_bytes = saved(keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(pooled)), "lambda.keras")
    marker.unlink()  # building the model ran the lambda once; from now on it must never run

    mnist = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    single = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(1)])
    return [
        Case("lambda.keras", lambda_bytes, "Lambda layer", what="refused by safe mode; its code never runs"),
        Case("mnist.keras", saved(mnist, "mnist.keras"), "(28, 28, 1)", what="wrong input shape"),
        Case("single.keras", saved(single, "single.keras"), "at least two classes", what="one output"),
        Case(
            "random.keras",
            np.random.default_rng(2).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
            "zip archive",
            what="random bytes",
        ),
        Case("photos.keras", make_zip({"cat/1.png": small_png(1)}), "no config.json", what="a zip, not a model"),
        Case("empty.keras", b"", "the model file is empty", what="zero bytes"),
    ]
