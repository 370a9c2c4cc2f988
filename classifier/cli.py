"""Command line: python -m classifier train|evaluate|predict|runs|attach|resume|learn|sweep|explain|export|
federated|lessons.

Progress goes to stderr (Keras's own progress bar); results go to stdout as JSON, one object
per line, so scripts can read the last line. Exit status: 0 success, 1 a run or a file failed,
2 bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from classifier import config as config_module
from classifier.config import Config
from classifier.engine import RAY_ADDRESS_ENV, prepare_ray
from classifier.messages import ClassifierError

# Options that are not plain hyperparameters, or have their own spelling.
_HANDLED_ELSEWHERE = {"dataset", "limit", "epochs", "batch_size", "learning_rate"}


def _int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, got {text!r}") from None


def _bool_list(text: str) -> tuple[bool, ...]:
    words = {"1": True, "yes": True, "true": True, "y": True, "0": False, "no": False, "false": False, "n": False}
    try:
        return tuple(words[part.strip().lower()] for part in text.split(",") if part.strip())
    except KeyError:
        raise argparse.ArgumentTypeError(f"expected yes/no values separated by commas, got {text!r}") from None


def _word_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip() and part.strip() != "none")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


_LIST_TYPES = {"conv_filters": _int_list, "pool_after": _bool_list, "augmentation": _word_list}
_CHOICES = {
    "validation": config_module.VALIDATIONS,
    "padding": config_module.PADDINGS,
    "activation": config_module.ACTIVATIONS,
    "head": config_module.HEADS,
    "optimizer": config_module.OPTIMIZERS,
    "lr_schedule": config_module.SCHEDULES,
    "monitor": config_module.MONITORS,
    "precision": config_module.PRECISIONS,
    "tta": config_module.TTA_CHOICES,
}


# Help for the options whose meaning their name does not tell.
_HELP = {
    "lr_schedule": "constant, step (x lr-drop-factor every lr-drop-every epochs), cosine (with warmup-epochs), "
    "or plateau (x lr-drop-factor after lr-patience epochs without improvement of --monitor)",
    "early_stopping": "stop after this many epochs without improvement of --monitor (0: off)",
    "monitor": "what early stopping and the plateau schedule watch (default val_loss)",
    "restore_best": "end with the weights of the epoch with the best --monitor value",
    "tta": "the final test pass: flip averages each test image's prediction with its mirror's (default none)",
}
_METAVARS = {"early_stopping": "PATIENCE"}


def _add_hyperparameters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", help="cifar10, shapes, or a directory/zip of class folders")
    parser.add_argument(
        "--preset",
        default="seed",
        choices=config_module.PRESET_NAMES,
        help="starting point for every hyperparameter (default: seed)",
    )
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--limit", type=int, help="use only the first N images of each split (stratified)")
    group = parser.add_argument_group("other hyperparameters (see classifier/config.py)")
    for f in dataclasses.fields(Config):
        if f.name in _HANDLED_ELSEWHERE:
            continue
        flag = "--" + f.name.replace("_", "-")
        if f.name in _LIST_TYPES:
            group.add_argument(flag, type=_LIST_TYPES[f.name], metavar="A,B,...")
        elif f.type in ("bool", bool):
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=_HELP.get(f.name))
        elif f.name in _CHOICES:
            group.add_argument(flag, choices=_CHOICES[f.name], help=_HELP.get(f.name))
        else:
            number = float if f.type in ("float", float) else int
            group.add_argument(flag, type=number, help=_HELP.get(f.name), metavar=_METAVARS.get(f.name))


def _config_from(args: argparse.Namespace) -> Config:
    overrides = {
        f.name: getattr(args, f.name) for f in dataclasses.fields(Config) if getattr(args, f.name, None) is not None
    }
    return config_module.preset(args.preset, **overrides)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a network; prints the run's results as JSON")
    train.set_defaults(subparser=train)
    _add_hyperparameters(train)
    train.add_argument("--runs-dir", help="where run folders go (default: $CLASSIFIER_RUNS_DIR or ./runs)")
    train.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    train.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="train on a Ray cluster: auto, ray://host:10001, host:port, or local (default: $CLASSIFIER_RAY_ADDRESS)",
    )
    train.add_argument(
        "--dry-run",
        action="store_true",
        help="train nothing: time a few steps of this network here and print the estimated seconds per epoch",
    )

    evaluate = commands.add_parser("evaluate", help="test a model on a data set's test split")
    evaluate.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    evaluate.add_argument("--dataset", default="cifar10")
    evaluate.add_argument("--limit", type=int)
    evaluate.add_argument("--runs-dir")
    evaluate.add_argument("--tta", choices=("none", "flip"), default="none", help="flip: average with the mirror image")

    predict = commands.add_parser("predict", help="classify image files")
    predict.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    predict.add_argument("--top-k", type=_positive_int, default=3)
    predict.add_argument(
        "--fit",
        choices=("crop", "squash"),
        default="crop",
        help="how a non-square photo becomes 32x32 (default: centre crop)",
    )
    predict.add_argument("--runs-dir")
    predict.add_argument("--tta", choices=("none", "flip"), default="none", help="flip: average with the mirror image")
    predict.add_argument("files", nargs="+", metavar="FILE")

    runs = commands.add_parser("runs", help="list saved runs, one JSON object per line")
    runs.add_argument("--runs-dir")

    attach = commands.add_parser("attach", help="follow a run training on the Ray cluster to its end (as train does)")
    attach.add_argument("run_id")
    attach.add_argument("--ray", metavar="ADDRESS", help="the cluster (default: $CLASSIFIER_RAY_ADDRESS, else auto)")
    attach.add_argument("--runs-dir")
    attach.add_argument("--quiet", action="store_true", help="no epoch lines on stderr")

    resume = commands.add_parser("resume", help="continue an interrupted or stopped run from its checkpoint")
    resume.add_argument("run_id")
    resume.add_argument("--runs-dir")
    resume.add_argument("--quiet", action="store_true")
    resume.add_argument(
        "--ray", metavar="ADDRESS", help="continue it on a Ray cluster (default: $CLASSIFIER_RAY_ADDRESS)"
    )
    _add_learn(commands)
    add_challenge_commands(commands)
    _add_lessons(commands)
    _add_rehearse(commands)
    return parser


def _emit(values: dict[str, Any]) -> None:
    print(json.dumps(values), flush=True)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _store(args: argparse.Namespace):
    from classifier.runs import RunStore

    return RunStore(args.runs_dir)


def _train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from classifier.engine import Engine

    try:
        config = _config_from(args)
    except ValueError as error:
        parser.error(str(error))
    if args.dry_run:
        return _dry_run(config)
    address = args.ray or os.environ.get(RAY_ADDRESS_ENV)
    try:
        if address:  # the run is a detached actor: it trains on if this process is killed
            prepare_ray(address)
            from classifier.engine.cluster import ClusterEngine

            engine = ClusterEngine(_store(args), address, adopt=False)
        else:
            engine = Engine(_store(args), max_concurrent=1, keep_spare=False)
        job = engine.submit(config, verbose=0 if args.quiet else 2)
    except ImportError:
        return _fail("the Ray back-end needs Ray: pip install -r requirements-challenges.txt")
    except Exception as error:  # noqa: BLE001 - e.g. an unwritable runs folder, an unreachable cluster
        return _fail(str(error))
    return _follow(job, engine, quiet=args.quiet)


def _dry_run(config) -> int:
    """The measured epoch time for this config on this machine, without training (see estimate.py)."""
    from classifier import estimate
    from classifier.data import DatasetError, load_dataset
    from classifier.model import resolved_precision

    try:
        dataset = load_dataset(config.dataset, config.limit)
    except DatasetError as error:
        return _fail(str(error))
    rates = estimate.measured_rates(config, dataset.num_classes)
    train_images, validation_images = estimate.epoch_images(config, len(dataset.y_train), len(dataset.y_test))
    seconds = estimate.epoch_seconds(rates, train_images, validation_images)
    _emit(
        {
            "estimated_epoch_seconds": round(seconds, 3),
            "estimated_total_seconds": round(seconds * config.epochs, 1),
            "train_images": train_images,
            "validation_images": validation_images,
            "precision": resolved_precision(config),
            # Cores other processes used while the steps were timed (absent: served from the cache);
            # over a quarter of ours, the figure was not cached (classifier/estimate.py).
            "busy_elsewhere": rates.get("busy_elsewhere"),
            "config": config.to_dict(),
        }
    )
    return 0


def _follow(job, engine, quiet: bool = False) -> int:
    """Wait for a job, showing Keras's progress on stderr (on Ray: a line per epoch); Ctrl-C stops it cleanly."""
    print(f"run {job.run_id}: {engine.store.path(job.run_id)}", file=sys.stderr)
    shown = len(job.snapshot().history)
    try:
        while not job.wait(0.5):
            history = job.snapshot().history
            if engine.backend == "ray" and not quiet and len(history) > shown:
                for record in history[shown:]:
                    print(json.dumps(record), file=sys.stderr)
                shown = len(history)
    except KeyboardInterrupt:
        print("stopping after this batch...", file=sys.stderr)
        job.request_stop(viewer=None)  # the person at the terminal runs the server
        job.wait()
    return _final_line(engine.store, job.run_id)


def _final_line(store, run_id: str) -> int:
    """The one JSON line train, resume and attach end with."""
    info = store.load(run_id)
    history = store.history(run_id)
    _emit(
        {
            "run_id": info.run_id,
            "run_dir": str(store.path(info.run_id).resolve()),
            "status": info.status,
            "reason": str(info.reason or ""),
            "dataset": info.dataset_name,
            "epochs_completed": info.epochs_completed,
            "epoch_seconds": [record["seconds"] for record in history],
            "val_accuracy": [record.get("val_accuracy") for record in history],
            "test_accuracy": info.test_accuracy,
            "test_loss": info.test_loss,
            "precision": info.precision,
            # Schedules and early stopping: the rate each epoch started with, the epoch after which
            # early stopping ended training (null: it did not), the epoch whose weights the model holds.
            "learning_rate": [record.get("learning_rate") for record in history],
            "stopped_epoch": info.stopped_epoch,
            "best_epoch": info.best_epoch or info.checkpoint_epoch or None,
            "warnings": [str(warning) for warning in info.warnings],
            "backend": info.backend,
            "node": info.node or platform.node(),  # the Ray node that trained it; this machine if local
        }
    )
    if info.status == "failed":
        print(f"error: the run failed: {info.reason}", file=sys.stderr)
    return 0 if info.status in ("finished", "stopped") else 1


def _resolve_model(name: str, runs_dir: str | None):
    """'default', a path, or a run id -> LoadedModel (the pages find a run's model the same way)."""
    from classifier.predict import resolve
    from classifier.runs import RunStore

    return resolve(name, RunStore(runs_dir))


def _evaluate(args: argparse.Namespace) -> int:
    from classifier import pipeline
    from classifier.data import DatasetError, load_dataset
    from classifier.predict import ModelError, with_flip_averaging

    try:
        loaded = _resolve_model(args.model, args.runs_dir)
        dataset = load_dataset(args.dataset, args.limit)
    except (ModelError, DatasetError) as error:
        return _fail(str(error))
    if len(loaded.classes) != dataset.num_classes:
        return _fail(f"the model has {len(loaded.classes)} classes, the data set {dataset.num_classes}")
    started = time.time()
    model = loaded.model if args.tta == "none" else with_flip_averaging(loaded.model)
    # Loaded for inference only: compile with the training loss to evaluate.
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
    _emit(
        {
            "model": args.model,
            "dataset": dataset.name,
            "n": len(dataset.y_test),
            "tta": args.tta,
            "accuracy": float(accuracy),
            "loss": float(loss),
            "seconds": round(time.time() - started, 3),
        }
    )
    return 0


def _predict(args: argparse.Namespace) -> int:
    from classifier.images import ImageError
    from classifier.predict import ModelError, predict_many

    try:
        loaded = _resolve_model(args.model, args.runs_dir)
    except ModelError as error:
        return _fail(str(error))
    failed = False
    for name, result in zip(args.files, predict_many(loaded, list(args.files), args.top_k, args.fit, tta=args.tta)):
        if isinstance(result, ImageError):
            failed = True
            _emit({"file": name, "error": str(result), "code": result.message.code})
        else:
            _emit({"file": name, "top": [{"label": label, "probability": round(p, 6)} for label, p in result.top]})
    return 1 if failed else 0


def _runs(args: argparse.Namespace) -> int:
    for info in _store(args).list():
        _emit(
            {
                "run_id": info.run_id,
                "status": info.status,
                "dataset": info.dataset_name,
                "epochs_completed": info.epochs_completed,
                "epochs": info.config.epochs,
                "test_accuracy": info.test_accuracy,
                "created": info.created,
                "backend": info.backend,
            }
        )
    return 0


def _resume(args: argparse.Namespace) -> int:
    from classifier.engine import Engine

    address = args.ray or os.environ.get(RAY_ADDRESS_ENV)
    try:
        if address:
            prepare_ray(address)
            from classifier.engine.cluster import ClusterEngine

            engine = ClusterEngine(_store(args), address, adopt=False)
        else:
            engine = Engine(_store(args), max_concurrent=1, keep_spare=False)
        job = engine.resume(args.run_id, verbose=0 if args.quiet else 2)
    except ImportError:
        return _fail("the Ray back-end needs Ray: pip install -r requirements-challenges.txt")
    except ClassifierError as error:  # RunError included
        return _fail(str(error))
    return _follow(job, engine, quiet=args.quiet)


def _attach(args: argparse.Namespace) -> int:
    """Follow a Ray run started elsewhere (a CLI that was killed, the web server) to its end."""
    from classifier.runs import ACTIVE, RunError

    store = _store(args)
    try:
        info = store.load(args.run_id)
    except RunError as error:
        return _fail(str(error))
    if info.status not in ACTIVE:  # already over: its final line, as train printed it
        return _final_line(store, args.run_id)
    address = args.ray or os.environ.get(RAY_ADDRESS_ENV) or "auto"
    try:
        prepare_ray(address)
        from classifier.engine.cluster import ClusterEngine

        engine = ClusterEngine(store, address, adopt=False)
        job = engine.attach(args.run_id)
    except ImportError:
        return _fail("the Ray back-end needs Ray: pip install -r requirements-challenges.txt")
    except ClassifierError as error:
        return _fail(str(error))
    return _follow(job, engine, quiet=args.quiet)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "train":
        return _train(args, args.subparser)
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "predict":
        return _predict(args)
    if args.command == "runs":
        return _runs(args)
    if args.command == "learn":
        return _learn(args)
    if args.command == "resume":
        return _resume(args)
    if args.command == "attach":
        return _attach(args)
    if args.command == "lessons":
        return _lessons(args)
    if args.command == "rehearse":
        return _rehearse(args)
    return run_challenge_command(args)


# --- learn: the document's formulas worked out on a model (classifier/learn.py, probe.py) --------


def _position(text: str) -> tuple[int, int, int]:
    parts = _int_list(text)
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"expected row,column,channel (three whole numbers), got {text!r}")
    return parts


def _add_learn(commands) -> None:
    learn = commands.add_parser("learn", help="the tutorial's formulas computed on a model, beside Keras's numbers")
    kinds = learn.add_subparsers(dest="learn_command", required=True)

    def command(name: str, help_text: str, image: bool = True) -> argparse.ArgumentParser:
        sub = kinds.add_parser(name, help=help_text)
        sub.add_argument("--model", default="default", help="default, a .keras file, or a run id")
        sub.add_argument("--runs-dir")
        if image:
            sub.add_argument("--image", required=True, metavar="FILE", help="any image; it is made 32x32")
            sub.add_argument("--fit", choices=("crop", "squash"), default="crop")
        return sub

    for name, what in (("conv", "one convolution output y(i, j, c)"), ("pool", "one max-pooling output")):
        sub = command(name, f"{what}: the numbers under the window, and Keras's value")
        sub.add_argument(
            "--layer",
            required=True,
            help="the layer's name, e.g. conv1 or pool1 (conv1_1, conv1_2, ... with two convolutions per block)",
        )
        sub.add_argument("--at", required=True, type=_position, metavar="I,J,C", help="output row, column, channel")
    loss = command("loss", "cross-entropy of one image: probabilities, -log p(true class), Keras's loss")
    loss.add_argument("--label", required=True, metavar="CLASS", help="the true class: its name or number")
    step = command("step", "plain SGD steps on a fixed batch, by hand and by keras.optimizers.SGD", image=False)
    step.add_argument("--lr", type=float, default=0.001, help="the learning rate alpha (default 0.001)")
    step.add_argument("--seed", type=int, default=0, help="which batch: the same seed, the same images")
    step.add_argument("--steps", type=_positive_int, default=1, help="steps to take; one JSON line each")
    step.add_argument("--batch-size", type=_positive_int, default=32)
    step.add_argument("--dataset", help="whose training images (default: the run's data set, else cifar10)")
    step.add_argument("--weight", help="the weights reported, e.g. conv1/kernel (default: the first)")
    step.add_argument("--index", type=_int_list, metavar="A,B,...", help="which of them (default: largest gradient)")
    probe = command("probe", "class probabilities while the image is shifted, rotated or scaled")
    probe.add_argument("--sweep", choices=("shift", "rotate", "scale", "all"), default="all")


def _class_index(label: str, classes: tuple[str, ...]) -> int:
    from classifier.learn import LearnError

    if label in classes:
        return classes.index(label)
    if label.isdigit() and int(label) < len(classes):
        return int(label)
    raise LearnError("learn.unknown_class", label=label, choices=", ".join(classes))


def _learn(args: argparse.Namespace) -> int:
    """Exit 2 for a bad layer, position, class or weight; 1 for a model or file that cannot be used."""
    from classifier import learn, probe
    from classifier.data import DatasetError
    from classifier.images import ImageError, load_input
    from classifier.predict import ModelError

    try:
        loaded = _resolve_model(args.model, args.runs_dir)
        image = load_input(args.image, args.fit) if getattr(args, "image", None) else None
        if args.learn_command == "conv":
            _emit(learn.explain_conv(loaded.model, image, args.layer, args.at).to_dict())
        elif args.learn_command == "pool":
            _emit(learn.explain_pool(loaded.model, image, args.layer, args.at).to_dict())
        elif args.learn_command == "loss":
            label = _class_index(args.label, loaded.classes)
            _emit(learn.cross_entropy(loaded.model, image, label).to_dict(loaded.classes))
        elif args.learn_command == "probe":
            kinds = tuple(probe.SWEEPS) if args.sweep == "all" else (args.sweep,)
            for sweep in probe.sweep_all(loaded.model, image, kinds).values():
                for line in sweep.to_lines(loaded.classes):
                    _emit(line)
        else:
            _learn_steps(args, loaded)
    except learn.UnsupportedModel as error:
        return _fail(str(error))
    except (learn.LearnError, probe.ProbeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (ModelError, DatasetError, ImageError, FileNotFoundError) as error:
        return _fail(str(error))
    return 0


def _learn_steps(args: argparse.Namespace, loaded) -> None:
    from classifier import learn
    from classifier.data import DatasetError, load_dataset
    from classifier.runs import RunError, RunStore

    source = args.dataset
    if source is None and args.model != "default" and not Path(args.model).exists():
        with contextlib.suppress(RunError):
            source = RunStore(args.runs_dir).load(args.model).config.dataset
    dataset = load_dataset(source or "cifar10")
    if dataset.num_classes != len(loaded.classes):
        raise DatasetError("data.class_count_mismatch", model=len(loaded.classes), data=dataset.num_classes)
    x, y = learn.fixed_batch(dataset.x_train, dataset.y_train, args.seed, args.batch_size)
    weights, index = learn.weights_of(loaded.model), args.index
    for number in range(1, args.steps + 1):
        step = learn.sgd_step(loaded.model, weights, x, y, args.lr, args.weight, index)
        weights, index = step.weights, step.index  # the same weight is followed from step to step
        _emit({"step": number, **step.to_dict()})


# --- the document's challenges: little data, phones, privacy (classifier/sweep, export, federated) -----


def add_challenge_commands(commands) -> None:
    """`sweep`, `export`, `federated` and `explain`: each prints one JSON object per line."""
    sweep = commands.add_parser("sweep", help="a learning curve: the same network on growing shares of the data")
    sweep.add_argument("--dataset", default="cifar10", help="cifar10, shapes, or a directory/zip of class folders")
    sweep.add_argument("--fractions", default="0.02,0.05,0.1,0.25,0.5,1", help="shares of the training set, 0 < f <= 1")
    sweep.add_argument(
        "--augment",
        default="none",
        help="none, both (without and with flip,shift), or augmentation options such as flip,shift",
    )
    sweep.add_argument("--epochs", type=_positive_int, help="epochs per run (default: the preset's)")
    sweep.add_argument("--preset", default="seed", choices=config_module.PRESET_NAMES)
    sweep.add_argument("--limit", type=int, help="use only the first N images of each split (stratified)")
    sweep.add_argument("--runs-dir")
    sweep.add_argument("--quiet", action="store_true", help="no progress on stderr")
    federated = commands.add_parser("federated", help="federated learning on simulated devices (Flower)")
    federated.add_argument("--dataset", default="cifar10", help="cifar10, shapes, or a directory/zip of class folders")
    federated.add_argument("--devices", type=int, default=10, help="simulated devices, 2 to 50 (default 10)")
    federated.add_argument("--rounds", type=int, default=5, help="rounds of federated averaging (default 5)")
    federated.add_argument("--alpha", type=float, help="Dirichlet α for class-skewed devices (default: IID)")
    federated.add_argument("--limit", type=int, help="use only the first N images of each split (stratified)")
    federated.add_argument("--local-epochs", type=int, default=1, help="epochs on each device per round")
    federated.add_argument("--batch-size", type=int, default=32)
    federated.add_argument("--dp", action="store_true", help="differential privacy: clip updates, add noise")
    federated.add_argument("--noise", type=float, default=0.5, help="DP noise multiplier z (default 0.5)")
    federated.add_argument("--clip", type=float, default=1.0, help="DP clipping norm C (default 1.0)")
    federated.add_argument("--delta", type=float, default=1e-5, help="DP δ for the reported ε (default 1e-5)")
    federated.add_argument("--no-central", action="store_true", help="skip the central run for comparison")
    federated.add_argument("--seed", type=int, default=0)
    explain = commands.add_parser("explain", help="occlusion sensitivity beside Grad-CAM, and their agreement")
    explain.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    explain.add_argument("--class", dest="class_name", help="the class to explain (default: the predicted one)")
    explain.add_argument("--patch", type=int, default=8, help="grey patch side in pixels (default 8)")
    explain.add_argument("--stride", type=int, default=2, help="patch step in pixels (default 2)")
    explain.add_argument("--runs-dir")
    explain.add_argument("files", nargs="+", metavar="FILE")
    export = commands.add_parser("export", help="convert a model to LiteRT (TensorFlow Lite) and test the file")
    export.add_argument("--model", default="default", help="default, a .keras file, or a run id")
    export.add_argument("--format", default="tflite", choices=("tflite",))
    export.add_argument("--quantize", default="none", choices=("none", "float16", "int8"))
    export.add_argument("--out", required=True, metavar="FILE", help="where the .tflite file goes")
    export.add_argument("--dataset", help="test (and int8 calibration) images; default: the model's own")
    export.add_argument("--limit", type=int, help="use only the first N images of each split (stratified)")
    export.add_argument("--runs-dir")


def _model_dataset(name: str, runs_dir: str | None) -> tuple[str, int | None]:
    """The data set a model was trained on: its run's, or CIFAR-10 for the built-in model and files."""
    from classifier.runs import RunError, RunStore

    if name == "default" or Path(name).exists():
        return "cifar10", None
    try:
        config = RunStore(runs_dir).load(name).config
    except RunError:
        return "cifar10", None
    return config.dataset, config.limit


def _export(args: argparse.Namespace) -> int:
    import numpy as np

    from classifier import export
    from classifier.data import DatasetError, load_dataset
    from classifier.messages import ClassifierError
    from classifier.predict import ModelError

    flavour = export.QUANTIZE_OPTIONS[args.quantize]
    out = Path(args.out)
    if not out.parent.is_dir():
        return _fail(f"the folder {out.parent} does not exist")
    started = time.time()
    try:
        loaded = _resolve_model(args.model, args.runs_dir)
        source, limit = _model_dataset(args.model, args.runs_dir)
        dataset = load_dataset(args.dataset or source, args.limit if args.limit is not None else limit)
        if len(loaded.classes) != dataset.num_classes:
            return _fail(f"the model has {len(loaded.classes)} classes, the data set {dataset.num_classes}")
        representative = export.representative_images(dataset.x_train, dataset.y_train)
        with loaded.lock:
            content = export.to_litert(loaded.model, flavour, representative)
        out.write_bytes(content)
        runner = export.LiteRTModel(content)
        top = export.litert_probabilities(runner, dataset.x_test).argmax(axis=1)
        keras_top = export.keras_probabilities(loaded, dataset.x_test).argmax(axis=1)
        with loaded.lock:
            keras_bytes = export.keras_file_bytes(loaded.model)
    except (ClassifierError, ModelError, DatasetError, FileNotFoundError, OSError) as error:
        return _fail(str(error))
    _emit(
        {
            "model": args.model,
            "format": "tflite",
            "quantize": args.quantize,
            "out": str(out.resolve()),
            "bytes": len(content),
            "keras_bytes": keras_bytes,
            "size_ratio": round(len(content) / keras_bytes, 4),
            "dataset": dataset.name,
            "n": len(dataset.y_test),
            "accuracy": float(np.mean(top == dataset.y_test)),
            "keras_accuracy": float(np.mean(keras_top == dataset.y_test)),
            "operators": export.operators(content),
            "seconds": round(time.time() - started, 3),
        }
    )
    return 0


def _augmentations(text: str) -> list[tuple[str, ...]]:
    from classifier.sweep import WITH_AUGMENTATION

    if text == "both":
        return [(), WITH_AUGMENTATION]
    return [_word_list(text)]


def _sweep(args: argparse.Namespace) -> int:
    from classifier import sweep as sweep_module
    from classifier.engine import Engine
    from classifier.messages import ClassifierError

    overrides: dict[str, Any] = {"dataset": args.dataset, "limit": args.limit}
    if args.epochs:
        overrides["epochs"] = args.epochs
    try:
        base = config_module.preset(args.preset, **overrides)
        fractions = sweep_module.parse_fractions(args.fractions)
        sweep_module.plan(base, fractions, _augmentations(args.augment))  # every config checked before any run
    except (ClassifierError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    engine = Engine(_store(args), max_concurrent=1)
    try:
        sweep = sweep_module.submit(engine, base, fractions, _augmentations(args.augment))
    except Exception as error:  # noqa: BLE001 - e.g. an unwritable runs folder
        return _fail(str(error))
    failed = False
    with contextlib.redirect_stdout(sys.stderr):
        try:
            for number, point in enumerate(sweep.points, start=1):
                if not args.quiet:
                    print(f"point {number}/{len(sweep.points)}: run {point.run_id}", file=sys.stderr)
                while not point.job.wait(0.5):
                    pass
                result = sweep_module.point_result(engine.store, point)
                failed |= result["status"] == "failed"
                print(json.dumps(result), file=sys.__stdout__, flush=True)
        except KeyboardInterrupt:
            print("stopping the sweep...", file=sys.stderr)
            sweep.request_stop(viewer=None)
            for point in sweep.points:
                point.job.wait()
            return 1
    return 1 if failed else 0


def _federated(args: argparse.Namespace) -> int:
    from classifier import federated
    from classifier.messages import ClassifierError

    try:
        spec = federated.FederatedSpec(
            dataset=args.dataset,
            limit=args.limit,
            devices=args.devices,
            rounds=args.rounds,
            alpha=args.alpha,
            local_epochs=args.local_epochs,
            batch_size=args.batch_size,
            seed=args.seed,
            dp=args.dp,
            noise_multiplier=args.noise,
            clipping_norm=args.clip,
            delta=args.delta,
        ).validate()
    except (ClassifierError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    printed = 0

    def report(fraction: float, message, partial=None) -> None:
        nonlocal printed
        print(message, file=sys.stderr, flush=True)
        for result in (partial or ())[printed:]:
            line = {
                "round": result.round,
                "test_accuracy": result.test_accuracy,
                "bytes_sent_per_device": result.bytes_sent_per_device,
            }
            if result.epsilon is not None:
                line["epsilon"] = result.epsilon
            print(json.dumps(line), file=sys.__stdout__, flush=True)
            printed += 1

    with contextlib.redirect_stdout(sys.stderr):  # Flower and Ray talk on stdout
        try:
            result = federated.run(spec, report, central=not args.no_central)
        except ClassifierError as error:
            return _fail(str(error))
        except KeyboardInterrupt:  # Ctrl-C: Flower and Ray wind down as the exception passes
            return _fail("stopped")
    seen = sum(result.device_images) * len(result.rounds) * spec.local_epochs
    last = {
        "federated_accuracy": result.final_accuracy,
        "central_accuracy": result.central_accuracy,
        "difference": (
            result.final_accuracy - result.central_accuracy
            if result.final_accuracy is not None and result.central_accuracy is not None
            else None
        ),
        "examples_seen": seen,
        "devices": spec.devices,
        "rounds": len(result.rounds),
        "alpha": spec.alpha,
        "device_images": list(result.device_images),
        "epsilon": result.rounds[-1].epsilon if result.rounds else None,
        "delta": spec.delta if spec.dp else None,
        "seconds": round(result.seconds, 1),
    }
    print(json.dumps(last), file=sys.__stdout__, flush=True)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from classifier import explain
    from classifier.images import ImageError, load_input
    from classifier.messages import ClassifierError
    from classifier.predict import ModelError

    try:
        loaded = _resolve_model(args.model, args.runs_dir)
    except (ModelError, FileNotFoundError) as error:
        return _fail(str(error))
    if args.class_name is not None and args.class_name not in loaded.classes:
        return _fail(f"no class {args.class_name!r}; the model knows {', '.join(loaded.classes)}")
    chosen = loaded.classes.index(args.class_name) if args.class_name is not None else None
    failed = False
    for name in args.files:
        try:
            image = load_input(name)
            with loaded.lock:
                result = explain.compare(loaded.model, image, chosen, patch=args.patch, stride=args.stride)
        except (ImageError, ClassifierError) as error:
            failed = True
            _emit({"file": name, "error": str(error)})
            continue
        occlusion, agreement = result.occlusion, result.agreement
        _emit(
            {
                "file": name,
                "class": loaded.classes[occlusion.class_index],
                "probability": round(occlusion.probability, 6),
                "largest_drop": round(float(occlusion.drops.max()), 6),
                "spearman": None if agreement is None else round(agreement.spearman, 4),
                "top_iou": None if agreement is None else round(agreement.top_iou, 4),
                "gradcam_error": None if result.gradcam_error is None else str(result.gradcam_error),
                "occlusion_ms": round(occlusion.seconds * 1000, 1),
            }
        )
    return 1 if failed else 0


def run_challenge_command(args: argparse.Namespace) -> int | None:
    """The exit status of a challenge command, or None when `args` is another command."""
    handlers = {"export": _export, "sweep": _sweep, "federated": _federated, "explain": _explain}
    handler = handlers.get(args.command)
    return handler(args) if handler else None


# --- lessons: the built-in lessons as links (classifier/lessons.py) ---------------------------------


def _add_lessons(commands) -> None:
    lessons = commands.add_parser("lessons", help="the built-in lessons, one JSON line each, with their links")
    lessons.add_argument("--class-code", help="group the students' runs under this class code (e.g. K7QM2X)")
    lessons.add_argument("--lang", choices=("en", "zh"), help="open the app in this language (default: English)")


def _lessons(args: argparse.Namespace) -> int:
    """One line per built-in lesson: id, title (en, zh), locked fields, and the query string to
    append to the app's /train address (`http://host:8501/train?` + query)."""
    from classifier import lessons

    try:
        code = lessons.normalise_code(args.class_code) if args.class_code else ""
    except lessons.LessonError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2  # a bad argument
    for entry in lessons.BUILTIN:
        lesson = entry.lesson.with_class(code) if code else entry.lesson
        _emit(
            {
                "id": entry.id,
                "title": dict(entry.title),
                "locked": list(lesson.locked),
                "free": list(lesson.free),
                "choices": {name: list(values) for name, values in lesson.choices.items()},
                "query": lesson.query(args.lang),
            }
        )
    return 0


# --- rehearse: a lesson before class (classifier/rehearse.py) ---------------------------------------


def _add_rehearse(commands) -> None:
    rehearse = commands.add_parser(
        "rehearse", help="how many trainings N students need for a lesson here, and the last one's wait (JSON)"
    )
    which = rehearse.add_mutually_exclusive_group(required=True)
    which.add_argument("--lesson", help="a built-in lesson's id (python -m classifier lessons lists them)")
    which.add_argument("--link", help="a lesson link, or its token")
    rehearse.add_argument("--class-code", help="the class code the lesson is given with (built-in lessons)")
    rehearse.add_argument("--students", type=_positive_int, default=30)
    rehearse.add_argument(
        "--choices",
        default="",
        help="how many values the class tries for each free field: conv_filters=2,dense_units=3 "
        "(a lesson's choice fields count their listed values)",
    )
    rehearse.add_argument("--concurrent", type=_positive_int, help="trainings at once (default: the engine's)")
    rehearse.add_argument(
        "--run-seconds", type=float, help="one training's seconds (default: measured here, a few timed steps)"
    )


def _rehearse(args: argparse.Namespace) -> int:
    from classifier import estimate, lessons, rehearse
    from classifier.engine import DEFAULT_MAX_CONCURRENT
    from classifier.engine.plan import planned_images

    try:
        lesson = lessons.builtin(args.lesson).lesson if args.lesson else lessons.open_link(args.link)
        if args.class_code:
            lesson = lesson.with_class(args.class_code)
        tried = {}
        for part in filter(None, (p.strip() for p in args.choices.split(","))):
            name, _, count = part.partition("=")
            if not count.strip().isdigit():
                raise lessons.LessonError("rehearse.bad_count", field=name.strip()[:40], most=rehearse.MAX_VALUES)
            tried[name.strip()] = int(count)
        seconds = args.run_seconds
        if seconds is None:
            sizes = planned_images(lesson.config)
            rates = estimate.measured_rates(lesson.config, sizes[2]) if sizes else None
            seconds = rehearse.run_seconds(lesson, rates)
        result = rehearse.rehearse(lesson, args.students, tried, args.concurrent or DEFAULT_MAX_CONCURRENT, seconds)
    except lessons.LessonError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(str(note), file=sys.stderr)
    _emit(result.to_dict())
    return 0
