"""Waiting for something another thread or process does, without fixed sleeps."""

import time


def wait_for(condition, timeout: float = 60.0, interval: float = 0.02):
    """Call `condition` until it returns something truthy, and return that; fail after `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
