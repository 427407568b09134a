"""Process-level lifetime of clients: closed at interpreter exit, disowned in a forked child.

gRPC's threads do not survive fork(); a child that touched (or even destroyed) the parent's
channels could hang. So in the child every live client gives up its compiled parts, which are
kept referenced forever rather than destroyed, and refuses further calls with a clear error.
"""

from __future__ import annotations

import atexit
import os
import weakref
from typing import Any, List

_live = weakref.WeakSet()
_disowned: List[Any] = []  # compiled objects inherited through fork(): never destroyed


def track(client: Any) -> None:
    _live.add(client)


def _close_all() -> None:
    for client in list(_live):
        try:
            # AsyncClient's close is a coroutine; close_nowait is its synchronous core.
            getattr(client, "close_nowait", client.close)()
        except Exception:  # closing at exit must not raise
            pass


def _disown_all_in_child() -> None:
    for client in list(_live):
        _disowned.append(client._disown_after_fork())
    _live.clear()


atexit.register(_close_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_disown_all_in_child)
