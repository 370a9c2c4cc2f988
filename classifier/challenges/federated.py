"""Privacy: federated learning on simulated devices, with Flower's simulation engine (on Ray).

The photos stay where they were taken. Each of K devices holds its own share of the training
images and trains the network on them for a few local epochs; only the weights travel. A server
averages them, weighting each device by how many images it trained on (FedAvg, McMahan et al.
2017):

    w(t+1) = Σ_k (n_k / n) · w_k(t+1),   n = Σ_k n_k

and sends the average back for the next round. Flower runs both sides: a `ServerApp` with its
FedAvg strategy and a `ClientApp` per device, here as Ray actors on this machine; the same
ClientApp could run on real phones. The strategy below is FedAvg itself, plus a note of exactly
what each device sent (array shapes, data types, bytes, metric names), so the app can show what
leaves a device (the weights) and a test can check that nothing else does.

A device's data can be IID (a random share of every class) or skewed: for each class, the shares
of the K devices are drawn from a Dirichlet(α) distribution, so a small α gives each device a few
classes and a large α approaches IID. The comparison is a central run on the union of the
devices' images for the same number of epochs in all (rounds × local epochs), so both have seen
the same examples the same number of times.

Differential privacy (optional) uses Flower's own wrapper, central DP with client-side fixed
clipping: every device clips its update Δ_k = w_k − w to norm C before sending
(Δ_k · min(1, C / ‖Δ_k‖)), and the server adds Gaussian noise of standard deviation z·C/K to the
average. ε at a chosen δ comes from Flower's RDP accountant (Google's dp-accounting). It protects
a whole device's contribution (device-level DP), not single images, and with all K devices in
every round there is no sampling to amplify privacy, so ε is large for few devices and rounds:
the app shows it as it is.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import patches
from classifier.core import machine
from classifier.core.config import Config
from classifier.core.data import load_dataset
from classifier.core.messages import ClassifierError, Message
from classifier.core.model import build_model
from classifier.training import pipeline

# Flower reports usage to its makers unless told not to; this machine has no internet anyway.
os.environ.setdefault("FLWR_TELEMETRY_ENABLED", "0")
# Keep Ray on the loopback interface (see NOTES: without this, Ray rewrites 127.0.0.1 to the
# machine's network address).
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # nor Ray its usage statistics

MAX_DEVICES = 50
MAX_ROUNDS = 100
MIN_IMAGES_PER_DEVICE = 2
DIRICHLET_TRIES = 100
NETWORK = Config()  # the seed network, as in the document
EQUAL_WEIGHT = "equal-weight"  # with DP, every device counts the same (what the accountant assumes)


def engine_available() -> bool:
    """True when Flower with its Ray simulation back-end is installed (optional dependencies)."""
    return all(importlib.util.find_spec(name) is not None for name in ("flwr", "ray"))


@dataclass(frozen=True)
class FederatedSpec:
    """Everything a simulation needs; small and picklable, because Flower sends the ClientApp
    (and so this) to every Ray actor with each message."""

    dataset: str = "cifar10"
    limit: int | None = None  # images per split (stratified), as Config.limit
    devices: int = 10
    rounds: int = 5
    alpha: float | None = None  # None: IID; else Dirichlet(α) class skew
    local_epochs: int = 1
    batch_size: int = 32
    seed: int = 0
    dp: bool = False
    noise_multiplier: float = 0.5
    clipping_norm: float = 1.0
    delta: float = 1e-5
    network: str = NETWORK.to_json()  # the Config of the network, as JSON (a frozen spec must hash)

    def config(self) -> Config:
        return Config.from_dict({**json.loads(self.network), "dataset": self.dataset, "limit": self.limit})

    def validate(self) -> FederatedSpec:
        if isinstance(self.devices, bool) or not isinstance(self.devices, int) or not 2 <= self.devices <= MAX_DEVICES:
            raise ClassifierError("federated.devices", largest=MAX_DEVICES, devices=self.devices)
        if isinstance(self.rounds, bool) or not isinstance(self.rounds, int) or not 1 <= self.rounds <= MAX_ROUNDS:
            raise ClassifierError("federated.rounds", largest=MAX_ROUNDS, rounds=self.rounds)
        if not isinstance(self.local_epochs, int) or not 1 <= self.local_epochs <= 20:
            raise ClassifierError("federated.local_epochs", epochs=self.local_epochs)
        if self.alpha is not None and not (isinstance(self.alpha, (int, float)) and 0 < self.alpha < math.inf):
            raise ClassifierError("federated.alpha", alpha=self.alpha)
        if self.dp:
            if not (self.noise_multiplier > 0 and self.clipping_norm > 0):
                raise ClassifierError("federated.dp", noise=self.noise_multiplier, clip=self.clipping_norm)
            if not 0 < self.delta < 1:
                raise ClassifierError("federated.delta", delta=self.delta)
        self.config()  # the network and data fields validate themselves
        return self


# --- who holds which images ------------------------------------------------------------------------


def partition(labels: np.ndarray, devices: int, alpha: float | None, seed: int = 0) -> list[np.ndarray]:
    """Indices of the training images each device holds; every image goes to exactly one device.

    IID: a random permutation cut into K nearly equal parts. Skewed: for each class c, shares
    p_c ~ Dirichlet(α, ..., α) over the K devices, and class c's images are cut at the cumulative
    shares; drawn again (up to DIRICHLET_TRIES times) until every device has MIN_IMAGES_PER_DEVICE."""
    count = len(labels)
    if devices * MIN_IMAGES_PER_DEVICE > count:
        raise ClassifierError(
            "federated.too_many_devices", devices=devices, images=count, minimum=MIN_IMAGES_PER_DEVICE
        )
    rng = np.random.default_rng(seed)
    if alpha is None:
        return [np.sort(part) for part in np.array_split(rng.permutation(count), devices)]
    for _ in range(DIRICHLET_TRIES):
        parts: list[list[np.ndarray]] = [[] for _ in range(devices)]
        for label in np.unique(labels):
            members = rng.permutation(np.flatnonzero(labels == label))
            shares = rng.dirichlet(np.full(devices, float(alpha)))
            cuts = (np.cumsum(shares)[:-1] * len(members)).astype(int)
            for device, piece in enumerate(np.split(members, cuts)):
                parts[device].append(piece)
        result = [np.sort(np.concatenate(pieces)) for pieces in parts]
        if min(len(part) for part in result) >= MIN_IMAGES_PER_DEVICE:
            return result
    raise ClassifierError("federated.too_skewed", alpha=alpha, devices=devices, minimum=MIN_IMAGES_PER_DEVICE)


@functools.lru_cache(maxsize=2)
def _data(spec: FederatedSpec):
    """The data set and each device's indices, once per process (the driver and each Ray actor)."""
    dataset = load_dataset(spec.dataset, spec.limit)
    return dataset, partition(dataset.y_train, spec.devices, spec.alpha, spec.seed)


# --- the device (ClientApp) ------------------------------------------------------------------------

_models: dict[tuple[str, int], Any] = {}  # per process: each Ray actor keeps its compiled model


def _local_model(spec: FederatedSpec, num_classes: int):
    """One compiled model per Ray actor (building and tracing it again every round would cost more
    than the training); its optimizer is put back to its freshly built state before each device's
    turn (step counter and moment estimates; the learning rate is one of its variables too), so no
    device starts from another's optimizer."""
    patches.install_keras()  # this runs in Flower's Ray actors: each process installs it once

    key = (spec.network, num_classes)
    if key not in _models:
        _models.clear()
        model = build_model(spec.config(), num_classes)
        model.optimizer.build(model.trainable_variables)
        _models[key] = (model, [np.array(v.numpy()) for v in model.optimizer.variables])
    model, fresh = _models[key]
    for variable, value in zip(model.optimizer.variables, fresh):
        variable.assign(value)
    return model


def device_train(spec: FederatedSpec, message, context):
    """One device's turn: load the global weights, train on its own images, reply with weights."""
    from flwr.app import ArrayRecord, MetricRecord, RecordDict
    from flwr.app import Message as FlowerMessage

    dataset, parts = _data(spec)
    device = int(context.node_config["partition-id"])
    x, y = dataset.x_train[parts[device]], dataset.y_train[parts[device]]
    model = _local_model(spec, dataset.num_classes)
    model.set_weights(message.content["arrays"].to_numpy_ndarrays())
    settings = message.content["config"]
    config = spec.config().replace(batch_size=min(spec.batch_size, len(y)))
    history = model.fit(
        pipeline.training_batches(x, y, config, seed=spec.seed + 1000 * int(settings["server-round"]) + device),
        epochs=int(settings["local-epochs"]),
        verbose=0,
    )
    metrics = {
        "num-examples": len(y),
        EQUAL_WEIGHT: 1,
        "train-loss": float(history.history["loss"][-1]),
        "train-accuracy": float(history.history["accuracy"][-1]),
    }
    # The reply: the new weights and four numbers. The images (x, y) stay on this device.
    content = RecordDict({"arrays": ArrayRecord(model.get_weights()), "metrics": MetricRecord(metrics)})
    return FlowerMessage(content=content, reply_to=message)


def client_app(spec: FederatedSpec):
    from flwr.clientapp import ClientApp
    from flwr.clientapp.mod import fixedclipping_mod

    app = ClientApp(mods=[fixedclipping_mod] if spec.dp else [])

    @app.train()
    def train(message, context):
        return device_train(spec, message, context)

    return app


# --- the server (ServerApp): FedAvg, and a note of everything that arrives --------------------------


@dataclass(frozen=True)
class Received:
    """What one device sent in one round, as the server saw it."""

    round: int
    arrays: tuple[tuple[tuple[int, ...], str], ...]  # (shape, dtype) of each array
    bytes: int
    metrics: tuple[str, ...]  # the names of the numbers sent beside the weights
    records: tuple[str, ...]  # the kinds of record in the reply


class AuditedGrid:
    """The server's side of the network (Flower's Grid), noting every reply a device sends before
    the strategy sees it: the one door through which anything reaches the server."""

    def __init__(self, grid) -> None:
        self._grid = grid
        self.received: list[Received] = []

    def __getattr__(self, name: str):
        return getattr(self._grid, name)

    def send_and_receive(self, messages, *, timeout: float | None = None):
        messages = list(messages)
        replies = list(self._grid.send_and_receive(messages, timeout=timeout))
        sent_round = {int(m.content["config"]["server-round"]) for m in messages if "config" in m.content}
        server_round = sent_round.pop() if len(sent_round) == 1 else 0
        for reply in replies:
            if reply.has_error():
                continue
            content = reply.content
            arrays = [a for record in content.array_records.values() for a in record.to_numpy_ndarrays()]
            self.received.append(
                Received(
                    round=server_round,
                    arrays=tuple((tuple(a.shape), str(a.dtype)) for a in arrays),
                    bytes=int(sum(a.nbytes for a in arrays)),
                    metrics=tuple(sorted(k for r in content.metric_records.values() for k in r)),
                    records=tuple(
                        sorted(
                            [f"arrays:{k}" for k in content.array_records]
                            + [f"metrics:{k}" for k in content.metric_records]
                            + [f"config:{k}" for k in content.config_records]
                        )
                    ),
                )
            )
        return replies


def fedavg(weighted_by_key: str, devices: int):
    """Flower's own FedAvg: every device trains every round; the server tests the average itself."""
    from flwr.serverapp.strategy import FedAvg

    return FedAvg(
        fraction_train=1.0,
        fraction_evaluate=0.0,  # no on-device evaluation: the server tests on the test split
        min_train_nodes=devices,
        min_available_nodes=devices,
        weighted_by_key=weighted_by_key,
    )


@dataclass(frozen=True)
class RoundResult:
    round: int
    test_accuracy: float
    test_loss: float
    bytes_sent_per_device: int  # mean upload per device this round (the weights)
    bytes_received_per_device: int  # the global weights each device downloaded
    epsilon: float | None
    seconds: float


@dataclass(frozen=True)
class FederatedResult:
    spec: FederatedSpec
    rounds: tuple[RoundResult, ...]
    central: tuple[float, ...]  # central test accuracy after each round's worth of epochs
    device_images: tuple[int, ...]
    device_classes: tuple[tuple[int, ...], ...]  # images of each class on each device
    classes: tuple[str, ...]
    received: tuple[Received, ...]
    weight_shapes: tuple[tuple[int, ...], ...]
    stopped: bool
    seconds: float

    @property
    def final_accuracy(self) -> float | None:
        return self.rounds[-1].test_accuracy if self.rounds else None

    @property
    def central_accuracy(self) -> float | None:
        return self.central[-1] if self.central else None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class _Stopped(Exception):
    """Raised inside the ServerApp when a stop was requested: Flower then winds the simulation down."""


_running = threading.Lock()  # Ray is one per process: one simulation at a time
Progress = Callable[[float, Message, Any], None]


def _evaluate(model, weights, dataset) -> tuple[float, float]:
    model.set_weights(weights)
    loss, accuracy = model.evaluate(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
    return float(accuracy), float(loss)


def run(
    spec: FederatedSpec,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    central: bool = True,
) -> FederatedResult:
    """Simulate `spec.devices` devices for `spec.rounds` rounds of FedAvg, then (if `central`) the
    central run with the same examples seen. Blocking; a page runs it in a background Task."""
    if not engine_available():
        raise ClassifierError("federated.no_engine")
    spec.validate()
    if not _running.acquire(blocking=False):
        raise ClassifierError("federated.busy")
    try:
        return _run(spec, progress or (lambda fraction, message, partial=None: None), should_stop, central)
    finally:
        _running.release()


def _run(spec: FederatedSpec, report: Progress, should_stop: Callable[[], bool], central: bool) -> FederatedResult:
    from flwr.app import ArrayRecord, ConfigRecord, MetricRecord
    from flwr.serverapp import ServerApp
    from flwr.serverapp.strategy import DifferentialPrivacyClientSideFixedClipping
    from flwr.simulation import run_simulation

    logging.getLogger("flwr").setLevel(logging.WARNING)  # Flower logs every step at INFO
    started = time.time()
    dataset, parts = _data(spec)
    config = spec.config()
    model = build_model(config, dataset.num_classes)
    initial = model.get_weights()
    strategy = inner = fedavg(EQUAL_WEIGHT if spec.dp else "num-examples", spec.devices)
    audited: list[AuditedGrid] = []
    if spec.dp:
        from flwr.supercore.privacy_accounting import NeighboringRelation, PrivacyConfig, SamplingMethod
        from flwr.supercore.privacy_accounting.rdp_accountant import RdpAccountant

        accountant = RdpAccountant(
            PrivacyConfig(
                target_delta=spec.delta,
                population_size=spec.devices,
                neighboring_relation=NeighboringRelation.ADD_OR_REMOVE_ONE,
                sampling_method=SamplingMethod.NO_AMPLIFICATION,  # every device takes part in every round
            )
        )
        strategy = DifferentialPrivacyClientSideFixedClipping(
            inner, spec.noise_multiplier, spec.clipping_norm, spec.devices, accountant=accountant
        )
    rounds: list[RoundResult] = []
    share = 0.75 if central else 1.0
    round_started = [time.time()]

    def evaluate(server_round: int, arrays) -> MetricRecord | None:
        if server_round == 0:
            return None
        accuracy, loss = _evaluate(model, arrays.to_numpy_ndarrays(), dataset)
        sent = [r.bytes for r in audited[0].received if r.round == server_round]
        spent = strategy.privacy_spent() if spec.dp else None
        rounds.append(
            RoundResult(
                round=server_round,
                test_accuracy=accuracy,
                test_loss=loss,
                bytes_sent_per_device=int(np.mean(sent)) if sent else 0,
                bytes_received_per_device=int(sum(w.nbytes for w in initial)),
                epsilon=float(spent.epsilon) if spent else None,
                seconds=time.time() - round_started[0],
            )
        )
        round_started[0] = time.time()
        report(
            share * server_round / spec.rounds,
            Message("federated.progress.round", {"round": server_round, "rounds": spec.rounds, "accuracy": accuracy}),
            tuple(rounds),
        )
        if should_stop():
            raise _Stopped
        return MetricRecord({"accuracy": accuracy, "loss": loss})

    server = ServerApp()

    @server.main()
    def main(grid, context) -> None:
        audited.append(AuditedGrid(grid))
        strategy.start(
            grid=audited[0],
            initial_arrays=ArrayRecord(initial),
            num_rounds=spec.rounds,
            train_config=ConfigRecord({"local-epochs": spec.local_epochs}),
            evaluate_fn=evaluate,
        )

    report(0.0, Message("federated.progress.start", {"devices": spec.devices}), ())
    actors = max(1, min(spec.devices, machine.usable_cores()))
    stopped = False
    try:
        run_simulation(
            server_app=server,
            client_app=client_app(spec),
            num_supernodes=spec.devices,
            backend_config={
                "init_args": {
                    # Its own Ray, always: by default Ray joins the newest cluster on the machine (a
                    # school server's `ray start --head`), where the simulation cannot start.
                    "address": "local",
                    "num_cpus": actors,
                    "_node_ip_address": "127.0.0.1",  # loopback only
                    "object_store_memory": 100 * 2**20,
                    "include_dashboard": False,
                    "log_to_driver": False,
                },
                "client_resources": {"num_cpus": 1, "num_gpus": 0.0},
            },
        )
    except _Stopped:
        stopped = True
    except Exception as error:  # noqa: BLE001 - Ray and Flower raise many kinds
        if should_stop() and isinstance(error.__cause__, _Stopped):
            stopped = True
        else:
            raise ClassifierError("federated.failed", reason=f"{type(error).__name__}: {error}") from error
    central_accuracy: list[float] = []
    if central and not stopped and not should_stop():
        central_accuracy = _central_run(spec, dataset, parts, initial, report, should_stop, share)
    return FederatedResult(
        spec=spec,
        rounds=tuple(rounds),
        central=tuple(central_accuracy),
        device_images=tuple(len(p) for p in parts),
        device_classes=tuple(
            tuple(int(n) for n in np.bincount(dataset.y_train[p], minlength=dataset.num_classes)) for p in parts
        ),
        classes=dataset.classes,
        received=tuple(audited[0].received) if audited else (),
        weight_shapes=tuple(tuple(w.shape) for w in initial),
        stopped=stopped or should_stop(),
        seconds=time.time() - started,
    )


def _central_run(spec, dataset, parts, initial, report: Progress, should_stop, share: float) -> list[float]:
    """The same network, the same starting weights, on the union of the devices' images, for
    rounds × local epochs epochs: the same examples seen. Tested after each round's worth."""

    pooled = np.sort(np.concatenate(parts))
    x, y = dataset.x_train[pooled], dataset.y_train[pooled]
    config = spec.config().replace(batch_size=spec.batch_size)
    model = build_model(config, dataset.num_classes)
    model.set_weights(initial)
    batches = pipeline.training_batches(x, y, config, seed=spec.seed)
    accuracy: list[float] = []
    epochs = spec.rounds * spec.local_epochs
    for round_number in range(1, spec.rounds + 1):
        if should_stop():
            break
        model.fit(batches, epochs=spec.local_epochs, verbose=0)
        _, value = model.evaluate(pipeline.evaluation_batches(dataset.x_test, dataset.y_test), verbose=0)
        accuracy.append(float(value))
        report(
            share + (1 - share) * round_number / spec.rounds,
            Message("federated.progress.central", {"epoch": round_number * spec.local_epochs, "epochs": epochs}),
            None,
        )
    return accuracy
