"""`runs`: list saved runs, one JSON object per line."""

from __future__ import annotations

import argparse

from classifier.cli import common


def add_parser(commands) -> None:
    runs = commands.add_parser("runs", help="list saved runs, one JSON object per line")
    runs.add_argument("--runs-dir")


def run(args: argparse.Namespace) -> int:
    for info in common.store(args).list():
        common.emit(
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
