"""The client: sync infer, async_infer with callbacks, futures, infer_many, control plane."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import Future
from typing import Any, Callable, Iterable, Iterator, List, Mapping, Optional, cast

from . import _control, _core, _lifecycle, tracing as _tracing
from ._arguments import check_max_in_flight, core_timeout, infer_arguments, takes_infer_options
from .retry import RetryPolicy, core_retry
from ._channel_options import Pem, make_core_client
from ._targets import DEFAULT_CHANNELS, Url, grpc_target
from .metrics import snapshot as metrics_snapshot
from ._headers import AuthPlugin, CallHeaders
from ._completions import CompletionRouter
from ._control_methods import ControlMethods
from ._readiness import WaitsBlocking
from ._dispatcher import Dispatcher
from ._result import InferResult, with_placements
from ._stream import Stream, StreamCallback, infer_stream
from ._tensors import PlacedOutputs
from ._stream_requests import DEFAULT_MAX_BUFFERED, with_empty_final_response
from .errors import InferenceServerError, InFlightLimitError

_WAIT_SLICE_MS = 100  # infer_many waits in slices so that Ctrl-C is seen

# A started call's completion: exactly one of result and error is None.
OnDone = Callable[[Optional[InferResult], Optional[InferenceServerError]], None]


class InferHandle:
    """A request started by async_infer; cancel() asks the server to drop it."""

    __slots__ = ("_engine", "_id")

    def __init__(self, engine: Any, call_id: int) -> None:
        self._engine = engine
        self._id = call_id

    def cancel(self) -> None:
        """The callback still runs once, with a CancelledError unless the call already ended."""
        self._engine.cancel(self._id)


class _AsyncParts:
    """The engine and dispatcher thread, made when a client first starts an async call."""

    def __init__(self, core: Any) -> None:
        self.engine = _core.AsyncEngine(core)
        self.ids = itertools.count(1)
        self.dispatcher = Dispatcher("tritonlink-dispatcher")


class Client(WaitsBlocking, ControlMethods[bool, dict[str, Any], None]):
    """A client of one Triton Inference Server over gRPC.

    ``url`` is ``host:port`` (or any gRPC target), or replicas that gRPC's ``round_robin``
    policy balances: a list of ``host:port`` (names resolved once, now) or ``dns:///name:port``
    (re-resolved as replicas come and go). ``channels`` connections (default 1) per address
    carry the calls in turn (a stream stays on one). ``metrics=False`` stops recording
    :meth:`metrics`. Every call releases the GIL while it waits. ``max_in_flight`` bounds the
    async requests in flight; when reached, starting another waits (``block_when_full=True``)
    or raises :class:`InFlightLimitError`. ``retry`` (a :class:`tritonlink.RetryPolicy`) retries
    failed calls, infer and control calls alike (an infer call may give its own); none by default.
    Channel: ``ssl=True`` for TLS, with ``root_certificates`` (else gRPC's default roots) and,
    for mutual TLS, ``private_key`` and ``certificate_chain``: each a PEM file path or PEM bytes;
    ``ssl_target_name_override`` checks the server's certificate against that name, not the url's host.
    ``keepalive_time_ms``, ``keepalive_timeout_ms``, ``keepalive_permit_without_calls`` and
    ``http2_max_pings_without_data`` are tritonclient's KeepAliveOptions (gRPC's defaults when
    None); ``channel_args`` adds gRPC channel arguments over ours (messages are unlimited in
    size unless it sets a limit) and wins over the keepalive ones for the same key.
    ``headers`` go with every call, then what ``auth_plugin()`` returns for the call (e.g.
    :func:`tritonlink.basic_auth_headers`), then the call's own ``headers``: a later one wins.
    ``tracing`` (off by default) makes each infer request an OpenTelemetry client span whose
    context goes to the server as W3C ``traceparent``: True for the global tracer provider's
    tracer, or a Tracer or TracerProvider (needs ``opentelemetry-api``; see
    :mod:`tritonlink.tracing`).
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
            self._start = self._spans.wrap_start(self._start)  # type: ignore[method-assign]
        self._core: Optional[Any] = make_core_client(
            self._url, channel_args, ssl, root_certificates, private_key, certificate_chain, keepalive_time_ms,
            keepalive_timeout_ms, keepalive_permit_without_calls, http2_max_pings_without_data, channels, metrics,
            ssl_target_name_override)
        self._closed_reason = "closed"
        self._async: Optional[_AsyncParts] = None
        self._async_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_in_flight) if max_in_flight else None
        self._block_when_full = block_when_full
        _lifecycle.track(self)

    @property
    def url(self) -> str:
        return self._url

    def metrics(self) -> dict[str, Any]:
        """This client's metrics so far, per model (see :func:`tritonlink.metrics.snapshot`);
        empty with ``metrics=False``."""
        return metrics_snapshot(self._core)

    def _client(self) -> Any:
        if self._core is None:
            raise RuntimeError(f"this tritonlink.Client is {self._closed_reason}")
        return self._core

    def _async_parts(self) -> _AsyncParts:
        core = self._client()
        if self._async is None:
            with self._async_lock:
                if self._async is None:
                    self._async = _AsyncParts(core)
        return self._async

    # ---- inference ----

    def _infer(self, arguments: tuple[Any, ...]) -> InferResult:
        """Runs one inference and returns its result."""
        # _client() is called only to raise when closed: this saves a call on the hot path.
        result = InferResult((self._core or self._client()).infer(*arguments))
        if arguments[2].__class__ is PlacedOutputs:
            return result.placed_in(arguments[2].placements, self.shared_memory_regions)
        return result

    _traced_infer = takes_infer_options(name="infer")(_tracing.traced_call(_infer))
    infer = takes_infer_options(name="infer")(_infer)

    def _start(self, arguments: tuple[Any, ...], on_done: OnDone,
               router: Optional[CompletionRouter] = None) -> InferHandle:
        # Made once: every later call skips the method call (a closed client has none).
        parts = self._async or self._async_parts()
        router = router or parts.dispatcher.router
        slots = self._slots
        if slots is not None and router is parts.dispatcher.router:
            if not slots.acquire(blocking=self._block_when_full):
                raise InFlightLimitError(f"{self._url}: max_in_flight requests are already in flight")
            user_done = on_done

            def on_done(result: Optional[InferResult], error: Optional[InferenceServerError]) -> None:
                slots.release()
                user_done(result, error)

        if arguments[2].__class__ is PlacedOutputs:
            on_done = with_placements(on_done, arguments[2].placements, self.shared_memory_regions)
        call_id = next(parts.ids)
        try:
            router.start_infer(parts.engine, call_id, on_done, arguments)
        except BaseException:
            if slots is not None and router is parts.dispatcher.router:
                slots.release()
            raise
        return InferHandle(parts.engine, call_id)

    @takes_infer_options("callback")
    def async_infer(
        self, arguments: tuple[Any, ...],
        callback: Callable[[Optional[InferResult], Optional[InferenceServerError]], None],
    ) -> InferHandle:
        """Starts an inference; ``callback(result, error)`` runs once on the dispatcher thread.

        Exactly one of result and error is None. An exception raised by the callback is logged
        (logger "tritonlink") and does not affect other callbacks.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        return self._start(arguments, callback)  # the dispatcher's router guards it

    @takes_infer_options()
    def submit(self, arguments: tuple[Any, ...]) -> Future[InferResult]:
        """Starts an inference and returns a concurrent.futures.Future of its InferResult.

        Cancelling the future cancels the call.
        """
        future: Future[InferResult] = Future()

        def on_done(result: Optional[InferResult], error: Optional[InferenceServerError]) -> None:
            if future.cancelled():
                return
            if error is None:
                future.set_result(cast(InferResult, result))  # there is a result when there is no error
            else:
                future.set_exception(error)

        handle = self._start(arguments, on_done)
        future.add_done_callback(lambda f: handle.cancel() if f.cancelled() else None)
        return future

    def infer_many(
        self,
        requests: Iterable[Any],
        max_in_flight: int = 64,
        return_exceptions: bool = False,
    ) -> List[Any]:
        """Runs many inferences with up to ``max_in_flight`` at once; results in request order.

        Each request is a mapping of infer() keyword arguments (``model_name``, ``inputs``, ...)
        or a ``(model_name, inputs)`` pair. The calling thread waits with the GIL released.
        On the first error the rest are cancelled and it is raised, unless
        ``return_exceptions`` puts each error in its request's place.
        """
        check_max_in_flight(max_in_flight)
        prepared = [infer_arguments(**_as_infer_kwargs(r), call_headers=self._call_headers, client_retry=self._retry)
                    for r in requests]
        results: List[Any] = [None] * len(prepared)
        failures: List[InferenceServerError] = []
        router = CompletionRouter()
        handles: List[InferHandle] = []

        def recorder(index: int) -> OnDone:
            def on_done(result: Optional[InferResult], error: Optional[InferenceServerError]) -> None:
                results[index] = result if error is None else error
                if error is not None:
                    failures.append(error)
            return on_done

        next_index = 0
        try:
            while next_index < len(prepared) or router.pending:
                stop_starting = bool(failures) and not return_exceptions
                if stop_starting and next_index < len(prepared):
                    next_index = len(prepared)
                    for handle in handles:
                        handle.cancel()
                while next_index < len(prepared) and router.pending < max_in_flight and not stop_starting:
                    handles.append(self._start(prepared[next_index], recorder(next_index), router))
                    next_index += 1
                if router.pending and not router.drain_all():
                    router.sink.wait(_WAIT_SLICE_MS)
        finally:
            # Also on Ctrl-C: the calls still in flight borrow our arrays until they end.
            if router.pending:
                for handle in handles:
                    handle.cancel()
            router.settle()
        if failures and not return_exceptions:
            raise failures[0]
        return results

    # ---- streams ----

    def stream(
        self,
        callback: Optional[StreamCallback] = None,
        stream_timeout: Optional[float] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_buffered: int = DEFAULT_MAX_BUFFERED,
    ) -> Stream:
        """Opens a bidirectional stream (ModelStreamInfer), for decoupled and sequence models.

        Use it as a context manager; ``send()`` requests from any thread, and read the
        responses by iterating the stream or, with ``callback(result, error)``, on the
        dispatcher thread. Many streams may be open on one client. ``stream_timeout`` (seconds)
        bounds the whole stream. At most ``max_buffered`` responses are held unread; past that
        the stream stops reading from the network until they are read.
        """
        return Stream(self._async_parts(), callback, core_timeout(stream_timeout), self._call_headers.for_call(headers),
                      max_buffered)

    def _infer_stream(self, arguments: tuple[Any, ...], *,
                      enable_empty_final_response: bool = False) -> Iterator[InferResult]:
        """Sends one request on a stream of its own and iterates every response to it, ending
        after the final one: token streaming from a decoupled model is one ``for`` loop.

        The empty response that only marks the end is left out unless
        ``enable_empty_final_response``. A failed request raises; ``client_timeout`` bounds the
        whole stream. Leaving the loop early cancels the request.
        """
        parts = self._async_parts()
        return infer_stream(lambda: Stream(parts, None, arguments[6], arguments[7], DEFAULT_MAX_BUFFERED),
                            with_empty_final_response(arguments), enable_empty_final_response)

    _traced_infer_stream = takes_infer_options(without=("retry",), name="infer_stream")(
        _tracing.traced_iterator(_infer_stream))
    infer_stream = takes_infer_options(without=("retry",), name="infer_stream")(_infer_stream)

    # ---- control plane: the calls are ControlMethods'; here is how they wait ----

    def _rpc(self, rpc: _control.Rpc, headers: Optional[Mapping[str, str]], client_timeout: Optional[float]) -> Any:
        reply = self._client().call_unary(rpc.method, rpc.request_json, core_timeout(client_timeout),
                                          self._call_headers.for_call(headers), rpc.model_name,
                                          core_retry(None, self._retry))
        return rpc.result(reply)

    # ---- lifetime ----

    def close(self) -> None:
        """Cancels what is in flight (each pending callback/future gets a CancelledError),
        stops the dispatcher thread and releases the channel. Closing twice is harmless."""
        parts, self._async = self._async, None
        self._core = None
        if parts is not None:
            parts.engine.shutdown()
            parts.dispatcher.stop()

    def _close_at_exit(self) -> None:
        self.close()

    def _disown_after_fork(self) -> tuple[Any, Optional[_AsyncParts]]:
        """In a forked child: gives up the compiled parts (see _lifecycle) and refuses calls."""
        inherited = (self._core, self._async)
        self._core, self._async = None, None
        self._closed_reason = "unusable in this process: it was created before os.fork(); create a new Client"
        return inherited

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self._core is not None else self._closed_reason
        return f"tritonlink.Client({self._url!r}, {state})"


def _as_infer_kwargs(request: Any) -> dict[str, Any]:
    if isinstance(request, Mapping):
        return dict(request)
    if isinstance(request, tuple) and len(request) == 2:
        return {"model_name": request[0], "inputs": request[1]}
    raise TypeError(f"each request must be a mapping of infer() arguments or a (model_name, inputs) pair, "
                    f"not {type(request).__name__}")
