"""Sync streams: ``Client.stream()`` and ``Client.infer_stream()``.

A stream is one ModelStreamInfer call on the client's engine: requests go out in the order
they are sent, from any thread; responses come back to the callback on the dispatcher
thread, or into a bounded buffer that the reading thread fills from the stream's own sink.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterator, Optional

from ._completions import CompletionRouter
from ._dispatcher import guarded
from ._result import InferResult
from ._stream_requests import ResponseBuffer, StreamSends, cancel_when_dropped, check_max_buffered, final_step
from .errors import InferenceServerError

_WAIT_SLICE_MS = 100

StreamCallback = Callable[[Optional[InferResult], Optional[InferenceServerError]], None]


class Stream(StreamSends):
    """A bidirectional stream of inference requests and responses (ModelStreamInfer).

    Made by :meth:`tritonlink.Client.stream`. ``send()`` from any thread; read responses by
    iterating (``for result in stream``, ``stream.results(timeout=...)``) or through the
    callback given to ``Client.stream``. A response that reports a failed request is raised
    (or passed to the callback) as an :class:`InferenceServerError` naming its request id, and
    the stream goes on. When the stream itself ends (the server, the network, its deadline,
    or close with ``cancel_requests=True``) every reader gets its error.
    """

    def __init__(self, parts: Any, callback: Optional[StreamCallback], stream_timeout: Optional[float],
                 headers: Optional[list[Any]], max_buffered: int) -> None:
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable or None, not {type(callback).__name__}")
        check_max_buffered(max_buffered)
        self._engine = parts.engine
        self._ids = parts.ids
        self._dispatcher_thread = parts.dispatcher.thread
        self._id = next(parts.ids)
        self._callback = None if callback is None else guarded(callback, "stream")
        # Without a callback, the thread that reads drains a sink of the stream's own: no other
        # thread is woken on the way. With one, the dispatcher thread runs it.
        self._router = parts.dispatcher.router if callback else CompletionRouter()
        self._reading = threading.Lock()  # one thread drains the stream's own sink at a time
        self._buffer = ResponseBuffer(self._engine, self._id, max_buffered)
        self._ended = threading.Event()
        self._closing = False
        cancel_when_dropped(self, self._engine, self._id)
        self._router.start_stream(self._engine, self._id, self._on_response, self._on_end, stream_timeout, headers,
                                  max_buffered)

    def _send(self, arguments: tuple[Any, ...]) -> None:
        self._router.send(self._engine, self._id, next(self._ids), arguments)

    # ---- receiving: on the dispatcher thread, or on the reading thread while it drains ----

    def _on_response(self, result: Optional[InferResult], error: Optional[InferenceServerError]) -> None:
        if self._callback is None:
            self._buffer.put(result, error)
            return
        self._callback(result, error)
        self._buffer.consumed()

    def _on_end(self, _: Any, error: Optional[InferenceServerError]) -> None:
        if self._callback is not None and error is not None and not self._closing:
            self._callback(None, error)
        self._buffer.end(error)
        self._ended.set()

    def _drain_until(self, ready: Callable[[], bool], timeout: Optional[float]) -> bool:
        """Drains the stream's own sink until `ready()`; False if `timeout` seconds pass first.
        Called with self._reading held."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not ready():
            if self._router.drain_all():
                continue
            wait_ms = _WAIT_SLICE_MS  # in slices, so that Ctrl-C is seen
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                wait_ms = min(wait_ms, int(left * 1000) + 1)
            self._router.sink.wait(wait_ms)
        return True

    # ---- reading ----

    def _take(self, timeout: Optional[float]) -> InferResult:
        if self._callback is not None:
            raise RuntimeError("this stream delivers its responses to its callback; it cannot be iterated")
        with self._reading:
            if not self._buffer.ready() and not self._drain_until(self._buffer.ready, timeout):
                raise TimeoutError(f"no stream response within {timeout} s")
            return self._buffer.take()

    def __iter__(self) -> "Stream":
        return self

    def __next__(self) -> InferResult:
        return self._take(None)

    def results(self, timeout: Optional[float] = None) -> Iterator[InferResult]:
        """Iterates the responses, waiting at most ``timeout`` seconds for each (TimeoutError).
        Like the stream itself, the iterator goes on after raising a response's error."""
        return _Results(self, timeout)

    # ---- ending ----

    @property
    def ended(self) -> bool:
        """Whether the stream is over (no more responses will come)."""
        if self._callback is None and not self._ended.is_set() and self._reading.acquire(blocking=False):
            try:
                self._router.drain_all()
            finally:
                self._reading.release()
        return self._ended.is_set()

    def close(self, cancel_requests: bool = False) -> None:
        """Ends the stream. ``cancel_requests=True`` cancels it at once (readers get a
        CancelledError); ``False`` sends nothing more and waits until the server has sent the
        final responses of what was sent (they go to the callback, or stay readable by
        iterating; from here on reading no longer waits for room). Called from a callback, it
        does not wait."""
        self._stop_sending(cancel_requests)
        if self._callback is None:
            with self._reading:
                self._drain_until(self._ended.is_set, None)
        elif threading.current_thread() is not self._dispatcher_thread:
            self._ended.wait()

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, exc_type: Any, *exc_info: Any) -> None:
        # Leaving on an exception (Ctrl-C included) cancels rather than waiting for the server.
        self.close(cancel_requests=exc_type is not None)

    def __repr__(self) -> str:
        state = "ended" if self._ended.is_set() else "closing" if self._closing else "open"
        return f"<tritonlink.Stream {state}>"


class _Results:
    """Stream.results(): an iterator, not a generator, so that raising does not end it."""

    __slots__ = ("_stream", "_timeout")

    def __init__(self, stream: Stream, timeout: Optional[float]) -> None:
        self._stream = stream
        self._timeout = timeout

    def __iter__(self) -> "_Results":
        return self

    def __next__(self) -> InferResult:
        return self._stream._take(self._timeout)


def infer_stream(open_stream: Callable[[], Stream], arguments: tuple[Any, ...],
                 include_empty_final: bool) -> Iterator[InferResult]:
    """Every response to one request (infer_arguments' `arguments`) on a stream of its own,
    ending after the final one. Leaving the loop early cancels the request."""
    with open_stream() as stream:
        stream._send(arguments)
        for result in stream:
            emit, last = final_step(result, include_empty_final)
            if emit:
                yield result
            if last:
                return
