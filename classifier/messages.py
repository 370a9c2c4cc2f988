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
    # export.py
    "export.no_runtime": "the LiteRT runtime (ai-edge-litert) is not installed: "
    "pip install -r requirements-challenges.txt",
    "export.flavour": "unknown export flavour {flavour!r}; choose one of {choices}",
    "export.failed": "the model could not be converted to {flavour}: {reason}",
    "export.flex_ops": "the {flavour} file needs TensorFlow operators a phone's LiteRT runtime lacks: {ops}",
    "export.not_integer": "this model cannot be made full-integer int8: {ops} would still compute in "
    "floating point; use float16, or a network of standard layers",
    "export.no_representative": "int8 needs representative training images to calibrate; none were given",
    "export.progress.convert": "converting to {flavour}",
    "export.progress.accuracy": "{flavour}: testing on {images:,} images",
    "export.progress.latency": "{flavour}: timing single images and a batch",
    # explain.py
    "explain.patch": "the patch must be 1 to {largest} pixels wide (got {patch})",
    "explain.stride": "the stride must be 1 to {patch} pixels (got {stride})",
    "explain.class": "class {index} does not exist; the model has {count} classes",
    # sweep.py
    "sweep.fraction": "each fraction must be more than 0 and at most 1 (got {value})",
    "sweep.fraction_text": "fractions must be numbers separated by commas, like 0.02,0.1,1 (got {text!r})",
    "sweep.empty": "choose at least one fraction of the training set",
    "sweep.too_many": "{count} runs is too many for one sweep; the limit is {limit}",
    # federated.py
    "federated.no_engine": "Flower's simulation engine is not installed: pip install -r requirements-challenges.txt",
    "federated.devices": "the number of devices must be 2 to {largest} (got {devices})",
    "federated.rounds": "the number of rounds must be 1 to {largest} (got {rounds})",
    "federated.local_epochs": "local epochs must be 1 to 20 (got {epochs})",
    "federated.alpha": "α must be a positive number, e.g. 0.1 (very skewed) to 100 (almost random); got {alpha}",
    "federated.too_many_devices": "{devices} devices cannot share {images} training images "
    "(each needs at least {minimum}); use fewer devices or more images",
    "federated.too_skewed": "with α = {alpha}, some of the {devices} devices keep getting fewer than "
    "{minimum} images; use a larger α, fewer devices or more images",
    "federated.dp": "differential privacy needs a noise multiplier above 0 and a clipping norm above 0 "
    "(got {noise} and {clip})",
    "federated.delta": "δ must be between 0 and 1, e.g. 1e-5 (got {delta})",
    "federated.busy": "another federated simulation is running in this server; wait for it to finish",
    "federated.failed": "the simulation failed: {reason}",
    "federated.progress.start": "starting Flower's simulation engine (Ray) with {devices} devices",
    "federated.progress.round": "round {round} of {rounds}: test accuracy {accuracy:.1%}",
    "federated.progress.central": "central run for comparison: epoch {epoch} of {epochs}",
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
