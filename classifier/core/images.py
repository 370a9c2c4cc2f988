"""Safe image decoding: any file Pillow reads -> an upright RGB 32x32 uint8 array.

Used both for uploaded photos and for images in user data sets, so hostile files
(decompression bombs, truncated or disguised files) fail here with one clear error.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from classifier.core.messages import ClassifierError

IMAGE_SIZE = 32
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is fine; a "tiny file, huge image" bomb is not
FIT_MODES = ("crop", "squash")
REDUCE_GAP = 3  # box-reduce a photo to >= 3x the input size before the Lanczos filter


class ImageError(ClassifierError):
    """An image could not be used: a code `image.*` (see classifier/core/messages.py) saying why and
    what the person can do instead; `str(error)` is the English sentence."""


def _describe_unsupported(head: bytes) -> ImageError:
    """A specific error for well-known formats Pillow cannot read."""
    text = head.lstrip()[:256].lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return ImageError("image.svg")
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftypheif"):
        return ImageError("image.heic")
    if head[4:12] == b"ftypavif":
        return ImageError("image.avif")
    if head.startswith(b"%PDF"):
        return ImageError("image.pdf")
    if head.startswith(b"PK\x03\x04"):
        return ImageError("image.zip")
    if text.startswith((b"<!doctype html", b"<html")):
        return ImageError("image.html")
    return ImageError("image.unknown")


def read_bytes(source: bytes | str | os.PathLike) -> bytes:
    """The raw bytes of an upload or a file, refusing empty and oversized ones."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _too_big(size)
            data = path.read_bytes()
        except ImageError:
            raise
        except IsADirectoryError:
            raise ImageError("image.folder") from None
        except OSError as error:
            raise ImageError("image.unreadable", reason=str(error.strerror or error)) from None
    if not data:
        raise ImageError("image.empty")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    return data


def _too_big(size: int) -> ImageError:
    return ImageError("image.file_too_big", size_mb=size / 2**20, limit_mb=MAX_FILE_BYTES // 2**20)


def open_image(source: bytes | str | os.PathLike, draft_size: int | None = None) -> Image.Image:
    """Decode an image fully, upright (EXIF orientation applied), first frame if animated.

    With `draft_size`, a JPEG is decoded at a reduced scale (never below that size): an
    8-fold smaller decode for a phone photo, and far more than a 32x32 input needs."""
    data = read_bytes(source)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_PIXELS and 2x; treat the warning as the error it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageError("image.too_many_pixels", width=width, height=height, limit=MAX_PIXELS // 1_000_000)
            image.seek(0)
            if draft_size and image.format == "JPEG":
                image.draft("RGB", (draft_size, draft_size))
            image.load()
            image = ImageOps.exif_transpose(image)
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise _describe_unsupported(data[:512]) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("image.bomb") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as error:
        raise ImageError("image.damaged", detail=_short(error)) from None
    except MemoryError:
        raise ImageError("image.too_large_to_decode") from None
    return image


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) < 120 else text[:117] + "..."


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB with transparency composited on white, 16-bit and CMYK images converted."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # Pillow's convert("L") clips 16-bit values; rescale to 0..255 instead.
        values = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if image.mode.startswith("I;16") or values.max() > 255 else 255.0
        values = np.clip(values / peak * 255.0, 0, 255).astype(np.uint8)
        image = Image.fromarray(values, mode="L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("RGB")


def fit_to_input(image: Image.Image, fit: str = "crop", size: int = IMAGE_SIZE) -> np.ndarray:
    """The size x size uint8 RGB array the model sees: centre crop (default) or squash."""
    if fit not in FIT_MODES:
        raise ValueError(f"fit: must be one of {', '.join(FIT_MODES)} (got {fit!r})")
    rgb = _reduced(to_rgb(image), size)
    if fit == "crop":
        small = ImageOps.fit(rgb, (size, size), Image.Resampling.LANCZOS)
    else:
        small = rgb.resize((size, size), Image.Resampling.LANCZOS)
    return np.asarray(small, dtype=np.uint8)


def _reduced(image: Image.Image, size: int) -> Image.Image:
    """Shrink by a whole factor (a cheap box filter) while the short side stays >= REDUCE_GAP x size.

    Lanczos from a photo straight down to 32 px costs work in proportion to the photo's pixels;
    after the box reduction it costs almost nothing, and the result looks the same."""
    factor = min(image.size) // (REDUCE_GAP * size)
    return image.reduce(factor) if factor >= 2 else image


def load_input(source: bytes | str | os.PathLike, fit: str = "crop") -> np.ndarray:
    """Bytes or a path -> the 32x32x3 uint8 model input; raises ImageError for bad files."""
    return fit_to_input(open_image(source), fit)
