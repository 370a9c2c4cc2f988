"""What one student may use of a shared server, settable by the person who runs it.

Each limit is read from an environment variable when the engine starts (a class server sets them in
its service file; `make run` inherits the shell's). A student who reaches one gets a message saying
which limit and what to do; nothing they had is lost (the form keeps its settings, runs stay).
The CLI (no owner: the person at the terminal runs the server) is not limited.

Upload sizes are limits of the web server, not of this package: `server.maxUploadSize` in
`.streamlit/config.toml` (per file, checked by Streamlit on every upload request), and the per-file
caps in classifier/core/images.py, classifier/core/predict.py and classifier/core/data/folders.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from classifier.core.messages import ClassifierError


@dataclass(frozen=True)
class Limits:
    # Runs of one student queued or training at once (a lesson needs one; comparing two is common).
    active_runs: int = 2
    # Runs a Challenges sweep may queue for one student at once (one point per share of the data).
    sweep_runs: int = 24
    # Runs one student keeps on the server's disk; more are refused until some are deleted on Runs.
    kept_runs: int = 50

    @classmethod
    def from_env(cls, environ=os.environ) -> Limits:
        """CLASSIFIER_MAX_ACTIVE_RUNS, CLASSIFIER_MAX_SWEEP_RUNS, CLASSIFIER_MAX_KEPT_RUNS (whole numbers >= 1)."""
        values = {}
        for field in fields(cls):
            name = ENV[field.name]
            text = environ.get(name)
            if text is None:
                continue
            try:
                values[field.name] = int(text)
            except ValueError:
                raise ClassifierError("limits.not_a_number", variable=name, value=text[:20]) from None
            if values[field.name] < 1:
                raise ClassifierError("limits.not_a_number", variable=name, value=text[:20])
        return cls(**values)


ENV = {
    "active_runs": "CLASSIFIER_MAX_ACTIVE_RUNS",
    "sweep_runs": "CLASSIFIER_MAX_SWEEP_RUNS",
    "kept_runs": "CLASSIFIER_MAX_KEPT_RUNS",
}
