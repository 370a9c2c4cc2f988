"""`learn`: the document's formulas worked out on a model (classifier/teach/learn.py, probe.py).

Exit 2 for a bad layer, position, class or weight; 1 for a model or file that cannot be used."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from classifier.challenges import probe
from classifier.cli import common, flags
from classifier.core.data import DatasetError, load_dataset
from classifier.core.images import ImageError, load_input
from classifier.core.predict import LoadedModel, ModelError
from classifier.core.runs import RunError, RunStore
from classifier.teach import learn


def position(text: str) -> tuple[int, int, int]:
    parts = flags.int_list(text)
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"expected row,column,channel (three whole numbers), got {text!r}")
    return parts


def add_parser(commands) -> None:
    parser = commands.add_parser("learn", help="the tutorial's formulas computed on a model, beside Keras's numbers")
    kinds = parser.add_subparsers(dest="learn_command", required=True)

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
        sub.add_argument("--at", required=True, type=position, metavar="I,J,C", help="output row, column, channel")
    loss = command("loss", "cross-entropy of one image: probabilities, -log p(true class), Keras's loss")
    loss.add_argument("--label", required=True, metavar="CLASS", help="the true class: its name or number")
    step = command("step", "plain SGD steps on a fixed batch, by hand and by keras.optimizers.SGD", image=False)
    step.add_argument("--lr", type=float, default=0.001, help="the learning rate alpha (default 0.001)")
    step.add_argument("--seed", type=int, default=0, help="which batch: the same seed, the same images")
    step.add_argument("--steps", type=flags.positive_int, default=1, help="steps to take; one JSON line each")
    step.add_argument("--batch-size", type=flags.positive_int, default=32)
    step.add_argument("--dataset", help="whose training images (default: the run's data set, else cifar10)")
    step.add_argument("--weight", help="the weights reported, e.g. conv1/kernel (default: the first)")
    step.add_argument(
        "--index", type=flags.int_list, metavar="A,B,...", help="which of them (default: largest gradient)"
    )
    sweep = command("probe", "class probabilities while the image is shifted, rotated or scaled")
    sweep.add_argument("--sweep", choices=("shift", "rotate", "scale", "all"), default="all")


def class_index(label: str, classes: tuple[str, ...]) -> int:
    if label in classes:
        return classes.index(label)
    if label.isdigit() and int(label) < len(classes):
        return int(label)
    raise learn.LearnError("learn.unknown_class", label=label, choices=", ".join(classes))


def run(args: argparse.Namespace) -> int:
    try:
        loaded = common.resolve_model(args.model, args.runs_dir)
        image = load_input(args.image, args.fit) if getattr(args, "image", None) else None
        if args.learn_command == "conv":
            common.emit(learn.explain_conv(loaded.model, image, args.layer, args.at).to_dict())
        elif args.learn_command == "pool":
            common.emit(learn.explain_pool(loaded.model, image, args.layer, args.at).to_dict())
        elif args.learn_command == "loss":
            label = class_index(args.label, loaded.classes)
            common.emit(learn.cross_entropy(loaded.model, image, label).to_dict(loaded.classes))
        elif args.learn_command == "probe":
            kinds = tuple(probe.SWEEPS) if args.sweep == "all" else (args.sweep,)
            for sweep in probe.sweep_all(loaded.model, image, kinds).values():
                for line in sweep.to_lines(loaded.classes):
                    common.emit(line)
        else:
            steps(args, loaded)
    except learn.UnsupportedModel as error:
        return common.fail(str(error))
    except (learn.LearnError, probe.ProbeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (ModelError, DatasetError, ImageError, FileNotFoundError) as error:
        return common.fail(str(error))
    return 0


def steps(args: argparse.Namespace, loaded: LoadedModel) -> None:
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
        common.emit({"step": number, **step.to_dict()})
