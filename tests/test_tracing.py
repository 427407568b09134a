"""Tracing: each infer request, in every style (infer_stream too), is one OpenTelemetry client
span, and the server receives that span's context as W3C traceparent (tracestate too), on both
servers; off, nothing is sent.

Spans go to an SDK TracerProvider with an in-memory exporter, passed to each client (the global
provider is left alone). What the server received is read back from `echo_parameters`: both
servers forward traceparent and tracestate to it (conftest.HEADER_FORWARD_PATTERN).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys

import numpy as np
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, StatusCode, TraceFlags, TraceState

import tritonlink
import tritonlink.aio
from tritonlink.tracing import SPAN_NAME, STREAM_SPAN_NAME

X = {"INPUT0": np.array([1.0, 5.0, 3.0], np.float32)}
SLEEP_MS = 200.0


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


def received_headers(result) -> dict:
    """The trace headers echo_parameters saw on the server."""
    parameters = json.loads(result.as_numpy("PARAMETERS")[0])["parameters"]
    return {k: v for k, v in parameters.items() if k in ("traceparent", "tracestate")}


def traceparent_of(span) -> str:
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


def assert_request_span(span, model_name: str, request_id: str = "", name: str = SPAN_NAME) -> None:
    assert span.name == name and span.kind is SpanKind.CLIENT
    expected = {"rpc.system": "grpc", "rpc.service": "inference.GRPCInferenceService", "rpc.method": name.split("/")[1],
                "triton.model.name": model_name, "rpc.grpc.status_code": 0}
    if request_id:
        expected["triton.request.id"] = request_id
    assert dict(span.attributes) == expected
    assert span.status.status_code is StatusCode.UNSET


def test_each_sync_infer_is_a_span_whose_context_the_server_received(server, spans):
    provider, exporter = spans
    with tritonlink.Client(server.url, tracing=provider) as client:
        results = [client.infer("echo_parameters", X, request_id=f"r{i}") for i in range(3)]
    finished = exporter.get_finished_spans()
    assert len(finished) == 3
    for i, (span, result) in enumerate(zip(finished, results)):
        assert_request_span(span, "echo_parameters", f"r{i}")
        assert received_headers(result) == {"traceparent": traceparent_of(span)}
    assert len({span.context.trace_id for span in finished}) == 3  # no parent: each its own trace


def test_a_request_span_is_a_child_of_the_current_span_and_carries_its_tracestate(server, spans):
    provider, exporter = spans
    parent = SpanContext(trace_id=0x1234, span_id=0x5678, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED),
                         trace_state=TraceState([("vendor", "v1")]))
    with tritonlink.Client(server.url, tracing=provider, headers={"x-forwarded-mine": "kept"}) as client:
        with trace.use_span(NonRecordingSpan(parent)):
            result = client.infer("echo_parameters", X)
    (span,) = exporter.get_finished_spans()
    assert span.parent.span_id == 0x5678 and span.context.trace_id == 0x1234
    assert received_headers(result) == {"traceparent": traceparent_of(span), "tracestate": "vendor=v1"}
    assert json.loads(result.as_numpy("PARAMETERS")[0])["parameters"]["x-forwarded-mine"] == "kept"


def test_async_styles_end_each_span_when_its_completion_is_delivered(server, spans):
    provider, exporter = spans
    sleep = {"INPUT0": np.array([SLEEP_MS], np.float32)}
    with tritonlink.Client(server.url, tracing=provider) as client:
        done = client.submit("echo_parameters", X)
        by_callback = []
        client.async_infer("sleep", sleep, lambda result, error: by_callback.append(len(exporter.get_finished_spans())))
        many = client.infer_many([("echo_parameters", X), ("echo_parameters", X)])
        submitted = done.result(timeout=30)
        client.submit("sleep", sleep).result(timeout=30)
    finished = exporter.get_finished_spans()
    assert len(finished) == 5
    assert by_callback and by_callback[0] >= 1  # its span had ended when the callback ran
    slept = [span for span in finished if span.attributes["triton.model.name"] == "sleep"]
    assert len(slept) == 2 and all(span.end_time - span.start_time >= SLEEP_MS * 1e6 for span in slept)
    sent = {received_headers(result)["traceparent"] for result in [submitted, *many]}
    assert sent == {traceparent_of(span) for span in finished if span not in slept}


def test_asyncio_infer_is_a_span_that_ends_when_awaited(server, spans):
    provider, exporter = spans

    async def main():
        async with tritonlink.aio.AsyncClient(server.url, tracing=provider) as client:
            echoed = await client.infer("echo_parameters", X, request_id="a1")
            await client.infer("sleep", {"INPUT0": np.array([SLEEP_MS], np.float32)})
            return echoed

    result = asyncio.run(main())
    echo_span, sleep_span = exporter.get_finished_spans()
    assert_request_span(echo_span, "echo_parameters", "a1")
    assert received_headers(result) == {"traceparent": traceparent_of(echo_span)}
    assert sleep_span.end_time - sleep_span.start_time >= SLEEP_MS * 1e6


def test_infer_stream_is_one_span_that_opens_the_stream_and_ends_after_the_final_response(server, spans):
    provider, exporter = spans
    with tritonlink.Client(server.url, tracing=provider) as client:
        (echoed,) = client.infer_stream("echo_parameters", X, request_id="s1")
        tokens = client.infer_stream("repeat", {"IN": np.arange(3, dtype=np.int32)})
        assert len(list(tokens)) == 3 and len(exporter.get_finished_spans()) == 2
    echo_span, repeat_span = exporter.get_finished_spans()
    assert_request_span(echo_span, "echo_parameters", "s1", STREAM_SPAN_NAME)
    assert_request_span(repeat_span, "repeat", "", STREAM_SPAN_NAME)
    assert received_headers(echoed) == {"traceparent": traceparent_of(echo_span)}


def test_leaving_infer_stream_early_ends_its_span_as_cancelled_not_failed(server, spans):
    provider, exporter = spans
    slow = {"IN": np.arange(50, dtype=np.int32), "DELAY_MS": np.full(50, 20, np.uint32)}
    with tritonlink.Client(server.url, tracing=provider) as client:
        with contextlib.closing(client.infer_stream("repeat", slow)) as tokens:
            next(tokens)
            assert not exporter.get_finished_spans()
    (span,) = exporter.get_finished_spans()
    assert span.attributes["rpc.grpc.status_code"] == int(tritonlink.StatusCode.CANCELLED)
    assert span.status.status_code is StatusCode.UNSET


def test_asyncio_infer_stream_is_one_span(server, spans):
    provider, exporter = spans

    async def main():
        async with tritonlink.aio.AsyncClient(server.url, tracing=provider) as client:
            return [result async for result in client.infer_stream("echo_parameters", X)]

    (echoed,) = asyncio.run(main())
    (span,) = exporter.get_finished_spans()
    assert_request_span(span, "echo_parameters", "", STREAM_SPAN_NAME)
    assert received_headers(echoed) == {"traceparent": traceparent_of(span)}


def assert_error_span(span, error: tritonlink.InferenceServerError) -> None:
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["rpc.grpc.status_code"] == int(error.code) != 0
    assert [event.name for event in span.events] == ["exception"]
    assert span.events[0].attributes["exception.type"].endswith(type(error).__name__)


def test_a_failed_request_ends_its_span_in_error(server, spans):
    provider, exporter = spans
    with tritonlink.Client(server.url, tracing=provider) as client:
        with pytest.raises(tritonlink.InferenceServerError) as sync_error:
            client.infer("no_such_model", X)
        with pytest.raises(tritonlink.InferenceServerError) as future_error:
            client.submit("no_such_model", X).result(timeout=30)
    sync_span, future_span = exporter.get_finished_spans()
    assert_error_span(sync_span, sync_error.value)
    assert_error_span(future_span, future_error.value)
    assert sync_span.attributes["triton.model.name"] == "no_such_model"


def test_without_tracing_no_trace_context_is_sent(server, spans):
    provider, _ = spans
    with tritonlink.Client(server.url) as client:
        with provider.get_tracer("test").start_as_current_span("caller's span"):
            assert received_headers(client.infer("echo_parameters", X)) == {}
            assert received_headers(client.submit("echo_parameters", X).result(timeout=30)) == {}


def test_tracing_true_uses_the_global_tracer_provider(embedded_server, spans, monkeypatch):
    provider, exporter = spans
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    with tritonlink.Client(embedded_server.url, tracing=True) as client:
        client.infer("echo_parameters", X)
    assert len(exporter.get_finished_spans()) == 1


def test_a_tracer_may_be_given(embedded_server, spans):
    provider, exporter = spans
    with tritonlink.Client(embedded_server.url, tracing=provider.get_tracer("mine")) as client:
        client.infer("echo_parameters", X)
    (span,) = exporter.get_finished_spans()
    assert span.instrumentation_scope.name == "mine"


def test_bad_tracing_arguments_are_refused(monkeypatch):
    with pytest.raises(TypeError, match="tracing must be"):
        tritonlink.Client("127.0.0.1:1", tracing="yes")
    monkeypatch.setitem(sys.modules, "opentelemetry", None)  # as if it were not installed
    with pytest.raises(ImportError, match="opentelemetry-api"):
        tritonlink.aio.AsyncClient("127.0.0.1:1", tracing=True)
    tritonlink.Client("127.0.0.1:1", tracing=False).close()  # off needs no opentelemetry
