"""Waiting until the server, or a model, is ready: ``wait_for_server_ready`` and
``wait_for_model_ready`` (ControlMethods) describe the wait once; Client runs it blocking,
AsyncClient as a coroutine."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Mapping, Optional, Protocol

from . import _control
from .errors import InferenceServerError


class Readiness:
    """One wait: which readiness RPC to poll, how often, and until when. A failed poll (the
    server not up yet, the model not loaded) counts as not ready; the last one is reported."""

    def __init__(self, rpc: Callable[[], _control.Rpc], what: str, timeout: float, poll_interval: float,
                 headers: Any) -> None:
        for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        self.rpc, self.headers, self.poll_interval = rpc, headers, poll_interval
        self._what, self._timeout = what, timeout
        self._deadline = time.monotonic() + timeout
        self._last_error: Optional[InferenceServerError] = None

    def poll_timeout(self) -> float:
        """The deadline of the next poll: what is left of the wait (TimeoutError when nothing)."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            why = f" (last poll: {self._last_error})" if self._last_error is not None else ""
            raise TimeoutError(f"{self._what} not ready within {self._timeout} s{why}")
        return left

    def failed(self, error: InferenceServerError) -> None:
        self._last_error = error

    def pause(self) -> float:
        return max(0.0, min(self.poll_interval, self._deadline - time.monotonic()))


class _Polls(Protocol):
    """A client (see ControlMethods._rpc)."""

    def _rpc(self, rpc: _control.Rpc, headers: Optional[Mapping[str, str]], client_timeout: Optional[float]) -> Any:
        ...


class WaitsBlocking:
    """Client's way: poll and sleep in the calling thread."""

    def _wait_until_ready(self: _Polls, readiness: Readiness) -> None:
        while True:
            try:
                if self._rpc(readiness.rpc(), readiness.headers, readiness.poll_timeout()):
                    return
            except InferenceServerError as error:
                readiness.failed(error)
            time.sleep(readiness.pause())


class WaitsAsync:
    """AsyncClient's way: poll and sleep without blocking the event loop."""

    async def _wait_until_ready(self: _Polls, readiness: Readiness) -> None:
        while True:
            try:
                if await self._rpc(readiness.rpc(), readiness.headers, readiness.poll_timeout()):
                    return
            except InferenceServerError as error:
                readiness.failed(error)
            await asyncio.sleep(readiness.pause())
