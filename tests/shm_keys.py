"""Shared-memory keys for tests: one prefix, so that conftest can check none is left behind."""

from __future__ import annotations

import itertools
import os

PREFIX = f"tritonlink_test_{os.getpid()}_"
_counter = itertools.count()


def fresh_key() -> str:
    return f"/{PREFIX}{next(_counter)}"


def leftover_objects() -> list:
    return sorted(name for name in os.listdir("/dev/shm") if name.startswith(PREFIX))
