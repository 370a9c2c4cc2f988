"""Learning over time: what the first filters and one fixed image's feature maps look like after
each epoch, from random initialisation (epoch 0) to the end of training.

    recorder = Recorder(model, probe_image)     # in the worker, once per model
    write(store, run_id, epoch, recorder.snapshot())
    epochs(store, run_id)                       # [0, 1, 2, ...] the epochs kept
    snap = load(store, run_id, 3)               # the network as it was after epoch 3
    snap.kernels, snap.maps["conv1"]            # raw first-layer weights, the probe's maps

On disk, one small compressed file per epoch kept, `runs/<id>/timeline/epoch-0003.npz`, written
atomically. Each is bounded:
  - the probe image (32x32x3 uint8, 3 KB), the first test image of the run's data set;
  - the first conv layer's kernels as float16, at most MAX_FILTERS of them (3x3x3x32 = 1.7 KB for
    the seed network; at most 7x7x3x64x2 bytes = 18.8 KB);
  - the probe's feature maps of each convolution (after its activation) as uint8, each map scaled
    to its own [low, high] (kept as float16, so values are restored to 1/255 of the map's range),
    at most MAX_CHANNELS channels per layer and MAP_BUDGET bytes in all: layers are kept in order
    while they fit (the seed network: 30x30x32 + 13x13x64 + 4x4x64 = 40.6 KB).
So a snapshot holds at most SNAPSHOT_BYTES = 128 KB of arrays before compression. At most
MAX_SNAPSHOTS are kept: past that, only every 2nd (then 4th, 8th...) epoch stays, plus epoch 0 and
the latest, as the live chart's batch points are thinned. A 1000-epoch run keeps at most 33 files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifier.core.files import atomic_path
from classifier.core.inspect import scale_kernels
from classifier.core.runs import RunStore

FOLDER = "timeline"
MAX_FILTERS = 64  # first-layer kernels kept per epoch
MAX_CHANNELS = 64  # feature maps kept per layer
MAP_BUDGET = 96 * 1024  # bytes of uint8 feature maps per epoch, all layers together
SNAPSHOT_BYTES = 128 * 1024  # everything in one snapshot, before compression
MAX_SNAPSHOTS = 33  # epoch 0 and 32 more; past that every 2nd, 4th... epoch (and the latest)
_NAME = re.compile(r"^epoch-(\d{4,})\.npz$")


@dataclass(frozen=True)
class Snapshot:
    """The network after `epoch` epochs (0: as initialised, before any training)."""

    epoch: int
    probe: np.ndarray  # (32, 32, 3) uint8: the image the maps were computed on
    kernels: np.ndarray  # (k, k, 3, filters) float32: the first conv layer's weights
    maps: dict[str, np.ndarray]  # layer name -> (h, w, channels) float32, after the activation

    def filters(self) -> np.ndarray:
        """The kernels as (filters, k, k, 3), each scaled to [0, 1] for display (as inspect.filters)."""
        return scale_kernels(self.kernels)


# --- recording (in the training worker) ---------------------------------------------------------


def map_layer_names(model) -> list[str]:
    """Each convolution's output as the next layer sees it: the Conv2D itself when it applies its
    activation, else the Activation layer after its batch normalisation."""
    names = []
    for layer in model.layers:
        kind = type(layer).__name__
        activated_conv = kind == "Conv2D" and getattr(layer.activation, "__name__", "linear") != "linear"
        if activated_conv or (kind == "Activation" and len(layer.output.shape) == 4):
            names.append(layer.name)
    return names


def first_conv(model):
    return next((layer for layer in model.layers if type(layer).__name__ == "Conv2D"), None)


class Recorder:
    """Takes snapshots of one model as it trains: a side model returns the chosen feature maps of
    the probe image in one forward pass (built once, so each snapshot costs a few milliseconds)."""

    def __init__(self, model, probe: np.ndarray):
        import keras

        self.model = model
        self.probe = np.ascontiguousarray(probe, dtype=np.uint8)
        self.conv = first_conv(model)
        # Keep layers in order while they fit the budget (the first always, its channels capped).
        self.layers: list[tuple[str, int]] = []  # (name, channels kept)
        spent = 0
        for name in map_layer_names(model):
            height, width, channels = model.get_layer(name).output.shape[1:]
            kept = min(channels, MAX_CHANNELS)
            size = height * width * kept
            if self.layers and spent + size > MAP_BUDGET:
                break
            if not self.layers and size > MAP_BUDGET:
                kept = max(1, MAP_BUDGET // (height * width))
                size = height * width * kept
            self.layers.append((name, kept))
            spent += size
        outputs = [model.get_layer(name).output for name, _ in self.layers]
        self.side = keras.Model(model.input, outputs) if outputs else None

    def snapshot(self) -> dict[str, np.ndarray]:
        """The arrays of one snapshot, ready for `write` (see the module's notes for the bounds)."""
        import keras

        arrays: dict[str, np.ndarray] = {"probe": self.probe}
        if self.conv is not None:
            kernel = keras.ops.convert_to_numpy(keras.ops.cast(self.conv.kernel, "float32"))
            if kernel.shape[2] == 3:  # colour kernels only: deeper-first networks have none to show
                arrays["kernels"] = kernel[..., :MAX_FILTERS].astype(np.float16)
        if self.side is not None:
            x = self.probe[None].astype(np.float32) / 255.0  # the model takes [0, 1], like training
            outputs = self.side(x, training=False)
            outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            names = []
            for i, ((name, kept), output) in enumerate(zip(self.layers, outputs)):
                values = keras.ops.convert_to_numpy(keras.ops.cast(output[0], "float32"))[..., :kept]
                arrays[f"maps_{i}"], arrays[f"low_{i}"], arrays[f"high_{i}"] = quantise(values)
                names.append(name)
            arrays["layers"] = np.array(names)
        return arrays


def quantise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(h, w, c) floats -> uint8 codes and each map's float16 (low, high):
    value ≈ low + code / 255 · (high − low), within (high − low) / 510 plus float16 rounding."""
    low = values.min(axis=(0, 1)).astype(np.float16)
    high = values.max(axis=(0, 1)).astype(np.float16)
    span = np.maximum(high.astype(np.float32) - low.astype(np.float32), 1e-12)
    codes = np.rint(np.clip((values - low.astype(np.float32)) / span, 0, 1) * 255).astype(np.uint8)
    return codes, low, high


def dequantise(codes: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    low32, high32 = low.astype(np.float32), high.astype(np.float32)
    return low32 + codes.astype(np.float32) / 255.0 * (high32 - low32)


# --- the run folder ---------------------------------------------------------------------------


def folder(store: RunStore, run_id: str) -> Path:
    return store.path(run_id) / FOLDER


def epochs(store: RunStore, run_id: str) -> list[int]:
    """The epochs with a snapshot on disk, in order (empty for runs made before this existed)."""
    try:
        names = os.listdir(folder(store, run_id))
    except OSError:
        return []
    return sorted(int(m.group(1)) for m in map(_NAME.match, names) if m)


def file_name(epoch: int) -> str:
    """A snapshot's path inside the run folder."""
    return f"{FOLDER}/epoch-{int(epoch):04d}.npz"


def write(store: RunStore, run_id: str, epoch: int, arrays: dict[str, np.ndarray]) -> str:
    """Store one epoch's snapshot (atomically), then thin the folder to MAX_SNAPSHOTS; returns
    the snapshot's path inside the run folder."""
    target = folder(store, run_id)
    target.mkdir(exist_ok=True)
    with atomic_path(target / f"epoch-{epoch:04d}.npz") as partial:
        np.savez_compressed(partial, epoch=np.int32(epoch), **arrays)
    thin(store, run_id)
    return file_name(epoch)


def thin(store: RunStore, run_id: str) -> None:
    """Delete the snapshots `kept_epochs` does not keep (also on a server receiving them from Ray)."""
    present = epochs(store, run_id)
    for old in set(present) - set(kept_epochs(present)):
        (folder(store, run_id) / f"epoch-{old:04d}.npz").unlink(missing_ok=True)


def kept_epochs(present: list[int], limit: int = MAX_SNAPSHOTS) -> list[int]:
    """Which snapshots to keep, given those on disk: the multiples of a stride, plus the latest.
    The stride is the smallest power of two for which epochs 0..latest fit in `limit` snapshots; it
    depends on the latest epoch alone, and each stride's multiples are a subset of the previous
    stride's, so thinning one epoch at a time keeps the same set as thinning all at once."""
    present = sorted(set(present))
    if not present:
        return []
    latest, stride = present[-1], 1
    while latest // stride + 1 + (latest % stride != 0) > limit:
        stride *= 2
    return [e for e in present if e % stride == 0 or e == latest]


def truncate(store: RunStore, run_id: str, epoch: int) -> None:
    """Drop snapshots after `epoch` (a resumed run trains those epochs again)."""
    for later in (e for e in epochs(store, run_id) if e > epoch):
        (folder(store, run_id) / f"epoch-{later:04d}.npz").unlink(missing_ok=True)


def load(store: RunStore, run_id: str, epoch: int) -> Snapshot | None:
    """The snapshot of `epoch`, or None if there is none (or it cannot be read)."""
    path = folder(store, run_id) / f"epoch-{int(epoch):04d}.npz"
    try:
        with np.load(path, allow_pickle=False) as saved:
            names = [str(name) for name in saved["layers"]] if "layers" in saved else []
            maps = {
                name: dequantise(saved[f"maps_{i}"], saved[f"low_{i}"], saved[f"high_{i}"])
                for i, name in enumerate(names)
            }
            kernels = saved["kernels"].astype(np.float32) if "kernels" in saved else np.zeros((0, 0, 3, 0), np.float32)
            return Snapshot(int(saved["epoch"]), saved["probe"], kernels, maps)
    except (OSError, ValueError, KeyError):
        return None


def filter_change(store: RunStore, run_id: str) -> list[tuple[int, float]]:
    """How far the first-layer filters have moved from their initial values, per epoch kept:
    ‖W_e − W_0‖ / ‖W_0‖ (Frobenius norms over all kept kernels)."""
    snapshots = [load(store, run_id, e) for e in epochs(store, run_id)]
    snapshots = [s for s in snapshots if s is not None and s.kernels.size]
    if not snapshots or snapshots[0].epoch != 0:
        return []
    start = snapshots[0].kernels
    norm = float(np.linalg.norm(start)) or 1.0
    return [(s.epoch, float(np.linalg.norm(s.kernels - start)) / norm) for s in snapshots]
