"""Process-level lifetime of clients and embedded servers: closed at interpreter exit,
disowned in a forked child.

gRPC's threads do not survive fork(); a child that touched (or even destroyed) the parent's
channels could hang. So in the child every tracked object gives up its compiled parts, which
are kept referenced forever rather than destroyed, and refuses further calls with a clear error.
Tracked objects implement ``_close_at_exit()`` and ``_disown_after_fork()``.
"""

from __future__ import annotations

import atexit
import os
import weakref
from typing import Any

from . import _core

_live: "weakref.WeakSet[Any]" = weakref.WeakSet()


def track(owner: Any) -> None:
    _live.add(owner)


def _close_all() -> None:
    for client in list(_live):
        try:
            client._close_at_exit()
        except Exception:  # closing at exit must not raise
            pass


def _disown_all_in_child() -> None:
    for client in list(_live):
        _core.keep_forever(client._disown_after_fork())
    _live.clear()


atexit.register(_close_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_disown_all_in_child)
