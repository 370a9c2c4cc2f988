"""Where the Ray back-end connects, and what must happen before Ray is first imported."""

from __future__ import annotations

import os

RAY_ADDRESS_ENV = "CLASSIFIER_RAY_ADDRESS"
LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


def is_loopback(address: str) -> bool:
    host = address.split("://")[-1]
    return address == "local" or host.startswith(("127.", "localhost"))


def prepare_ray(address: str) -> None:
    """Call before the first `import ray`: Ray reads RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER once, on
    import, and unless it is 0 it swaps a loopback address for the machine's network address
    (see ../shared/NOTES.md). A cluster on this machine must stay on 127.0.0.1."""
    if is_loopback(address):
        os.environ.setdefault(LOOPBACK_ENV, "0")
