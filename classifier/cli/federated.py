"""`federated`: federated learning on simulated devices (Flower): a JSON line per round, then the result."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys

from classifier.challenges import federated
from classifier.cli import common
from classifier.core.messages import ClassifierError


def add_parser(commands) -> None:
    parser = commands.add_parser("federated", help="federated learning on simulated devices (Flower)")
    parser.add_argument("--dataset", default="cifar10", help="cifar10, shapes, or a directory/zip of class folders")
    parser.add_argument("--devices", type=int, default=10, help="simulated devices, 2 to 50 (default 10)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of federated averaging (default 5)")
    parser.add_argument("--alpha", type=float, help="Dirichlet α for class-skewed devices (default: IID)")
    parser.add_argument("--limit", type=int, help="use only the first N images of each split (stratified)")
    parser.add_argument("--local-epochs", type=int, default=1, help="epochs on each device per round")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--dp", action="store_true", help="differential privacy: clip updates, add noise")
    parser.add_argument("--noise", type=float, default=0.5, help="DP noise multiplier z (default 0.5)")
    parser.add_argument("--clip", type=float, default=1.0, help="DP clipping norm C (default 1.0)")
    parser.add_argument("--delta", type=float, default=1e-5, help="DP δ for the reported ε (default 1e-5)")
    parser.add_argument("--no-central", action="store_true", help="skip the central run for comparison")
    parser.add_argument("--seed", type=int, default=0)


def run(args: argparse.Namespace) -> int:
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
            return common.fail(str(error))
        except KeyboardInterrupt:  # Ctrl-C: Flower and Ray wind down as the exception passes
            return common.fail("stopped")
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
