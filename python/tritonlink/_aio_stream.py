"""asyncio streams: ``AsyncClient.stream()`` and ``AsyncClient.infer_stream()``.

The asyncio twin of _stream.Stream: responses arrive through the event loop's reader of the
client's completion sink; a task awaiting the next response is woken by a future.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Awaitable, Callable, List, Optional

from ._result import InferResult
from ._stream_requests import ResponseBuffer, StreamSends, cancel_when_dropped, check_max_buffered, final_step
from .errors import InferenceServerError


class AsyncStream(StreamSends):
    """A bidirectional stream on an asyncio client; see :class:`tritonlink.Stream`.

    Made by :meth:`tritonlink.aio.AsyncClient.stream`: ``await stream.send(...)``, ``async for
    result in stream``. Cancelling the task that awaits a response cancels the stream.
    """

    def __init__(self, driver: Any, stream_timeout: Optional[float], headers: Optional[list[Any]],
                 max_buffered: int) -> None:
        check_max_buffered(max_buffered)
        self._loop = driver.loop
        self._engine = driver.engine
        self._ids = driver.ids
        self._router = driver.router
        self._id = next(driver.ids)
        self._buffer = ResponseBuffer(self._engine, self._id, max_buffered)
        self._waiters: List[asyncio.Future[None]] = []
        self._closing = False
        cancel_when_dropped(self, self._engine, self._id)
        self._router.start_stream(self._engine, self._id, self._on_response, self._on_end, stream_timeout, headers,
                                  max_buffered)

    def _send(self, arguments: tuple[Any, ...]) -> Awaitable[None]:
        self._router.send(self._engine, self._id, next(self._ids), arguments)
        # Sending never waits; awaiting it keeps the API symmetric.
        sent: asyncio.Future[None] = self._loop.create_future()
        sent.set_result(None)
        return sent

    # ---- receiving (the event loop's reader) ----

    def _on_response(self, result: Optional[InferResult], error: Optional[InferenceServerError]) -> None:
        self._buffer.put(result, error)
        self._wake()

    def _on_end(self, _: Any, error: Optional[InferenceServerError]) -> None:
        self._buffer.end(error)
        self._wake()

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def _wait(self, ready: Callable[[], bool]) -> None:
        while not ready():
            waiter = self._loop.create_future()
            self._waiters.append(waiter)
            await waiter

    # ---- reading ----

    def __aiter__(self) -> "AsyncStream":
        return self

    async def __anext__(self) -> InferResult:
        if not self._buffer.ready():
            try:
                await self._wait(self._buffer.ready)
            except asyncio.CancelledError:
                self._engine.cancel(self._id)  # the reading task was cancelled: so is the stream
                raise
        try:
            return self._buffer.take()
        except StopIteration:
            raise StopAsyncIteration from None

    # ---- ending ----

    @property
    def ended(self) -> bool:
        return self._buffer.ended

    async def close(self, cancel_requests: bool = False) -> None:
        """As Stream.close, awaiting the stream's end."""
        self._stop_sending(cancel_requests)
        await self._wait(lambda: self._buffer.ended)

    async def __aenter__(self) -> "AsyncStream":
        return self

    async def __aexit__(self, exc_type: Any, *exc_info: Any) -> None:
        await self.close(cancel_requests=exc_type is not None)

    def __repr__(self) -> str:
        state = "ended" if self._buffer.ended else "closing" if self._closing else "open"
        return f"<tritonlink.aio.AsyncStream {state}>"


async def infer_stream(open_stream: Callable[[], AsyncStream], arguments: tuple[Any, ...],
                       include_empty_final: bool) -> AsyncIterator[InferResult]:
    """As _stream.infer_stream, for asyncio."""
    async with open_stream() as stream:
        stream._send(arguments)
        async for result in stream:
            emit, last = final_step(result, include_empty_final)
            if emit:
                yield result
            if last:
                return
