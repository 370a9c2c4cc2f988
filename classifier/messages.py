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

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# English templates, one per code, grouped by the module that raises them.
ENGLISH: dict[str, str] = {
    # generic
    "error.unexpected": "unexpected error: {kind}: {detail}",
    "data.class_count_mismatch": "the model has {model} classes, the data set {data}",
    # inspection (classifier/inspect.py)
    "inspect.no_conv_layer": "this model has no convolutional layer to explain",
    "inspect.not_conv": "{layer} is not a convolution layer",
    "inspect.no_maps": "{layer} has no 2-D feature maps to explain",
    # models (classifier/predict.py)
    "model.builtin_missing": "the built-in model is missing; run `make default-model` to train it",
    "model.no_file": "no model file at {path}",
    "model.too_large": "the model file is larger than {limit_mb} MB",
    "model.class_count": "the model has {outputs} outputs but {classes} class names were given",
    "model.empty": "the model file is empty (0 bytes)",
    "model.not_zip": "not a Keras model: a .keras file is a zip archive (save with model.save('x.keras'))",
    "model.damaged": "the model file is damaged (not a readable zip archive)",
    "model.no_config": "not a Keras model: the archive has no config.json",
    "model.lambda": "the model contains a Lambda layer (arbitrary Python code); it is refused for safety",
    "model.unloadable": "the model could not be loaded: {detail}",
    "model.one_input": "the model must take exactly one input: a batch of 32x32 RGB images",
    "model.input_shape": "the model takes images of shape {shape}, but this app feeds 32x32 RGB (32, 32, 3)",
    "model.one_output": "the model must output one vector of class probabilities",
    "model.too_few_outputs": "the model outputs {count} value(s); a classifier needs at least two classes",
    "model.no_checkpoint_yet": "this run has no checkpoint yet; wait for its first epoch to finish",
    "model.unknown_name": "no model file or run called {name}",
    "model.tta": "test-time augmentation must be one of {choices}, not {value}",
    # data sets (classifier/data/)
    "data.progress_reading": "Reading {name}",
    "data.progress_decoding_train": "Decoding training images: {done:,}/{total:,}",
    "data.progress_decoding_test": "Decoding test images: {done:,}/{total:,}",
    "data.cifar_missing": "{variable} points at {path}, which does not exist",
    "data.cifar_classes": "{path} does not hold the ten CIFAR-10 classes (found {found})",
    "data.cifar_download_failed": "Could not download CIFAR-10 ({kind}: {detail}). Without internet, set {variable} to a copy (a class-folder directory or zip, or cifar-10-python.tar.gz), or use the built-in 'shapes' data set.",
    "data.cifar_tar_incomplete": "{name} is not the CIFAR-10 python archive (found {found})",
    "data.file_empty": "{name} is empty (0 bytes); upload a .zip of class folders",
    "data.not_zip": "{name} is neither a zip archive nor a folder; upload a .zip of class folders",
    "data.missing": "{name} does not exist",
    "data.unreadable": "cannot read {name}: {detail}",
    "data.zip_too_many_files": "the zip holds {files:,} files; the limit is {limit:,}",
    "data.zip_unsafe_path": "the zip contains an unsafe path ({path}: absolute or with '..'); refused",
    "data.zip_bomb": "{path} in the zip expands {ratio}-fold (a zip bomb?); refused",
    "data.zip_too_large": "the zip would expand to {gigabytes:.1f} GB; the limit is {limit:.0f} GB",
    "data.no_class_folders": "{name} has no images in class folders; expected '<class>/<image>' or 'train/<class>/<image>' (and optionally 'test/...')",
    "data.test_classes_unknown": "the test split has classes that training lacks: {classes}",
    "data.too_few_classes": "{name} needs at least two classes with readable images; found {found} ({classes})",
    "data.too_many_classes": "{name} has {found} classes; the limit is {limit}",
    "data.too_few_to_test": "{name} has too few images to keep some for testing",
    "data.note_skipped_train": "skipped {count} unreadable file(s) in train, e.g. {example}: {reason}",
    "data.note_skipped_test": "skipped {count} unreadable file(s) in test, e.g. {example}: {reason}",
    "data.note_loose_files": "ignored {count} file(s) outside class folders, e.g. {example}",
    "data.note_empty_classes": "left out class folder(s) with no readable images: {classes}",
    "data.note_no_test_folder": "No test folder in the zip, which is fine: {share:.0%} of each class is kept aside for testing.",
    # hyperparameters (classifier/config.py); the app shows {field} as the control's label
    "config.dataset_missing": "{field}: must name a data set ('cifar10', 'shapes' or a path)",
    "config.augmentation_list": "{field}: must be a list of distinct options from {choices}",
    "config.block_count": "{field}: must list 1 to {most} blocks",
    "config.pool_count": "{field}: needs one yes/no per conv block ({blocks}), got {got}",
    "config.yes_no": "{field}: must be true or false",
    "config.warmup": "{field}: must be less than epochs ({epochs}), got {warmup}",
    "config.shrinks": "{field}: the image shrinks to nothing in block {block} (kernel {kernel}, padding 'valid'); use fewer blocks, less pooling or padding 'same'",
    "config.pool_too_small": "{field}: block {block} has a {size}x{size} output, too small to pool",
    "config.not_object": "{field}: expected a JSON object of hyperparameters",
    "config.unknown_field": "{field}: not a hyperparameter (known: {known})",
    "config.bad_json": "{field}: not valid JSON ({detail})",
    "config.choice": "{field}: must be one of {choices} (got {value})",
    "config.whole_number": "{field}: must be a whole number between {low:g} and {high:g} (got {value})",
    "config.number": "{field}: must be a number between {low:g} and {high:g} (got {value})",
    "config.range": "{field}: must be between {low:g} and {high:g} (got {value})",
    # engine (classifier/engine/)
    "engine.phase_loading": "Loading data",
    "engine.phase_building": "Building the model",
    "engine.phase_training": "Training",
    "engine.phase_testing": "Testing",
    "engine.stopped_before_start": "stopped before it started",
    "engine.stopped_by_request": "stopped by request after {epochs} epoch(s)",
    "engine.cancelled_in_queue": "cancelled while waiting in the queue",
    "engine.out_of_memory": "out of memory: try a smaller batch size, network or subset",
    "engine.empty_training_split": "the training split is empty",
    "engine.diverged": "the loss became NaN (not a number) during epoch {epoch}: training diverged. The learning rate ({learning_rate:g}) is probably too high; try 10x smaller.",
    "engine.status_unwritable": "could not write the run's status file: {detail}",
    "engine.predictions_unwritable": "could not save test predictions: {detail}",
    "engine.checkpoint_unwritable_kept": "could not save epoch {epoch} ({detail}); the checkpoint from epoch {kept} is kept",
    "engine.checkpoint_unwritable_none": "could not save epoch {epoch} ({detail}); no checkpoint is saved yet",
    "engine.worker_died": "the training process ended unexpectedly (exit status {code}); the run can be resumed from its last checkpoint",
    # the same training done once (classifier/sharing.py)
    "share.left": "you left the shared training after {epochs} epoch(s); your run keeps what was trained until then, and the others on it train on",
    "share.left_queued": "you left the queue before the shared training started; the others on it keep their place",
    # limits per student (classifier/limits.py)
    "limits.active_runs": "you already have {count} run(s) queued or training (the limit for each student is {limit}); wait for one to finish, or stop one, then start again: your settings are kept",
    "limits.kept_runs": "you have {count} saved runs (the limit for each student is {limit}); delete some on the Runs page, then start again: your settings are kept",
    "limits.sweep_runs": "this experiment needs {count} runs and you have {active} queued or training; at most {limit} may wait at once. Choose fewer shares, or wait for your runs to finish",
    "limits.not_a_number": "the server setting {variable} must be a whole number of at least 1 (it is '{value}')",
    # runs (classifier/runs.py)
    "run.not_found": "no such run: {run_id}",
    "run.damaged": "run {run_id} is damaged: {detail}",
    "run.cannot_create": "cannot create a run in {folder}: {detail}. Check that the runs folder exists, is writable and the disk is not full.",
    "run.not_owner_share": "only the person who started this run can share it",
    "run.not_owner_delete": "only the person who started this run can delete it",
    "run.not_owner_resume": "only the person who started this run can resume it",
    "run.not_owner_stop": "only the person who started this run can stop it",
    "run.not_owner_revoke": "only the person who started this run can withdraw its phone link",
    "run.still_training": "this run is already training or queued",
    "run.all_epochs_done": "this run has already trained all its planned epochs",
    "run.delete_while_training": "this run is still training; stop it before deleting it",
    "run.interrupted": "the server stopped during epoch {epoch}; the checkpoint after epoch {checkpoint} is kept and the run can be resumed",
    "run.interrupted_first_epoch": "the server stopped before the first epoch finished",
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
    # export.py
    "export.no_runtime": "the LiteRT runtime (ai-edge-litert) is not installed: "
    "pip install -r requirements-challenges.txt",
    "export.flavour": "unknown export flavour '{flavour}'; choose one of {choices}",
    "export.failed": "the model could not be converted to {flavour}: {reason}",
    "ondevice.export_failed": "the model could not be prepared for the browser: {reason}",
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
    "sweep.fraction_text": "fractions must be numbers separated by commas, like 0.02,0.1,1 (got '{text}')",
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
    # schedules and early stopping (classifier/config.py, classifier/schedules.py, the worker)
    "config.monitor_validation": "{field}: {monitor} needs validation data; choose validation 'test' or 'holdout', or watch 'loss' or 'accuracy'",
    "schedules.early_stopped": "early stopping: {monitor} did not improve for {patience} epoch(s), so training stopped after epoch {epoch}",
    "schedules.early_stopped_kept": "early stopping: {monitor} did not improve for {patience} epoch(s), so training stopped after epoch {epoch}; the model keeps the weights of epoch {best}, the best {monitor}",
    "schedules.kept_best": "the model keeps the weights of epoch {best}, the best {monitor}",
    "schedules.tensorboard_unwritable": "TensorBoard logs cannot be written ({detail}); the run trains without them",
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

    def __hash__(self) -> int:  # params is a dict: hash its JSON form, so messages can be deduplicated
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=str))


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


# the Ray back-end (classifier/engine/cluster.py)
ENGLISH.update(
    {
        "cluster.ray_missing": "the Ray back-end needs Ray: pip install -r requirements-challenges.txt",
        "cluster.unreachable": "cannot join the Ray cluster at {address}: {detail}",
        "cluster.loopback_too_late": "Ray was imported before the engine could keep {address} on loopback: set RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 before starting",
        "cluster.no_actor": "run {run_id} is not training on the cluster (its status: {status})",
        "cluster.node_lost": "the machine training it left the cluster during epoch {epoch}; resume continues from the checkpoint of epoch {checkpoint}",
        "cluster.node_lost_first_epoch": "the machine training it left the cluster during the first epoch; resume starts it again",
    }
)

# --- classifier/timeline.py: filters and feature maps over the epochs ----------------------------
ENGLISH.update(
    {
        "timeline.unwritable": "the filters and feature maps of this epoch could not be recorded ({detail}); "
        "training goes on, but the replay over epochs will miss them",
    }
)


# rehearse.py: a lesson rehearsed before class
ENGLISH.update(
    {
        "rehearse.not_free": "students cannot change {field} in this lesson (it is locked), so it cannot vary in the rehearsal",
        "rehearse.bad_count": "the number of values the class tries for {field} must be between 1 and {most}",
        "rehearse.bad_students": "the number of students must be between 1 and {most}",
        "rehearse.all_locked": "every setting of this lesson is locked: all {students} students ask for the same training, which is trained once",
        "rehearse.no_class_code": "this lesson has no class code, so its runs cannot share trainings: every student's run is trained on its own; give the lesson a class code to share",
    }
)


# lessons.py: lesson links and class codes
ENGLISH.update(
    {
        "lesson.empty": "no lesson link was given",
        "lesson.too_long": "the lesson link is {length} characters long, more than a lesson link can be ({limit}); copy it again",
        "lesson.version": "this lesson link was made by another version of the app (format '{version}'); ask the teacher for a new link",
        "lesson.damaged": "the lesson link is damaged (cut short or changed on the way); copy the whole link again",
        "lesson.tampered": "the lesson link does not match its checksum: it was changed or cut short; copy the whole link again",
        "lesson.stale_field": "the lesson link sets {field}, which this version of the app no longer has; ask the teacher for a new link",
        "lesson.preset": "the lesson link starts from a preset '{preset}' this app does not have (presets: {choices})",
        "lesson.bad_value": "the lesson link asks for a value this app refuses: {reason}",
        "lesson.free_and_choice": "the lesson link both frees {field} and limits it to a list of choices",
        "lesson.choice_count": "the lesson link offers {field} with fewer than 2 or more than {most} choices",
        "lesson.choice_default": "the lesson link opens on a value of {field} that is not among its own choices",
        "lesson.task_too_long": "the task is longer than {limit} characters; one paragraph, please",
        "lesson.title_too_long": "the title is longer than {limit} characters",
        "lesson.class_code": "'{text}' is not a class code: 4 to 16 letters and digits, like K7QM2X",
        "lesson.unknown_builtin": "there is no built-in lesson called '{lesson}'",
        "lesson.dataset": "a lesson trains on one of the app's own data sets ({choices}), not an uploaded one",
    }
)
