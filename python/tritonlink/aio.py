"""asyncio client: ``tritonlink.aio.AsyncClient``, the same methods as Client as coroutines.

Completions wake the event loop through one file descriptor (an eventfd watched with
``loop.add_reader``); the loop drains them in batches and resolves futures. No thread per
request, no call_soon_threadsafe per completion; works with uvloop. Cancelling the awaiting
task cancels the gRPC call.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, AsyncIterator, Awaitable, Mapping, Optional

from . import _control, _core, _lifecycle, tracing as _tracing
from ._arguments import check_max_in_flight, core_timeout, takes_infer_options
from .retry import RetryPolicy, core_retry
from ._channel_options import Pem, make_core_client
from ._targets import DEFAULT_CHANNELS, Url, grpc_target
from .metrics import snapshot as metrics_snapshot
from ._headers import AuthPlugin, CallHeaders
from ._completions import CompletionRouter
from ._control_methods import ControlMethods
from ._readiness import WaitsAsync
from ._aio_stream import AsyncStream, infer_stream
from ._result import InferResult
from ._tensors import PlacedOutputs
from ._stream_requests import DEFAULT_MAX_BUFFERED, with_empty_final_response
from .errors import InFlightLimitError


class _LoopDriver:
    """The engine's completions for one event loop."""

    def __init__(self, core: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.engine = _core.AsyncEngine(core)
        self.router = CompletionRouter()
        self.ids = itertools.count(1)
        loop.add_reader(self.router.sink.fd, self.router.drain_all)

    def start(self, arguments: Optional[tuple[Any, ...]], rpc: Optional[_control.Rpc], timeout: Optional[float],
              headers: Any, retry: Any) -> tuple[asyncio.Future[Any], int]:
        """Starts a call; returns (future, call id)."""
        future = self.loop.create_future()

        def on_done(result: Any, error: Optional[BaseException]) -> None:
            if future.done():  # cancelled by the awaiting task
                return
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)

        call_id = next(self.ids)
        if arguments is not None:
            self.router.start_infer(self.engine, call_id, on_done, arguments)
        else:
            self.router.start_unary(self.engine, call_id, on_done, rpc, timeout, headers, retry)
        return future, call_id

    def close(self) -> None:
        self.engine.shutdown()  # every call in flight is delivered (cancelled) to the sink
        self.router.settle()
        self.loop.remove_reader(self.router.sink.fd)


class AsyncClient(WaitsAsync, ControlMethods[Awaitable[bool], Awaitable[dict[str, Any]], Awaitable[None]]):
    """An asyncio client of one Triton Inference Server; see :class:`tritonlink.Client`.

    It binds to the event loop that first uses it. ``max_in_flight`` bounds the requests in
    flight; when reached, a new one waits (``block_when_full=True``) or raises
    :class:`InFlightLimitError`. Channel options, ``retry``, default ``headers``,
    ``auth_plugin`` and ``tracing`` are Client's.
    """

    def __init__(
        self,
        url: Url,
        *,
        channels: int = DEFAULT_CHANNELS,
        metrics: bool = True,
        retry: Optional[RetryPolicy] = None,
        channel_args: Optional[Mapping[str, Any]] = None,
        max_in_flight: Optional[int] = None,
        block_when_full: bool = True,
        headers: Optional[Mapping[str, str]] = None,
        auth_plugin: Optional[AuthPlugin] = None,
        ssl: bool = False,
        root_certificates: Optional[Pem] = None,
        private_key: Optional[Pem] = None,
        certificate_chain: Optional[Pem] = None,
        ssl_target_name_override: Optional[str] = None,
        keepalive_time_ms: Optional[int] = None,
        keepalive_timeout_ms: Optional[int] = None,
        keepalive_permit_without_calls: Optional[bool] = None,
        http2_max_pings_without_data: Optional[int] = None,
        tracing: Any = None,
    ) -> None:
        self._url = grpc_target(url)
        check_max_in_flight(max_in_flight, optional=True)
        self._call_headers = CallHeaders(headers, auth_plugin)
        core_retry(retry, None)  # checks it
        self._retry = retry
        self._spans = _tracing.spans_for(tracing)
        if self._spans is not None:  # chosen once: an untraced call runs no tracing code
            # Instance attributes shadow the methods (mypy takes them for plain methods).
            self.infer, self.infer_stream = self._traced_infer, self._traced_infer_stream  # type: ignore[method-assign]
        self._core: Optional[Any] = make_core_client(
            self._url, channel_args, ssl, root_certificates, private_key, certificate_chain, keepalive_time_ms,
            keepalive_timeout_ms, keepalive_permit_without_calls, http2_max_pings_without_data, channels, metrics,
            ssl_target_name_override)
        self._closed_reason = "closed"
        self._driver: Optional[_LoopDriver] = None
        self._max_in_flight = max_in_flight
        self._slots: Optional[asyncio.Semaphore] = None
        self._block_when_full = block_when_full
        _lifecycle.track(self)

    @property
    def url(self) -> str:
        return self._url

    def metrics(self) -> dict[str, Any]:
        """See :meth:`tritonlink.Client.metrics` (a plain call: nothing to await)."""
        return metrics_snapshot(self._core)

    def _loop_driver(self) -> _LoopDriver:
        if self._core is None:
            raise RuntimeError(f"this tritonlink AsyncClient is {self._closed_reason}")
        loop = asyncio.get_running_loop()
        if self._driver is None:
            self._driver = _LoopDriver(self._core, loop)
            if self._max_in_flight:
                self._slots = asyncio.Semaphore(self._max_in_flight)
        elif self._driver.loop is not loop:
            raise RuntimeError("this AsyncClient is bound to another event loop")
        return self._driver

    async def _await(self, arguments: Optional[tuple[Any, ...]], rpc: Optional[_control.Rpc] = None,
                     timeout: Optional[float] = None, headers: Any = None, retry: Any = None) -> Any:
        driver = self._driver  # a closed client has none; _loop_driver() says so, or makes it
        if driver is None or driver.loop is not asyncio.get_running_loop():
            driver = self._loop_driver()
        slots = self._slots
        if slots is not None:
            if slots.locked() and not self._block_when_full:
                raise InFlightLimitError(f"{self._url}: max_in_flight requests are already in flight")
            await slots.acquire()
        try:
            future, call_id = driver.start(arguments, rpc, timeout, headers, retry)
            try:
                return await future
            except asyncio.CancelledError:
                driver.engine.cancel(call_id)  # the awaiting task was cancelled: so is the call
                raise
        finally:
            if slots is not None:
                slots.release()

    def _infer(self, arguments: tuple[Any, ...]) -> Awaitable[InferResult]:
        """As Client.infer, awaitable; cancelling the awaiting task cancels the call."""
        if arguments[2].__class__ is PlacedOutputs:
            return self._await_placed(arguments)
        return self._await(arguments)

    _traced_infer = takes_infer_options(name="infer")(_tracing.traced_awaitable(_infer))
    infer = takes_infer_options(name="infer")(_infer)

    async def _await_placed(self, arguments: tuple[Any, ...]) -> InferResult:
        result: InferResult = await self._await(arguments)
        return result.placed_in(arguments[2].placements, self.shared_memory_regions)

    # ---- streams ----

    def stream(
        self,
        stream_timeout: Optional[float] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_buffered: int = DEFAULT_MAX_BUFFERED,
    ) -> AsyncStream:
        """As Client.stream: ``async with aclient.stream() as s``, ``await s.send(...)``,
        ``async for result in s``. Call it from the event loop the client is bound to."""
        return AsyncStream(self._loop_driver(), core_timeout(stream_timeout), self._call_headers.for_call(headers),
                           max_buffered)

    def _infer_stream(self, arguments: tuple[Any, ...], *,
                      enable_empty_final_response: bool = False) -> AsyncIterator[InferResult]:
        """As Client.infer_stream: ``async for result in aclient.infer_stream(...)``."""
        return infer_stream(lambda: AsyncStream(self._loop_driver(), arguments[6], arguments[7], DEFAULT_MAX_BUFFERED),
                            with_empty_final_response(arguments), enable_empty_final_response)

    _traced_infer_stream = takes_infer_options(without=("retry",), name="infer_stream")(
        _tracing.traced_async_iterator(_infer_stream))
    infer_stream = takes_infer_options(without=("retry",), name="infer_stream")(_infer_stream)

    # ---- control plane: the calls are ControlMethods'; each returns this coroutine ----

    async def _rpc(self, rpc: _control.Rpc, headers: Optional[Mapping[str, str]],
                   client_timeout: Optional[float]) -> Any:
        response = await self._await(None, rpc, core_timeout(client_timeout), self._call_headers.for_call(headers),
                                     core_retry(None, self._retry))
        return rpc.result(response)

    def close_nowait(self) -> None:
        """Cancels what is in flight (each awaiting task gets a CancelledError) and releases the
        channel, without awaiting. Closing twice is harmless."""
        driver, self._driver = self._driver, None
        self._core = None
        if driver is not None:
            driver.close()

    async def close(self) -> None:
        self.close_nowait()

    def _close_at_exit(self) -> None:
        self.close_nowait()

    def _disown_after_fork(self) -> tuple[Any, Optional[_LoopDriver]]:
        inherited = (self._core, self._driver)
        self._core, self._driver = None, None
        self._closed_reason = "unusable in this process: it was created before os.fork(); create a new client"
        return inherited

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        state = "open" if self._core is not None else self._closed_reason
        return f"tritonlink.aio.AsyncClient({self._url!r}, {state})"
