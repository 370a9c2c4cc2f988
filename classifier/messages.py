"""What the package tells a person, as codes with parameters, never as finished sentences.

A failure, a warning or a progress note is a `Message`: a code ("data.zip_empty") and the
values that go into it ({"name": "cats.zip"}). The app renders it in the reader's language
through its one translation table (`ui/i18n.py`, keys `msg.<code>`); the command line and
logs render the English templates kept here. A test checks that every code below has an
English and a Chinese entry in the app's table with the same placeholders.

Raise `ClassifierError(code, **params)` (or one of its subclasses) for anything a user can
cause; `str(error)` is the English text, `error.message` the code and its parameters.
A parameter may itself be a Message (a reason inside a reason); it is rendered first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# English templates, one per code, grouped by the module that raises them.
ENGLISH: dict[str, str] = {
    # generic
    "error.unexpected": "unexpected error: {kind}: {detail}",
    # classifier/runs.py: the name a sharer gives
    "runs.name_too_long": "the name has {length} characters; {limit} at most, please",
    "runs.name_characters": "a name may hold letters, digits, spaces and - . ' · only, not {characters}",
    # classifier/images.py: pictures that cannot be used, and what to do instead
    "image.empty": "the file is empty (0 bytes); choose the picture itself",
    "image.folder": "this is a folder, not a picture; choose the pictures inside it",
    "image.unreadable": "the file cannot be read ({reason}); check that it still exists",
    "image.file_too_big": "the file is {size_mb:.1f} MB, over the {limit_mb} MB limit; use a smaller copy",
    "image.file_over_limit": "the file is over the {limit_mb} MB limit for a picture; use a smaller copy",
    "image.unknown": "not a picture this app can open; use PNG, JPEG, WebP, GIF, BMP or TIFF",
    "image.svg": "an SVG drawing, which this app cannot open; export it as PNG or JPEG",
    "image.heic": "a HEIC/HEIF photo, which this app cannot open; convert it to JPEG or PNG first",
    "image.avif": "an AVIF picture, which this app cannot open; convert it to JPEG or PNG first",
    "image.pdf": "a PDF document, not a picture; export the page as PNG or JPEG",
    "image.zip": "a zip archive, not a picture; unpack it and choose the pictures inside",
    "image.html": "a web page (HTML), not a picture; save the picture itself instead",
    "image.too_many_pixels": "the picture claims {width}×{height} pixels, over the {limit}-megapixel limit "
    "(possibly a decompression bomb); use a smaller copy",
    "image.bomb": "the picture is far too large (possibly a decompression bomb); use a smaller copy",
    "image.damaged": "the picture file is damaged or truncated ({detail}); save or download it again",
    "image.too_large_to_decode": "the picture is too large to decode; use a smaller copy",
}


@dataclass(frozen=True)
class Message:
    """A code and its parameters: JSON-friendly, rendered by whoever shows it."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        return render(self, ENGLISH)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _to_plain(v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, values: Any) -> Message:
        """Read back `to_dict`'s output; a plain string (older run files) becomes `text.plain`."""
        if isinstance(values, Message):
            return values
        if isinstance(values, str):
            return cls("text.plain", {"text": values})
        params = {k: _from_plain(v) for k, v in dict(values.get("params", {})).items()}
        return cls(str(values["code"]), params)

    def __str__(self) -> str:
        return self.english()


ENGLISH["text.plain"] = "{text}"


def render(message: Message, templates: Mapping[str, str]) -> str:
    """Fill a template with the message's parameters (nested messages rendered first)."""
    values = {k: render(v, templates) if isinstance(v, Message) else v for k, v in message.params.items()}
    template = templates.get(message.code)
    if template is None:  # a code from a newer version: say something rather than nothing
        return message.code + (f" {values}" if values else "")
    return template.format(**values)


class ClassifierError(ValueError):
    """Anything a user can cause that stops an action: a bad file, value, run or model."""

    def __init__(self, code: str, **params: Any):
        self.message = Message(code, params)
        super().__init__(self.message.english())


def as_message(error: BaseException) -> Message:
    """The message of any exception: its own code, or `error.unexpected` with the type and text."""
    if isinstance(error, ClassifierError):
        return error.message
    return Message("error.unexpected", {"kind": type(error).__name__, "detail": str(error)[:300]})


def _to_plain(value: Any) -> Any:
    if isinstance(value, Message):
        return {"$message": value.to_dict()}
    if isinstance(value, tuple):
        return list(value)
    return value


def _from_plain(value: Any) -> Any:
    if isinstance(value, dict) and "$message" in value:
        return Message.from_dict(value["$message"])
    return value
