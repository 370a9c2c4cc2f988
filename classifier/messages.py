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
    # classifier.learn: the formulas worked out on a model
    "learn.no_layer": "the model has no layer called {layer} (choose from: {choices})",
    "learn.not_conv": "{layer} is a {kind} layer, not a convolution (convolutions: {choices})",
    "learn.not_pool": "{layer} is a {kind} layer, not max pooling (max-pooling layers: {choices})",
    "learn.bad_position": "position {at} is outside {layer}'s output of {shape} (row, column, channel count from 0)",
    "learn.hidden_input": "the input of {layer} comes from {source}, a layer whose output cannot be shown here",
    "learn.activation": "the activation {activation} is not one the formulas here cover",
    "learn.conv_kind": "{layer} is a grouped or channels-first layer, which the formulas here do not cover",
    "learn.cannot_copy": "this model cannot be taken apart layer by layer ({reason})",
    "learn.bad_label": "class {label} is not one of the model's {count} classes",
    "learn.unknown_class": "{label} is not a class of this model (classes: {choices})",
    "learn.bad_rate": "the learning rate must be a number above 0 and at most 100 (got {rate})",
    "learn.no_variable": "the model has no trainable weights called {variable} (choose from: {choices})",
    "learn.bad_index": "index {index} is outside the weights' shape {shape}",
    # classifier.probe: invariance sweeps
    "probe.bad_sweep": "unknown sweep {sweep} (choose from: {choices})",
    "probe.bad_image": "the probe needs a 32×32 RGB image, got an array of shape {shape}",
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
