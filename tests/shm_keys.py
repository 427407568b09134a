"""Shared-memory keys for tests (one prefix, so that conftest can check none is left behind),
and unregistering as real Triton allows it."""

from __future__ import annotations

import itertools
import os
import time

import tritonlink

PREFIX = f"tritonlink_test_{os.getpid()}_"
_counter = itertools.count()


def fresh_key() -> str:
    return f"/{PREFIX}{next(_counter)}"


def leftover_objects() -> list:
    return sorted(name for name in os.listdir("/dev/shm") if name.startswith(PREFIX))


def unregister_when_released(client, region, seconds: float = 10.0) -> None:
    """Real Triton refuses to unregister a region that a request it has answered but not yet
    released still uses ("currently in use"): try again until it lets go."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return client.unregister(region)
        except tritonlink.InferenceServerError as error:
            if "currently in use" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
