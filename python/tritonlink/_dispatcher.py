"""The dispatcher thread: runs async_infer callbacks and resolves futures, one GIL
acquisition per batch of completions, never on a gRPC thread."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Optional

from ._completions import CompletionRouter, OnDone

logger = logging.getLogger("tritonlink")

_IDLE_WAIT_MS = 1000  # a safety net: stop() wakes the thread itself


def _log_callback_error(model_name: str) -> None:
    logger.exception("exception raised by async_infer callback for model '%s'", model_name)


class Dispatcher:
    def __init__(self, name: str) -> None:
        # Callbacks are guarded here, once, rather than wrapped per call: an exception one
        # raises is logged and later callbacks run.
        self.router = CompletionRouter(on_callback_error=_log_callback_error)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def _run(self) -> None:
        router = self.router
        while not (self._stopping and not router.busy):
            batch = router.sink.drain()
            if batch:
                router.deliver(batch)
            else:
                router.sink.wait(_IDLE_WAIT_MS)

    def stop(self, timeout: Optional[float] = None) -> None:
        """Ends the thread once nothing is pending. From the thread itself, it does not wait."""
        self._stopping = True
        self.router.sink.wake()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)


def guarded(callback: Callable[[Any, Any], Any], model_name: str) -> OnDone:
    """Wraps a callback that the router does not guard (a stream's, for each response) so that
    an exception it raises is logged and later callbacks run."""

    def run(result: Any, error: Any) -> None:
        try:
            callback(result, error)
        except Exception:
            _log_callback_error(model_name)

    return run
