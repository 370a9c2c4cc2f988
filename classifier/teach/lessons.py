"""Lessons: a teacher's Train-page settings, handed to a class as a short link.

A lesson is a Config (a preset plus the fields changed from it), the fields students may change
(all others are locked: shown greyed out, or hidden), optional allowed values for a field
("train on 5%, 20% or 100% of the data": the student picks one), a title and a one-paragraph
task, and a class code that groups the students' runs on the Class page.

The link's token is the lesson as compact JSON, compressed with zlib (primed with the field
names, so a lesson costs a few dozen bytes), behind a version character and a 4-byte checksum,
in URL-safe base64:

    token = "1" + base64url( blake2s(z, 4 bytes) + z ),   z = zlib(JSON, dictionary=ZDICTS["1"])

A link outlives the code that made it: it is inflated with its own version's frozen dictionary, a
field added since is simply not in it (the lesson locks it at the preset's value), and
tests/test_lessons.py opens links issued by version 1 as they were handed out.

The checksum catches a link damaged in transit (a chat app cutting or changing it); it is not a
signature. What protects the lesson is that opening a link validates everything in it again:
the version, every field name (a field that no longer exists makes the link stale), every value
against `classifier.core.config.LIMITS` and its choices, the task's length. Anything wrong raises
LessonError with a code the app renders in the reader's language; never a traceback.

Runs remember their lesson (`lesson.tag(student)`, kept in the run's status.json). The class code
(or, for a link made without one, the link itself) is the group: `runs.class_viewer(group)` may
read the runs of that group and no other, so students' runs reach the class only through it.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from classifier.core import config as cfg
from classifier.core import translations
from classifier.core.config import Config, ConfigError
from classifier.core.messages import ClassifierError, Texts
from classifier.core.runs import RunInfo, RunStore, class_viewer, display_name

VERSION = "1"
FIELDS: tuple[str, ...] = tuple(cfg.SPECS)  # the fields a lesson may name
MAX_TOKEN = 2_000  # characters: chat apps and browsers keep links far longer than this
MAX_JSON = 8_000  # bytes a token may inflate to (a deflate "bomb" is refused past this)
MAX_TASK = 600  # characters of the task paragraph
MAX_TITLE = 80
MAX_CHOICES = 8
LESSON_DATASETS = ("cifar10", "shapes")
# Class codes: 6 characters without look-alikes (0/O, 1/I/L), easy to read out in class.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE = re.compile(r"^[A-Z0-9]{4,16}$")
# Fields the Train page's lesson panel can offer as a choice, with the values a teacher picks from:
# each declared with `offer=` in classifier/core/config.py.
OFFERABLE: dict[str, tuple[float, ...]] = cfg.OFFERABLE
# zlib's preset dictionary of each link format: the words every lesson's JSON repeats. A link is
# inflated with the dictionary of the version that made it, so each entry is frozen as written: it
# never follows the Config's fields (a field added later would change the dictionary and make every
# link handed out before unreadable). A new dictionary needs a new VERSION beside the old ones.
_V1_FIELD_NAMES = (
    "dataset", "limit", "train_fraction", "validation", "holdout_fraction", "augmentation", "conv_filters",
    "convs_per_block", "kernel_size", "padding", "pool_after", "batch_norm", "activation", "head", "dense_units",
    "dropout", "optimizer", "learning_rate", "momentum", "weight_decay", "lr_schedule", "warmup_epochs",
    "batch_size", "epochs", "lr_drop_factor", "lr_drop_every", "lr_patience", "early_stopping", "monitor",
    "restore_best", "random_seed", "precision", "tta",
)  # fmt: skip
ZDICTS: dict[str, bytes] = {
    "1": json.dumps(
        {
            "p": "seed",
            "c": {},
            "f": [],
            "o": {},
            "t": "",
            "n": "",
            "k": "",
            "i": "",
            "h": False,
            "x": list(_V1_FIELD_NAMES),
        }  # fmt: skip
    ).encode(),
}


class LessonError(ClassifierError):
    """A lesson link that cannot be opened (damaged, tampered, stale, or asking for a bad value)."""


@dataclass(frozen=True)
class Lesson:
    """What a lesson link carries. `free`: fields students may change; `choices`: fields they set
    by picking one of the listed values; every other field of the Config is locked."""

    preset: str = "seed"
    changes: Mapping[str, Any] = field(default_factory=dict)  # fields that differ from the preset
    free: tuple[str, ...] = ()
    choices: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    hide_locked: bool = False  # locked controls hidden instead of shown greyed out
    title: str = ""
    task: str = ""
    class_code: str = ""
    builtin: str = ""  # the id of a built-in lesson: title and task then come in the reader's language

    def __post_init__(self) -> None:
        self._validate()

    # -- what it sets ---------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        """The Config the Train page opens with (validated: a lesson never holds a bad one)."""
        try:
            return cfg.preset(self.preset, **_from_json_values(self.changes))
        except ConfigError as error:
            field = error.message.params.get("field", "")
            raise LessonError("lesson.bad_value", field=field, reason=error.message) from None
        except (TypeError, ValueError):  # a value of the wrong shape altogether (a list of lists, say)
            raise LessonError("lesson.damaged") from None

    @property
    def locked(self) -> tuple[str, ...]:
        return tuple(name for name in cfg.LOCKABLE if name not in self.free and name not in self.choices)

    def enforce(self, config: Config) -> Config:
        """`config` with every locked field put back to the lesson's value and every choice field
        kept to its allowed values: what a student's run really uses, whatever the browser sent."""
        mine = self.config
        values = {name: getattr(mine, name) for name in self.locked}
        for name, allowed in self.choices.items():
            if json_value(getattr(config, name)) not in [json_value(v) for v in allowed]:
                values[name] = getattr(mine, name)
        return config.replace(**values) if values else config

    @property
    def key(self) -> str:
        """A short digest of everything but the class code: the same lesson given to two classes
        has one key, two classes' runs stay apart by their codes."""
        content = self._payload()
        content.pop("k", None)
        return hashlib.blake2s(_canonical(content), digest_size=6).hexdigest()

    @property
    def group(self) -> str:
        """Whose runs the Class page shows together: the class code, else the link itself."""
        return self.class_code or f"link-{self.key}"

    def tag(self, student: str = "") -> dict[str, str]:
        """What a run keeps of its lesson (RunInfo.lesson). `student`: the name the class sees."""
        return {
            "group": self.group,
            "key": self.key,
            "builtin": self.builtin,
            "title": self.title,
            "class_code": self.class_code,
            "student": display_name(student) if student else "",
        }

    # -- the link -------------------------------------------------------------------------------

    def token(self) -> str:
        packer = zlib.compressobj(9, zdict=ZDICTS[VERSION])
        compressed = packer.compress(_canonical(self._payload())) + packer.flush()
        check = hashlib.blake2s(compressed, digest_size=4).digest()
        return VERSION + base64.urlsafe_b64encode(check + compressed).decode().rstrip("=")

    def query(self, lang: str | None = None) -> str:
        """The link's query string, to append to the app's `/train?` address."""
        return f"lesson={self.token()}" + (f"&lang={lang}" if lang else "")

    def _payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"p": self.preset}
        optional = {
            "o": {k: json_value(v) for k, v in self.changes.items()},
            "f": list(self.free),
            "c": {k: [json_value(v) for v in values] for k, values in self.choices.items()},
            "h": self.hide_locked,
            "n": self.title,
            "t": self.task,
            "k": self.class_code,
            "i": self.builtin,
        }
        payload.update({k: v for k, v in optional.items() if v})
        return payload

    # -- checks ---------------------------------------------------------------------------------

    def _validate(self) -> None:
        if self.preset not in cfg.PRESETS:
            raise LessonError("lesson.preset", preset=str(self.preset)[:40], choices=", ".join(cfg.PRESETS))
        for name in [*self.changes, *self.free, *self.choices]:
            if name not in FIELDS:
                raise LessonError("lesson.stale_field", field=str(name)[:40])
        base = self.config  # every changed value within LIMITS and the Config's own rules
        if base.dataset not in LESSON_DATASETS:  # a link never points a student's run at a server path
            raise LessonError("lesson.dataset", choices=", ".join(LESSON_DATASETS))
        for name, allowed in self.choices.items():
            if name in self.free:
                raise LessonError("lesson.free_and_choice", field=name)
            if not isinstance(allowed, (tuple, list)) or not 2 <= len(allowed) <= MAX_CHOICES:
                raise LessonError("lesson.choice_count", field=name, most=MAX_CHOICES)
            for value in allowed:
                try:
                    base.replace(**{name: from_json_value(name, value)})
                except ConfigError as error:
                    raise LessonError("lesson.bad_value", field=name, reason=error.message) from None
                except (TypeError, ValueError):
                    raise LessonError("lesson.damaged") from None
            if json_value(getattr(base, name)) not in [json_value(v) for v in allowed]:
                raise LessonError("lesson.choice_default", field=name)
        if not isinstance(self.task, str) or len(self.task) > MAX_TASK:
            raise LessonError("lesson.task_too_long", limit=MAX_TASK)
        if not isinstance(self.title, str) or len(self.title) > MAX_TITLE:
            raise LessonError("lesson.title_too_long", limit=MAX_TITLE)
        if self.class_code and not _CODE.match(self.class_code):
            raise LessonError("lesson.class_code", text=str(self.class_code)[:40])
        if self.builtin and self.builtin not in BUILTIN_IDS:
            raise LessonError("lesson.unknown_builtin", lesson=str(self.builtin)[:40])
        if not isinstance(self.hide_locked, bool):
            raise LessonError("lesson.damaged")

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def from_config(cls, config: Config, **values: Any) -> Lesson:
        """The lesson that opens on `config`: written as the nearest preset plus what differs."""
        preset, changes = min(
            ((name, _differences(base, config)) for name, base in cfg.PRESETS.items()), key=lambda pair: len(pair[1])
        )
        return cls(preset=preset, changes=changes, **values)

    def with_class(self, code: str) -> Lesson:
        return dataclasses.replace(self, class_code=normalise_code(code))


def open_link(text: str) -> Lesson:
    """The lesson in a link, a query string or a bare token; LessonError saying what is wrong."""
    token = _token_in(text)
    if not token:
        raise LessonError("lesson.empty")
    if len(token) > MAX_TOKEN:
        raise LessonError("lesson.too_long", length=len(token), limit=MAX_TOKEN)
    if token[0] not in ZDICTS:
        raise LessonError("lesson.version", version=token[0])
    try:
        raw = base64.urlsafe_b64decode(token[1:] + "=" * (-len(token[1:]) % 4))
    except (ValueError, TypeError):
        raise LessonError("lesson.damaged") from None
    check, compressed = raw[:4], raw[4:]
    if len(raw) < 5 or hashlib.blake2s(compressed, digest_size=4).digest() != check:
        raise LessonError("lesson.tampered")
    try:
        unpacker = zlib.decompressobj(zdict=ZDICTS[token[0]])
        text_bytes = unpacker.decompress(compressed, MAX_JSON)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise LessonError("lesson.damaged")
        payload = json.loads(text_bytes.decode())
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError):
        raise LessonError("lesson.damaged") from None
    return _from_payload(payload)


def _from_payload(payload: Any) -> Lesson:
    known = {"p", "o", "f", "c", "h", "n", "t", "k", "i"}
    if not isinstance(payload, dict) or not set(payload) <= known:
        raise LessonError("lesson.damaged")
    changes, free, choices = payload.get("o", {}), payload.get("f", []), payload.get("c", {})
    if not isinstance(changes, dict) or not isinstance(free, list) or not isinstance(choices, dict):
        raise LessonError("lesson.damaged")
    if not all(isinstance(name, str) for name in free):
        raise LessonError("lesson.damaged")
    try:
        return Lesson(
            preset=payload.get("p", "seed"),
            changes=changes,
            free=tuple(free),
            choices={name: tuple(values) if isinstance(values, list) else values for name, values in choices.items()},
            hide_locked=payload.get("h", False),
            title=payload.get("n", ""),
            task=payload.get("t", ""),
            class_code=payload.get("k", ""),
            builtin=payload.get("i", ""),
        )
    except TypeError:
        raise LessonError("lesson.damaged") from None


def _token_in(text: str) -> str:
    """A pasted link, `?lesson=...&lang=zh` or the token alone -> the token."""
    text = (text or "").strip()
    found = re.search(r"(?:^|[?&])lesson=([^&#\s]*)", text)
    return found.group(1) if found else text


def new_class_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def normalise_code(text: str) -> str:
    """A class code as typed ("k7qm-2x ") -> as stored ("K7QM2X"); LessonError when it cannot be one."""
    code = re.sub(r"[\s-]", "", str(text)).upper()
    if not _CODE.match(code):
        raise LessonError("lesson.class_code", text=str(text)[:40])
    return code


def group_of(text: str) -> str:
    """What a teacher types on the Class page (a class code, or a lesson link) -> the group to show."""
    text = (text or "").strip()
    if re.match(r"^link-[0-9a-f]{12}$", text):  # the group of a link made without a class code
        return text
    if "lesson=" in text or (len(text) > 16 and text.startswith(VERSION)):
        return open_link(text).group
    return normalise_code(text)


def class_runs(store: RunStore, group: str) -> list[RunInfo]:
    """The runs of one class (or code-less link), newest first: the only way the Class page reads
    other students' runs (`class_viewer` may see a run only when its lesson names this group)."""
    viewer = class_viewer(group)
    return [info for info in store.list(viewer) if (info.lesson or {}).get("group") == group]


# --- JSON values <-> Config values -------------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A Config value as JSON has it (tuples as lists), for comparing and writing."""
    return [json_value(v) for v in value] if isinstance(value, (tuple, list)) else value


def from_json_value(name: str, value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _from_json_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: from_json_value(name, value) for name, value in values.items()}


def _differences(base: Config, config: Config) -> dict[str, Any]:
    return {name: json_value(getattr(config, name)) for name in FIELDS if getattr(config, name) != getattr(base, name)}


def _canonical(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- the six built-in lessons, drawn from the course document -------------------------------------

# Every lesson trains on CIFAR-10; the comparison lessons use 5 epochs so that a class finishes in
# a lesson's time, the seed lesson keeps the document's 10.
_SHORT = {"epochs": 5}


# The built-in lessons' titles and tasks: English here, the other languages in the translation
# catalog (classifier/core/translations.py, docs/translations.md).
LESSON_TEXTS = Texts()
english = LESSON_TEXTS.english
english(
    "lessons.seed.title",
    "The seed network, as the document wrote it",
)
english(
    "lessons.seed.task",
    "Train the network of the document exactly as written: three convolutions (32, 64, 64 filters), "
    "two max-poolings, a dense layer of 64, Adam, batch 64, 10 epochs. Nothing can be changed. Watch "
    "the training and test accuracy: where do they part, and what test accuracy does the class reach "
    "(the document's program gets about 70%)?",
)
english(
    "lessons.learning_rate.title",
    "A learning rate far too high",
)
english(
    "lessons.learning_rate.task",
    "Gradient descent moves every weight by α times its gradient (θ ← θ − α∇J). Pick a learning rate "
    "α: 0.001 is what the seed network uses, 1 is a thousand times more. Before you press Start, guess "
    "what the loss curve will do. Who reached the best accuracy, and what happened to the largest α?",
)
english(
    "lessons.no_pooling.title",
    "No pooling",
)
english(
    "lessons.no_pooling.task",
    "Pooling halves each feature map and keeps the strongest response of each 2×2 window. Here the "
    "network has no pooling at all. Compare with a classmate who switches pooling back on: how many "
    "parameters has each network (see the summary), how long is an epoch, and which tests better?",
)
english(
    "lessons.filters_or_layers.title",
    "More filters or more layers?",
)
english(
    "lessons.filters_or_layers.task",
    "You may change the network only. Half the class doubles the filters of every block (64, 128, 128); "
    "the other half keeps the filters and puts two convolutions in each block. Which costs more "
    "parameters, which more time per epoch, and which buys more test accuracy after 5 epochs?",
)
english(
    "lessons.small_data.title",
    "Small data: CIFAR-10 at 5%, 20% and 100%",
)
english(
    "lessons.small_data.task",
    "The document's first open problem is having too little good data. Train the seed network on 5%, "
    "20%, or all of CIFAR-10's 50,000 training images (the test set stays whole). Plot the class's "
    "results against the number of images: how much does each extra share buy?",
)
english(
    "lessons.augmentation.title",
    "Augmentation and the invariance claim",
)
english(
    "lessons.augmentation.task",
    "The document says a CNN is robust to rotation, shift and change of scale. Train with no "
    "augmentation, or with flips, shifts or crops of the training images. Then test the claim on "
    "your network in Learn (Shift, turn, resize): which versions of an image does it still recognise?",
)


@dataclass(frozen=True)
class BuiltinLesson:
    id: str
    lesson: Lesson

    @property
    def title(self) -> dict[str, str]:
        """{"en": ..., "zh": ...}: the title in every language of the catalog."""
        return _in_every_language(f"lessons.{self.id}.title")

    @property
    def task(self) -> dict[str, str]:
        return _in_every_language(f"lessons.{self.id}.task")


def _in_every_language(key: str) -> dict[str, str]:
    return {lang: translations.template(lang, LESSON_TEXTS, key, {}) for lang in translations.LANGUAGES}


def _builtin(id: str, **values: Any) -> BuiltinLesson:
    return BuiltinLesson(id, Lesson(builtin=id, **values))


BUILTIN_IDS = ("seed", "learning_rate", "no_pooling", "filters_or_layers", "small_data", "augmentation")

BUILTIN: tuple[BuiltinLesson, ...] = (
    _builtin(
        "seed",
    ),
    _builtin(
        "learning_rate",
        changes=_SHORT | {"learning_rate": 0.1},
        choices={"learning_rate": (0.001, 0.01, 0.1, 1.0)},
    ),
    _builtin(
        "no_pooling",
        changes=_SHORT | {"pool_after": [False, False, False]},
        choices={"pool_after": ([False, False, False], [True, True, False])},
    ),
    _builtin(
        "filters_or_layers",
        changes=_SHORT,
        free=("conv_filters", "pool_after", "convs_per_block", "padding", "dense_units"),
    ),
    _builtin(
        "small_data",
        changes={"train_fraction": 0.05},
        choices={"train_fraction": (0.05, 0.2, 1.0)},
    ),
    _builtin(
        "augmentation",
        free=("augmentation",),
    ),
)


def builtin(lesson_id: str) -> BuiltinLesson:
    for entry in BUILTIN:
        if entry.id == lesson_id:
            return entry
    raise LessonError("lesson.unknown_builtin", lesson=str(lesson_id)[:40])
