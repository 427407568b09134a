"""What every stream shares, sync or asyncio: one request's arguments, checked for the wire,
and the buffer of delivered responses whose reading returns room to the stream."""

from __future__ import annotations

import collections
import weakref
from typing import Any, Optional, cast

from ._arguments import takes_infer_options
from ._result import InferResult

# Large enough that a fast consumer never waits on the network, small enough that a slow one
# holds little memory: past it the stream stops reading and HTTP/2 flow control pushes back.
DEFAULT_MAX_BUFFERED = 256

_EMPTY_FINAL_RESPONSE = "triton_enable_empty_final_response"


def check_max_buffered(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_buffered must be a positive int, got {value!r}")
    return value


def cancel_when_dropped(stream: Any, engine: Any, stream_id: int) -> None:
    """A stream object dropped while open cancels its call, rather than leaving it open until
    the client closes (a stream that still has a callback to run is kept referenced)."""
    weakref.finalize(stream, engine.cancel, stream_id).atexit = False  # clients close at exit anyway


def with_empty_final_response(arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    """infer_arguments' `arguments`, asking a decoupled model for the empty response that only
    carries the final flag, so that the end of the request is seen."""
    request_parameters = dict(arguments[5] or {})
    request_parameters[_EMPTY_FINAL_RESPONSE] = True
    return arguments[:5] + (request_parameters,) + arguments[6:]


class StreamSends:
    """``send()`` and how closing begins, written once for Stream and AsyncStream: each says
    in ``_send`` how a checked request goes out (AsyncStream's returns an awaitable)."""

    _call_headers = None  # a stream's headers are the stream's own, sent when it opens
    # Set by Stream and AsyncStream.
    _engine: Any
    _id: int
    _closing: bool

    def _send(self, arguments: tuple[Any, ...]) -> Any:
        raise NotImplementedError  # Stream and AsyncStream each say how a request goes out

    @takes_infer_options(without=("client_timeout", "headers", "compression_algorithm", "retry"))
    def send(self, arguments: tuple[Any, ...], *, enable_empty_final_response: bool = False) -> Any:
        """Queues one request on the stream; returns without waiting for its responses.

        ``enable_empty_final_response`` asks a decoupled model for an empty response that only
        carries the final flag, so that the end of each request is seen
        (:meth:`InferResult.is_final_response`). Raises InferenceServerError
        (FAILED_PRECONDITION) once the stream is closed or has ended. The stream's deadline,
        headers and compression are the stream's own (``Client.stream``).
        """
        if not isinstance(enable_empty_final_response, bool):
            raise TypeError(
                f"enable_empty_final_response must be a bool, not {type(enable_empty_final_response).__name__}")
        return self._send(with_empty_final_response(arguments) if enable_empty_final_response else arguments)

    def _stop_sending(self, cancel_requests: bool) -> None:
        """close()'s first step: cancel the stream now, or half-close it once (the server then
        ends it after the final responses of what was sent)."""
        if cancel_requests:
            self._engine.cancel(self._id)
        elif not self._closing:
            self._engine.stream_close(self._id)
        self._closing = True


class ResponseBuffer:
    """Delivered responses not yet read, and the stream's end once it comes. Reading them gives
    the stream room for as many more (AsyncEngine.stream_consumed), handed back in batches: the
    stream stops only once max_buffered are unreturned, and a batch is at most a quarter of that."""

    __slots__ = ("_engine", "_stream_id", "_items", "ended", "_end_error", "_unreturned", "_batch")

    def __init__(self, engine: Any, stream_id: int, max_buffered: int) -> None:
        self._engine = engine
        self._stream_id = stream_id
        self._items: collections.deque[Any] = collections.deque()
        self.ended = False
        self._end_error: Optional[BaseException] = None
        self._unreturned = 0
        self._batch = max(1, max_buffered // 4)

    def consumed(self) -> None:
        """One delivered response was read (or handed to a callback)."""
        self._unreturned += 1
        if self._unreturned >= self._batch:
            self._engine.stream_consumed(self._stream_id, self._unreturned)
            self._unreturned = 0

    def put(self, result: Any, error: Optional[BaseException]) -> None:
        self._items.append((result, error))

    def end(self, error: Optional[BaseException]) -> None:
        self.ended = True
        self._end_error = error

    def ready(self) -> bool:
        """Whether take() would not wait: a response is buffered, or the stream has ended."""
        return bool(self._items) or self.ended

    def take(self) -> InferResult:
        """The next response (raising its error), or StopIteration once the stream has ended and
        everything before its end was read; an end with an error raises it, once."""
        if self._items:
            result, error = self._items.popleft()
            self.consumed()
            if error is not None:
                raise error
            return cast(InferResult, result)  # each response holds a result or an error
        error, self._end_error = self._end_error, None
        if error is not None:
            raise error
        raise StopIteration


def final_step(result: Any, include_empty_final: bool) -> tuple[Any, ...]:
    """For one request's responses in turn: (whether to hand this one on, whether it is the
    last). The empty response that only carries the final flag is handed on when asked for."""
    if not result.is_final_response():
        return True, False
    return include_empty_final or not result.is_null_response(), True
