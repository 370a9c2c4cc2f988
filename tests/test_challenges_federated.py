"""Federated learning with Flower's simulation engine (Ray) on a tiny split: it learns, and only
weights leave a device. One simulation serves the module (Ray starts in ~20-30 s on 2 cores)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from classifier.challenges import federated
from classifier.core.messages import ClassifierError

CHANCE = 1 / 6  # the shapes data set has six classes


@pytest.fixture(scope="module")
def simulation():
    """Run while another Ray cluster lives on this machine, as a school server's `ray start --head`
    for the classroom's runs leaves one: Ray's default is to join the newest cluster it finds, where
    Flower's simulation cannot start its own workers and crashed."""
    from ray.cluster_utils import Cluster

    classroom = Cluster(
        initialize_head=True, head_node_args={"num_cpus": 0, "node_ip_address": "127.0.0.1", "include_dashboard": False}
    )
    try:
        spec = federated.FederatedSpec(dataset="shapes", limit=900, devices=3, rounds=2, local_epochs=3, batch_size=16)
        messages = []
        result = federated.run(spec, progress=lambda fraction, message, partial=None: messages.append(message.code))
    finally:
        classroom.shutdown()
    return spec, result, messages


def test_the_federated_model_learns_above_chance(simulation):
    spec, result, messages = simulation
    assert [r.round for r in result.rounds] == [1, 2]
    assert result.final_accuracy > CHANCE + 0.1, result.rounds
    assert len(result.central) == spec.rounds  # the central run, same examples seen, tested per round
    assert result.central_accuracy > CHANCE
    assert not result.stopped
    assert messages[0] == "federated.progress.start" and "federated.progress.round" in messages


def test_the_server_only_ever_receives_weight_arrays_of_the_model(simulation):
    spec, result, _ = simulation
    from classifier.core.model import build_model

    model = build_model(spec.config(), num_classes=6)
    shapes = tuple(tuple(w.shape) for w in model.get_weights())
    weight_bytes = sum(w.nbytes for w in model.get_weights())
    assert result.weight_shapes == shapes
    assert len(result.received) == spec.devices * spec.rounds  # one reply per device per round
    for reply in result.received:
        assert tuple(shape for shape, _ in reply.arrays) == shapes  # exactly the weights, in order
        assert {dtype for _, dtype in reply.arrays} == {"float32"}
        assert reply.records == ("arrays:arrays", "metrics:metrics")
        assert set(reply.metrics) <= {"num-examples", federated.EQUAL_WEIGHT, "train-loss", "train-accuracy"}
        assert reply.bytes == weight_bytes
    images_bytes = 32 * 32 * 3 * min(result.device_images)
    assert weight_bytes != images_bytes  # (a sanity check that the comparison above could fail)
    assert all(r.bytes_sent_per_device == weight_bytes for r in result.rounds)


def test_every_training_image_sits_on_exactly_one_device(simulation):
    _, result, _ = simulation
    assert sum(result.device_images) == 900 and len(result.device_images) == 3
    assert [sum(row) for row in result.device_classes] == list(result.device_images)


def test_partitions_iid_and_skewed():
    labels = np.repeat(np.arange(10), 100)
    iid = federated.partition(labels, 10, None, seed=0)
    assert sorted(np.concatenate(iid).tolist()) == list(range(1000)) and {len(p) for p in iid} == {100}
    skewed = federated.partition(labels, 10, 0.05, seed=0)
    assert sorted(np.concatenate(skewed).tolist()) == list(range(1000))

    def classes_holding_most(parts):  # how many classes make up 90% of a device's images, on average
        counts = [np.sort(np.bincount(labels[p], minlength=10))[::-1] for p in parts]
        return np.mean([np.searchsorted(np.cumsum(c) / c.sum(), 0.9) + 1 for c in counts])

    assert classes_holding_most(skewed) < 4 < classes_holding_most(iid)
    with pytest.raises(ClassifierError) as caught:
        federated.partition(labels[:30], 20, None)
    assert caught.value.message.code == "federated.too_many_devices"


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"devices": 1}, "federated.devices"), ({"devices": 51}, "federated.devices"),
     ({"rounds": 0}, "federated.rounds"), ({"alpha": 0.0}, "federated.alpha"),
     ({"dp": True, "noise_multiplier": 0.0}, "federated.dp"), ({"dp": True, "delta": 1.0}, "federated.delta")],
)  # fmt: skip
def test_bad_settings_are_named(changes, code):
    with pytest.raises(ClassifierError) as caught:
        federated.FederatedSpec(dataset="shapes", **changes).validate()
    assert caught.value.message.code == code


def test_cli_refuses_bad_settings_before_starting_anything():
    done = subprocess.run(
        [sys.executable, "-m", "classifier", "federated", "--dataset", "shapes", "--devices", "1", "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "devices must be 2 to 50" in done.stderr and not done.stdout
