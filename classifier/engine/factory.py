"""The one place an engine is made: the Ray back-end when an address is configured, else the
local one. Ray is imported only here (lazily: it is heavy, and an optional install)."""

from __future__ import annotations

import os

from classifier.core.messages import ClassifierError
from classifier.core.runs import RunStore
from classifier.engine.base import Engine
from classifier.engine.local import DEFAULT_MAX_CONCURRENT, LocalEngine
from classifier.engine.ray_address import RAY_ADDRESS_ENV, prepare_ray


def ray_address(address: str | None = None) -> str | None:
    """The cluster to use: `address`, else CLASSIFIER_RAY_ADDRESS; None for this machine."""
    return address or os.environ.get(RAY_ADDRESS_ENV) or None


def create_engine(
    store: RunStore | None = None,
    max_concurrent: int | None = None,
    address: str | None = None,
    *,
    keep_spare: bool = True,
    adopt: bool = True,
) -> Engine:
    """The configured back-end: Ray when an address is given (or CLASSIFIER_RAY_ADDRESS is set:
    `auto`, `ray://host:10001`, `host:port`, or `local` for an embedded Ray), else worker
    processes on this machine. `keep_spare`: keep a worker warm (a server; the CLI does not);
    `adopt`: follow the cluster's runs still training (a server; the CLI follows only its own)."""
    address = ray_address(address)
    if address:
        prepare_ray(address)
        try:
            # lazy: Ray is heavy and optional; importing it here keeps the default install free of it
            from classifier.engine.cluster import ClusterEngine
        except ImportError:
            raise ClassifierError("cluster.ray_missing") from None
        return ClusterEngine(store, address, adopt=adopt)
    return LocalEngine(store, max_concurrent=max_concurrent or DEFAULT_MAX_CONCURRENT, keep_spare=keep_spare)
