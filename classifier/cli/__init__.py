"""Command line: python -m classifier train|evaluate|predict|runs|attach|resume|learn|sweep|explain|export|
federated|lessons|rehearse.

Progress goes to stderr (Keras's own progress bar); results go to stdout as JSON, one object
per line, so scripts can read the last line. Exit status: 0 success, 1 a run or a file failed,
2 bad arguments.

One module per command, each with `add_parser(commands)` and `run(args)`; flags.py holds the
hyperparameter flags and shared value types, common.py the output helpers and the one place the
command line makes an engine.
"""

from __future__ import annotations

import argparse

import patches
from classifier.cli import (
    attach,
    evaluate,
    explain,
    export,
    federated,
    learn,
    lessons,
    predict,
    rehearse,
    resume,
    runs,
    sweep,
    train,
)

# In `--help`'s order.
COMMANDS = {
    "train": train,
    "evaluate": evaluate,
    "predict": predict,
    "runs": runs,
    "attach": attach,
    "resume": resume,
    "learn": learn,
    "sweep": sweep,
    "federated": federated,
    "explain": explain,
    "export": export,
    "lessons": lessons,
    "rehearse": rehearse,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS.values():
        command.add_parser(commands)
    return parser


# The commands that train Keras models in this process (the others hand training to the engine's
# workers, which install the patch themselves, or only run inference): installing it costs the
# TensorFlow import, which `runs` or `lessons` need not pay.
TRAINS_HERE = {"federated"}


def runs_training_steps_here(args: argparse.Namespace) -> bool:
    """Whether this command runs Keras training steps in this process: it trains here, or it times
    a few steps for the epoch estimate (`train --dry-run`, `rehearse` without `--run-seconds`),
    which must time the step the workers run, fused batch norm included."""
    if args.command in TRAINS_HERE:
        return True
    if args.command == "train":
        return args.dry_run
    return args.command == "rehearse" and args.run_seconds is None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if runs_training_steps_here(args):
        patches.install_keras()
    return COMMANDS[args.command].run(args)
