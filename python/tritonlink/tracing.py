"""OpenTelemetry client spans for inference requests (opt-in: ``Client(url, tracing=...)``).

Each request is one CLIENT span, named and attributed as OpenTelemetry's gRPC conventions say,
and its context goes out in the request's gRPC metadata through ``opentelemetry.propagate``
(W3C ``traceparent``/``tracestate`` by default), so that a Triton started with
``--trace-config mode=opentelemetry`` continues the caller's trace. The clients pick their
traced methods once, at construction: an untraced client runs no tracing code at all.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional

from ._arguments import core_headers
from .errors import InferenceServerError, StatusCode

_SERVICE = "inference.GRPCInferenceService"
SPAN_NAME = f"{_SERVICE}/ModelInfer"
STREAM_SPAN_NAME = f"{_SERVICE}/ModelStreamInfer"  # infer_stream: one request on a stream of its own
_METADATA = 7  # where infer_arguments puts the call's metadata


def spans_for(tracing: Any) -> Optional["Spans"]:
    """The client's Spans for its ``tracing`` argument, or None when tracing is off.

    True: a tracer from the globally configured provider; or a Tracer or TracerProvider.
    """
    if tracing is None or tracing is False:
        return None
    try:
        from opentelemetry import propagate, trace
    except ImportError:
        raise ImportError("tracing needs the opentelemetry-api package: pip install 'tritonlink[tracing]'") from None
    from . import __version__

    if tracing is True:
        tracer = trace.get_tracer("tritonlink", __version__)
    elif isinstance(tracing, trace.TracerProvider):
        tracer = tracing.get_tracer("tritonlink", __version__)
    elif isinstance(tracing, trace.Tracer):
        tracer = tracing
    else:
        raise TypeError(f"tracing must be a bool, an opentelemetry Tracer or TracerProvider, "
                        f"not {type(tracing).__name__}")
    return Spans(tracer, trace, propagate)


class Spans:
    """Starts a request's span with its context in the request's metadata, and ends it."""

    def __init__(self, tracer: Any, trace: Any, propagate: Any) -> None:
        self._tracer = tracer
        self._trace = trace
        self._propagate = propagate

    def start(self, arguments: tuple[Any, ...], name: str = SPAN_NAME) -> tuple[Any, ...]:
        """A span for infer_arguments' `arguments` (a child of the current context), and the
        arguments with its context added to their metadata."""
        model_name, model_version, request_id = arguments[0], arguments[3], arguments[4]
        attributes = {"rpc.system": "grpc", "rpc.service": _SERVICE, "rpc.method": name[len(_SERVICE) + 1:],
                      "triton.model.name": model_name}
        if model_version:
            attributes["triton.model.version"] = model_version
        if request_id:
            attributes["triton.request.id"] = request_id
        span = self._tracer.start_span(name, kind=self._trace.SpanKind.CLIENT, attributes=attributes)
        carrier: dict[str, Any] = {}
        self._propagate.inject(carrier, context=self._trace.set_span_in_context(span))
        # The span's context replaces a traceparent the caller set: the server's span is its child.
        metadata = dict(arguments[_METADATA] or ())
        metadata.update(core_headers(carrier) or ())
        return span, arguments[:_METADATA] + (list(metadata.items()) or None,) + arguments[_METADATA + 1:]

    def end(self, span: Any, error: Optional[BaseException]) -> None:
        if error is None:
            span.set_attribute("rpc.grpc.status_code", 0)
        elif isinstance(error, GeneratorExit):  # the caller stopped reading: cancelled, not failed
            span.set_attribute("rpc.grpc.status_code", int(StatusCode.CANCELLED))
        else:
            if isinstance(error, InferenceServerError):
                span.set_attribute("rpc.grpc.status_code", int(error.code))
            span.record_exception(error)
            span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, str(error)))
        span.end()

    def wrap_start(self, start: Callable[..., Any]) -> Callable[..., Any]:
        """Client._start traced: the span ends when the completion is delivered."""

        def traced_start(arguments: tuple[Any, ...], on_done: Callable[..., Any], router: Any = None) -> Any:
            span, arguments = self.start(arguments)

            def done(result: Any, error: Optional[BaseException]) -> None:
                self.end(span, error)
                on_done(result, error)

            try:
                return start(arguments, done, router)
            except BaseException as error:  # never started: no completion will come
                self.end(span, error)
                raise

        return traced_start


def _like(wrapper: Callable[..., Any], wait: Callable[..., Any]) -> Callable[..., Any]:
    # takes_infer_options reads the name, docstring, signature and annotations of what it decorates.
    wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = wait.__name__, wait.__qualname__, wait.__doc__
    wrapper.__signature__ = inspect.signature(wait)  # type: ignore[attr-defined]  # inspect reads it
    wrapper.__annotations__ = dict(wait.__annotations__)
    return wrapper


def traced_call(wait: Callable[..., Any]) -> Callable[..., Any]:
    """A blocking `wait(client, arguments)` traced: the span ends when it returns or raises."""

    def traced(client: Any, arguments: tuple[Any, ...]) -> Any:
        spans = client._spans
        span, arguments = spans.start(arguments)
        try:
            result = wait(client, arguments)
        except BaseException as error:
            spans.end(span, error)
            raise
        spans.end(span, None)
        return result

    return _like(traced, wait)


def traced_awaitable(wait: Callable[..., Any]) -> Callable[..., Any]:
    """A `wait(client, arguments)` that returns an awaitable, traced: the span ends when the
    awaitable does."""

    def traced(client: Any, arguments: tuple[Any, ...]) -> Any:
        spans = client._spans
        span, arguments = spans.start(arguments)
        return _ended_after(spans, span, wait(client, arguments))

    return _like(traced, wait)


async def _ended_after(spans: Spans, span: Any, awaitable: Any) -> Any:
    try:
        result = await awaitable
    except BaseException as error:
        spans.end(span, error)
        raise
    spans.end(span, None)
    return result


def traced_iterator(wait: Callable[..., Any]) -> Callable[..., Any]:
    """infer_stream's `wait(client, arguments, **options)`, an iterator of one request's
    responses, traced: the span's context opens the stream; it ends after the final response."""

    def traced(client: Any, arguments: tuple[Any, ...], **options: Any) -> Any:
        spans = client._spans
        span, arguments = spans.start(arguments, STREAM_SPAN_NAME)
        return _ended_after_iterating(spans, span, wait(client, arguments, **options))

    return _like(traced, wait)


def _ended_after_iterating(spans: Spans, span: Any, results: Any) -> Any:
    try:
        yield from results
    except BaseException as error:
        spans.end(span, error)
        raise
    spans.end(span, None)


def traced_async_iterator(wait: Callable[..., Any]) -> Callable[..., Any]:
    """As traced_iterator, for AsyncClient.infer_stream's async iterator."""

    def traced(client: Any, arguments: tuple[Any, ...], **options: Any) -> Any:
        spans = client._spans
        span, arguments = spans.start(arguments, STREAM_SPAN_NAME)
        return _ended_after_async_iterating(spans, span, wait(client, arguments, **options))

    return _like(traced, wait)


async def _ended_after_async_iterating(spans: Spans, span: Any, results: Any) -> Any:
    try:
        async for result in results:
            yield result
    except BaseException as error:
        spans.end(span, error)
        raise
    finally:
        await results.aclose()  # closing this one (leaving the loop early) closes, so cancels, that one
    spans.end(span, None)
