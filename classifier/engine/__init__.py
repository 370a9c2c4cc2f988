"""The training engine: a queue of runs, each trained by a worker that no page owns.

A page (or the CLI) submits a Config and gets a TrainingJob back at once. Jobs wait in a queue
until a slot is free; then a worker trains the run and writes its folder through a sink
(worker.py: FolderSink), while its progress events stream back into the job's `Progress` record,
which anyone may read at any time (`job.snapshot()`, or `engine.progress(id)`, which also serves
runs this engine never saw, from their folders). `job.request_stop(viewer)` ends training after
the batch in flight (its owner's request only).

    base.py         Engine (the abstract queue), TrainingJob, FollowerJob
    local.py        LocalEngine: a worker process per run on this machine, a spare kept warm
    cluster.py      ClusterEngine: a Ray actor per run (Ray's scheduler is the queue)
    factory.py      create_engine: the one place an engine is made
    plan.py, progress.py, sharing.py, worker.py, ray_address.py

The web server never trains in its own interpreter: Streamlit's script runs (which clear
Keras's state after every rerun) and the live charts cannot hold the training back.
"""

from __future__ import annotations

from classifier.engine.base import Engine, FollowerJob, TrainingJob
from classifier.engine.factory import create_engine
from classifier.engine.local import DEFAULT_MAX_CONCURRENT, LocalEngine
from classifier.engine.progress import BatchPoint, Progress
from classifier.engine.ray_address import RAY_ADDRESS_ENV, prepare_ray

__all__ = [
    "DEFAULT_MAX_CONCURRENT",
    "RAY_ADDRESS_ENV",
    "BatchPoint",
    "Engine",
    "FollowerJob",
    "LocalEngine",
    "Progress",
    "TrainingJob",
    "create_engine",
    "prepare_ray",
]
