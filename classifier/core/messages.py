"""What the package tells a person, as codes with parameters, never as finished sentences.

A failure, a warning or a progress note is a `Message`: a code ("data.zip_empty") and the
values that go into it ({"name": "cats.zip"}). Each code's English is written once, below, as
`english(code, template)` (or `english_plural(code, one, other, count=...)` for a message that
counts): the command line and logs render it, and pybabel extracts it (babel.cfg) into the
translation catalog, the code becoming the entry's context. The app renders the reader's language
from the catalog (`locale/zh_CN/LC_MESSAGES/messages.po`; docs/translations.md).

Raise `ClassifierError(code, **params)` (or one of its subclasses) for anything a user can
cause; `str(error)` is the English text, `error.message` the code and its parameters.
A parameter may itself be a Message (a reason inside a reason); it is rendered first.
A `detail` parameter (with `kind`, the exception's type, beside it), or a `reason` given as text
rather than as a Message, carries an exception's or the system's own words: the command line
prints them; the app writes them to the server log and says in the reader's language where they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Plural:
    """A message that counts: its English for any count but one, and the parameter with the count."""

    other: str
    count: str


class Texts:
    """English templates by key, each registered once by a call pybabel extracts (babel.cfg):
    `english(key, template)`, or `english_plural(key, one, other, count=name)` where the value
    of the parameter `name` chooses the form (in English: `one` for 1, `other` for any other)."""

    def __init__(self) -> None:
        self.templates: dict[str, str] = {}  # key -> English (for a plural: the form for 1, gettext's msgid)
        self.plurals: dict[str, Plural] = {}

    def english(self, key: str, template: str) -> None:
        if key in self.templates:
            raise ValueError(f"{key} has its English twice")
        self.templates[key] = template

    def english_plural(self, key: str, one: str, other: str, *, count: str) -> None:
        self.english(key, one)
        self.plurals[key] = Plural(other, count)

    def template(self, key: str, values: Mapping[str, Any]) -> str | None:
        """The English template for these values (for a plural, the form its count takes), or None."""
        one = self.templates.get(key)
        plural = self.plurals.get(key)
        if one is None or plural is None:
            return one
        return one if count_of(values.get(plural.count)) == 1 else plural.other


def count_of(value: Any) -> int:
    """A count as gettext's plural rules take it: a whole number (anything else counts as many)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        return 2
    return int(value)


CODES = Texts()  # the package's message codes
ENGLISH = CODES.templates
english, english_plural = CODES.english, CODES.english_plural


# English templates, one per code, grouped by the module that raises them.
# generic
english("error.unexpected", "unexpected error: {kind}: {detail}")
english("data.class_count_mismatch", "the model has {model} classes, the data set {data}")
# inspection (classifier/core/inspect.py)
english("inspect.no_conv_layer", "this model has no convolutional layer to explain")
english("inspect.not_conv", "{layer} is not a convolution layer")
english("inspect.no_maps", "{layer} has no 2-D feature maps to explain")
# models (classifier/core/predict.py)
english("model.builtin_missing", "the built-in model is missing; run `make default-model` to train it")
english("model.no_file", "no model file at {path}")
english("model.too_large", "the model file is larger than {limit_mb} MB")
english("model.class_count", "the model has {outputs} outputs but {classes} class names were given")
english("model.empty", "the model file is empty (0 bytes)")
english("model.not_zip", "not a Keras model: a .keras file is a zip archive (save with model.save('x.keras'))")
english("model.damaged", "the model file is damaged (not a readable zip archive)")
english("model.no_config", "not a Keras model: the archive has no config.json")
english("model.lambda", "the model contains a Lambda layer (arbitrary Python code); it is refused for safety")
english("model.unloadable", "the model could not be loaded: {detail}")
english("model.one_input", "the model must take exactly one input: a batch of 32x32 RGB images")
english("model.input_shape", "the model takes images of shape {shape}, but this app feeds 32x32 RGB (32, 32, 3)")
english("model.one_output", "the model must output one vector of class probabilities")
english_plural(
    "model.too_few_outputs",
    "the model outputs {count} value; a classifier needs at least two classes",
    "the model outputs {count} values; a classifier needs at least two classes",
    count="count",
)
english("model.no_checkpoint_yet", "this run has no checkpoint yet; wait for its first epoch to finish")
english("model.unknown_name", "no model file or run called {name}")
english("model.tta", "test-time augmentation must be one of {choices}, not {value}")
# data sets (classifier/core/data/)
english("data.progress_reading", "Reading {name}")
english("data.progress_decoding_train", "Decoding training images: {done:,}/{total:,}")
english("data.progress_decoding_test", "Decoding test images: {done:,}/{total:,}")
english("data.cifar_missing", "{variable} points at {path}, which does not exist")
english("data.cifar_classes", "{path} does not hold the ten CIFAR-10 classes (found {found})")
english(
    "data.cifar_download_failed",
    "Could not download CIFAR-10 ({detail}). Without internet, set {variable} to a copy (a class-folder directory or zip, or cifar-10-python.tar.gz), or use the built-in 'shapes' data set.",
)
english("data.cifar_tar_incomplete", "{name} is not the CIFAR-10 python archive (found {found})")
english("data.file_empty", "{name} is empty (0 bytes); upload a .zip of class folders")
english("data.not_zip", "{name} is neither a zip archive nor a folder; upload a .zip of class folders")
english("data.missing", "{name} does not exist")
english("data.unreadable", "cannot read {name}: {detail}")
english("data.zip_too_many_files", "the zip holds {files:,} files; the limit is {limit:,}")
english("data.zip_unsafe_path", "the zip contains an unsafe path ({path}: absolute or with '..'); refused")
english("data.zip_bomb", "{path} in the zip expands {ratio}-fold (a zip bomb?); refused")
english("data.zip_too_large", "the zip would expand to {gigabytes:.1f} GB; the limit is {limit:.0f} GB")
english(
    "data.no_class_folders",
    "{name} has no images in class folders; expected '<class>/<image>' or 'train/<class>/<image>' (and optionally 'test/...')",
)
english("data.test_classes_unknown", "the test split has classes that training lacks: {classes}")
english("data.too_few_classes", "{name} needs at least two classes with readable images; found {found} ({classes})")
english("data.too_many_classes", "{name} has {found} classes; the limit is {limit}")
english("data.too_few_to_test", "{name} has too few images to keep some for testing")
english_plural(
    "data.note_skipped_train",
    "skipped {count} unreadable file in train: {example}: {reason}",
    "skipped {count} unreadable files in train, e.g. {example}: {reason}",
    count="count",
)
english_plural(
    "data.note_skipped_test",
    "skipped {count} unreadable file in test: {example}: {reason}",
    "skipped {count} unreadable files in test, e.g. {example}: {reason}",
    count="count",
)
english_plural(
    "data.note_loose_files",
    "ignored {count} file outside class folders: {example}",
    "ignored {count} files outside class folders, e.g. {example}",
    count="count",
)
english_plural(
    "data.note_empty_classes",
    "left out a class folder with no readable images: {classes}",
    "left out the class folders with no readable images: {classes}",
    count="count",
)
english(
    "data.note_no_test_folder",
    "No test folder in the zip, which is fine: {share:.0%} of each class is kept aside for testing.",
)
# hyperparameters (classifier/core/config.py); the app shows {field} as the control's label
english("config.dataset_missing", "{field}: must name a data set ('cifar10', 'shapes' or a path)")
english("config.augmentation_list", "{field}: must be a list of distinct options from {choices}")
english("config.block_count", "{field}: must list 1 to {most} blocks")
english("config.pool_count", "{field}: needs one yes/no per conv block ({blocks}), got {got}")
english("config.yes_no", "{field}: must be true or false")
english("config.warmup", "{field}: must be less than epochs ({epochs}), got {warmup}")
english(
    "config.shrinks",
    "{field}: the image shrinks to nothing in block {block} (kernel {kernel}, padding 'valid'); use fewer blocks, less pooling or padding 'same'",
)
english("config.pool_too_small", "{field}: block {block} has a {size}x{size} output, too small to pool")
english("config.not_object", "{field}: expected a JSON object of hyperparameters")
english("config.unknown_field", "{field}: not a hyperparameter (known: {known})")
english("config.bad_json", "{field}: not valid JSON ({detail})")
english("config.choice", "{field}: must be one of {choices} (got {value})")
english("config.whole_number", "{field}: must be a whole number between {low:g} and {high:g} (got {value})")
english("config.number", "{field}: must be a number between {low:g} and {high:g} (got {value})")
english("config.range", "{field}: must be between {low:g} and {high:g} (got {value})")
# engine (classifier/engine/)
english("engine.phase_loading", "Loading data")
english("engine.phase_building", "Building the model")
english("engine.phase_training", "Training")
english("engine.phase_testing", "Testing")
english("engine.stopped_before_start", "stopped before it started")
english_plural(
    "engine.stopped_by_request",
    "stopped by request after {epochs} epoch",
    "stopped by request after {epochs} epochs",
    count="epochs",
)
english("engine.cancelled_in_queue", "cancelled while waiting in the queue")
english("engine.out_of_memory", "out of memory: try a smaller batch size, network or subset")
english("engine.empty_training_split", "the training split is empty")
english(
    "engine.diverged",
    "the loss became NaN (not a number) during epoch {epoch}: training diverged. The learning rate ({learning_rate:g}) is probably too high; try 10x smaller.",
)
english("engine.status_unwritable", "could not write the run's status file: {detail}")
english("engine.predictions_unwritable", "could not save test predictions: {detail}")
english(
    "engine.checkpoint_unwritable_kept",
    "could not save epoch {epoch} ({detail}); the checkpoint from epoch {kept} is kept",
)
english("engine.checkpoint_unwritable_none", "could not save epoch {epoch} ({detail}); no checkpoint is saved yet")
english(
    "engine.worker_died",
    "the training process ended unexpectedly (exit status {code}); the run can be resumed from its last checkpoint",
)
# the same training done once (classifier/engine/sharing.py)
english_plural(
    "share.left",
    "you left the shared training after {epochs} epoch; your run keeps what was trained until then, and the others on it train on",
    "you left the shared training after {epochs} epochs; your run keeps what was trained until then, and the others on it train on",
    count="epochs",
)
english("share.left_queued", "you left the queue before the shared training started; the others on it keep their place")
# limits per student (classifier/core/limits.py)
english_plural(
    "limits.active_runs",
    "you already have {count} run queued or training (the limit for each student is {limit}); wait for it to finish, or stop it, then start again: your settings are kept",
    "you already have {count} runs queued or training (the limit for each student is {limit}); wait for one to finish, or stop one, then start again: your settings are kept",
    count="count",
)
english(
    "limits.kept_runs",
    "you have {count} saved runs (the limit for each student is {limit}); delete some on the Runs page, then start again: your settings are kept",
)
english(
    "limits.sweep_runs",
    "this experiment needs {count} runs and you have {active} queued or training; at most {limit} may wait at once. Choose fewer shares, or wait for your runs to finish",
)
english("limits.not_a_number", "the server setting {variable} must be a whole number of at least 1 (it is '{value}')")
# runs (classifier/core/runs.py)
english("run.not_found", "no such run: {run_id}")
english("run.damaged", "run {run_id} is damaged: {detail}")
english(
    "run.cannot_create",
    "cannot create a run in {folder}: {detail}. Check that the runs folder exists, is writable and the disk is not full.",
)
english("run.not_owner_share", "only the person who started this run can share it")
english("run.not_owner_delete", "only the person who started this run can delete it")
english("run.not_owner_resume", "only the person who started this run can resume it")
english("run.not_owner_stop", "only the person who started this run can stop it")
english("run.not_owner_revoke", "only the person who started this run can withdraw its phone link")
english("run.still_training", "this run is already training or queued")
english("run.all_epochs_done", "this run has already trained all its planned epochs")
english("run.delete_while_training", "this run is still training; stop it before deleting it")
english(
    "run.interrupted",
    "the server stopped during epoch {epoch}; the checkpoint after epoch {checkpoint} is kept and the run can be resumed",
)
english("run.interrupted_first_epoch", "the server stopped before the first epoch finished")
# classifier/core/runs.py: the name a sharer gives
english("runs.name_too_long", "the name has {length} characters; {limit} at most, please")
english("runs.name_characters", "a name may hold letters, digits, spaces and - . ' · only, not {characters}")
# classifier/core/images.py: pictures that cannot be used, and what to do instead
english("image.empty", "the file is empty (0 bytes); choose the picture itself")
english("image.folder", "this is a folder, not a picture; choose the pictures inside it")
english("image.unreadable", "the file cannot be read ({reason}); check that it still exists")
english("image.file_too_big", "the file is {size_mb:.1f} MB, over the {limit_mb} MB limit; use a smaller copy")
english("image.file_over_limit", "the file is over the {limit_mb} MB limit for a picture; use a smaller copy")
english("image.unknown", "not a picture this app can open; use PNG, JPEG, WebP, GIF, BMP or TIFF")
english("image.svg", "an SVG drawing, which this app cannot open; export it as PNG or JPEG")
english("image.heic", "a HEIC/HEIF photo, which this app cannot open; convert it to JPEG or PNG first")
english("image.avif", "an AVIF picture, which this app cannot open; convert it to JPEG or PNG first")
english("image.pdf", "a PDF document, not a picture; export the page as PNG or JPEG")
english("image.zip", "a zip archive, not a picture; unpack it and choose the pictures inside")
english("image.html", "a web page (HTML), not a picture; save the picture itself instead")
english(
    "image.too_many_pixels",
    "the picture claims {width}×{height} pixels, over the {limit}-megapixel limit "
    "(possibly a decompression bomb); use a smaller copy",
)
english("image.bomb", "the picture is far too large (possibly a decompression bomb); use a smaller copy")
english("image.damaged", "the picture file is damaged or truncated ({detail}); save or download it again")
english("image.too_large_to_decode", "the picture is too large to decode; use a smaller copy")
# classifier.teach.learn: the formulas worked out on a model
english("learn.no_layer", "the model has no layer called {layer} (choose from: {choices})")
english("learn.not_conv", "{layer} is a {kind} layer, not a convolution (convolutions: {choices})")
english("learn.not_pool", "{layer} is a {kind} layer, not max pooling (max-pooling layers: {choices})")
english(
    "learn.bad_position", "position {at} is outside {layer}'s output of {shape} (row, column, channel count from 0)"
)
english("learn.hidden_input", "the input of {layer} comes from {source}, a layer whose output cannot be shown here")
english("learn.activation", "the activation {activation} is not one the formulas here cover")
english("learn.conv_kind", "{layer} is a grouped or channels-first layer, which the formulas here do not cover")
english("learn.cannot_copy", "this model cannot be taken apart layer by layer ({reason})")
english("learn.bad_label", "class {label} is not one of the model's {count} classes")
english("learn.unknown_class", "{label} is not a class of this model (classes: {choices})")
english("learn.bad_rate", "the learning rate must be a number above 0 and at most 100 (got {rate})")
english("learn.no_variable", "the model has no trainable weights called {variable} (choose from: {choices})")
english("learn.bad_index", "index {index} is outside the weights' shape {shape}")
# classifier.challenges.probe: invariance sweeps
english("probe.bad_sweep", "unknown sweep {sweep} (choose from: {choices})")
english("probe.bad_image", "the probe needs a 32×32 RGB image, got an array of shape {shape}")
# export.py
english(
    "export.no_runtime",
    "the LiteRT runtime (ai-edge-litert) is not installed: pip install -r requirements-challenges.txt",
)
english("export.flavour", "unknown export flavour '{flavour}'; choose one of {choices}")
english("export.failed", "the model could not be converted to {flavour}: {reason}")
english("ondevice.export_failed", "the model could not be prepared for the browser: {reason}")
english("export.flex_ops", "the {flavour} file needs TensorFlow operators a phone's LiteRT runtime lacks: {ops}")
english(
    "export.not_integer",
    "this model cannot be made full-integer int8: {ops} would still compute in "
    "floating point; use float16, or a network of standard layers",
)
english("export.no_representative", "int8 needs representative training images to calibrate; none were given")
english("export.progress.convert", "converting to {flavour}")
english("export.progress.accuracy", "{flavour}: testing on {images:,} images")
english("export.progress.latency", "{flavour}: timing single images and a batch")
# explain.py
english("explain.patch", "the patch must be 1 to {largest} pixels wide (got {patch})")
english("explain.stride", "the stride must be 1 to {patch} pixels (got {stride})")
english("explain.class", "class {index} does not exist; the model has {count} classes")
# sweep.py
english("sweep.fraction", "each fraction must be more than 0 and at most 1 (got {value})")
english("sweep.fraction_text", "fractions must be numbers separated by commas, like 0.02,0.1,1 (got '{text}')")
english("sweep.empty", "choose at least one fraction of the training set")
english("sweep.too_many", "{count} runs is too many for one sweep; the limit is {limit}")
# federated.py
english(
    "federated.no_engine", "Flower's simulation engine is not installed: pip install -r requirements-challenges.txt"
)
english("federated.devices", "the number of devices must be 2 to {largest} (got {devices})")
english("federated.rounds", "the number of rounds must be 1 to {largest} (got {rounds})")
english("federated.local_epochs", "local epochs must be 1 to 20 (got {epochs})")
english("federated.alpha", "α must be a positive number, e.g. 0.1 (very skewed) to 100 (almost random); got {alpha}")
english(
    "federated.too_many_devices",
    "{devices} devices cannot share {images} training images "
    "(each needs at least {minimum}); use fewer devices or more images",
)
english(
    "federated.too_skewed",
    "with α = {alpha}, some of the {devices} devices keep getting fewer than "
    "{minimum} images; use a larger α, fewer devices or more images",
)
english(
    "federated.dp",
    "differential privacy needs a noise multiplier above 0 and a clipping norm above 0 (got {noise} and {clip})",
)
english("federated.delta", "δ must be between 0 and 1, e.g. 1e-5 (got {delta})")
english("federated.busy", "another federated simulation is running in this server; wait for it to finish")
english("federated.failed", "the simulation failed: {reason}")
english("federated.progress.start", "starting Flower's simulation engine (Ray) with {devices} devices")
english("federated.progress.round", "round {round} of {rounds}: test accuracy {accuracy:.1%}")
english("federated.progress.central", "central run for comparison: epoch {epoch} of {epochs}")
# schedules and early stopping (classifier/core/config.py, classifier/training/schedules.py, the worker)
english(
    "config.monitor_validation",
    "{field}: {monitor} needs validation data; choose validation 'test' or 'holdout', or watch 'loss' or 'accuracy'",
)
english_plural(
    "schedules.early_stopped",
    "early stopping: {monitor} did not improve for {patience} epoch, so training stopped after epoch {epoch}",
    "early stopping: {monitor} did not improve for {patience} epochs, so training stopped after epoch {epoch}",
    count="patience",
)
english_plural(
    "schedules.early_stopped_kept",
    "early stopping: {monitor} did not improve for {patience} epoch, so training stopped after epoch {epoch}; the model keeps the weights of epoch {best}, the best {monitor}",
    "early stopping: {monitor} did not improve for {patience} epochs, so training stopped after epoch {epoch}; the model keeps the weights of epoch {best}, the best {monitor}",
    count="patience",
)
english("schedules.kept_best", "the model keeps the weights of epoch {best}, the best {monitor}")
english(
    "schedules.tensorboard_unwritable", "TensorBoard logs cannot be written ({detail}); the run trains without them"
)


@dataclass(frozen=True)
class Message:
    """A code and its parameters: JSON-friendly, rendered by whoever shows it."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        return render(self, CODES.template)

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

    def __hash__(self) -> int:  # params is a dict: hash its JSON form, so messages can be deduplicated
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=str))


english("text.plain", "{text}")


Templates = Mapping[str, str] | Callable[[str, Mapping[str, Any]], str | None]


def render(message: Message, templates: Templates) -> str:
    """Fill a template with the message's parameters (nested messages rendered first). `templates`:
    code -> template, or a function of the code and the values (which a plural's form depends on)."""
    values = {k: render(v, templates) if isinstance(v, Message) else v for k, v in message.params.items()}
    template = templates(message.code, values) if callable(templates) else templates.get(message.code)
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


# the Ray back-end (classifier/engine/cluster.py)
english("cluster.ray_missing", "the Ray back-end needs Ray: pip install -r requirements-challenges.txt")
english("cluster.unreachable", "cannot join the Ray cluster at {address}: {detail}")
english(
    "cluster.loopback_too_late",
    "Ray was imported before the engine could keep {address} on loopback: set RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 before starting",
)
english("cluster.no_actor", "run {run_id} is not training on the cluster (its status: {status})")
english(
    "cluster.node_lost",
    "the machine training it left the cluster during epoch {epoch}; resume continues from the checkpoint of epoch {checkpoint}",
)
english(
    "cluster.node_lost_first_epoch",
    "the machine training it left the cluster during the first epoch; resume starts it again",
)

# --- classifier/training/timeline.py: filters and feature maps over the epochs ----------------------------
english(
    "timeline.unwritable",
    "the filters and feature maps of this epoch could not be recorded ({detail}); "
    "training goes on, but the replay over epochs will miss them",
)


# rehearse.py: a lesson rehearsed before class
english(
    "rehearse.not_free",
    "students cannot change {field} in this lesson (it is locked), so it cannot vary in the rehearsal",
)
english("rehearse.bad_count", "the number of values the class tries for {field} must be between 1 and {most}")
english("rehearse.bad_students", "the number of students must be between 1 and {most}")
english(
    "rehearse.all_locked",
    "every setting of this lesson is locked: all {students} students ask for the same training, which is trained once",
)
english(
    "rehearse.no_class_code",
    "this lesson has no class code, so its runs cannot share trainings: every student's run is trained on its own; give the lesson a class code to share",
)


# lessons.py: lesson links and class codes
english("lesson.empty", "no lesson link was given")
english(
    "lesson.too_long",
    "the lesson link is {length} characters long, more than a lesson link can be ({limit}); copy it again",
)
english(
    "lesson.version",
    "this lesson link was made by another version of the app (format '{version}'); ask the teacher for a new link",
)
english("lesson.damaged", "the lesson link is damaged (cut short or changed on the way); copy the whole link again")
english(
    "lesson.tampered",
    "the lesson link does not match its checksum: it was changed or cut short; copy the whole link again",
)
english(
    "lesson.stale_field",
    "the lesson link sets {field}, which this version of the app no longer has; ask the teacher for a new link",
)
english("lesson.preset", "the lesson link starts from a preset '{preset}' this app does not have (presets: {choices})")
english("lesson.bad_value", "the lesson link asks for a value this app refuses: {reason}")
english("lesson.free_and_choice", "the lesson link both frees {field} and limits it to a list of choices")
english("lesson.choice_count", "the lesson link offers {field} with fewer than 2 or more than {most} choices")
english("lesson.choice_default", "the lesson link opens on a value of {field} that is not among its own choices")
english("lesson.task_too_long", "the task is longer than {limit} characters; one paragraph, please")
english("lesson.title_too_long", "the title is longer than {limit} characters")
english("lesson.class_code", "'{text}' is not a class code: 4 to 16 letters and digits, like K7QM2X")
english("lesson.unknown_builtin", "there is no built-in lesson called '{lesson}'")
english("lesson.dataset", "a lesson trains on one of the app's own data sets ({choices}), not an uploaded one")
