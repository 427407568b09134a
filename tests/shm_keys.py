"""Shared-memory keys for tests (one prefix, so that conftest can check none is left behind),
and unregistering as real Triton allows it."""

from __future__ import annotations

import itertools
import os
import time

PREFIX = f"tritonlink_test_{os.getpid()}_"
_counter = itertools.count()


def fresh_key() -> str:
    return f"/{PREFIX}{next(_counter)}"


def leftover_objects() -> list:
    return sorted(name for name in os.listdir("/dev/shm") if name.startswith(PREFIX))


def unregister_when_released(client, region, seconds: float = 10.0) -> None:
    """Real Triton refuses to unregister a region that a request it has answered but not yet
    released still uses ("currently in use"): try again until it lets go."""
    when_released(lambda: client.unregister(region), seconds)


def when_released(unregister, seconds: float = 10.0):
    """Calls `unregister` until it no longer fails with "currently in use" (tritonlink's and
    tritonclient's errors alike say so), or until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return unregister()
        except Exception as error:
            if "currently in use" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
