"""Client options that change the hot path, each against its alternative on the same server:
one connection against a pool (Client(url, channels=N)), metrics on against off, and tracing
off against on (an SDK tracer provider whose exporter drops the spans). Callbacks
and sync threads at many requests in flight, small and large payloads; the sync p50 of one
thread. The default of `channels` comes from here (see README's performance notes)."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

import _workloads as w

POOL_CASES = [(64, 1, 2000), (64, 256, 4000), (w.MiB, 64, 400)]  # (bytes, in flight, requests per run)
CHANNELS = [1, 2, 4]


def callbacks_with(**options):
    def style(clients, model, array, total, in_flight):
        client = clients.tritonlink_with(**options)
        return w._callbacks(lambda done: client.async_infer(model, {w.INPUT: array}, done), array.nbytes, total,
                            in_flight)

    return style


def sync_with(**options):
    def style(clients, model, array, total, in_flight):
        client = clients.tritonlink_with(**options)
        return w._sync_threads(lambda: w.tritonlink_infer(client, model, array), total, in_flight)

    return style


STYLES = {"callbacks": callbacks_with, "sync": sync_with}


@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize("nbytes, in_flight, total", POOL_CASES,
                         ids=[f"{w.size_label(n)} x{k}" for n, k, _ in POOL_CASES])
@pytest.mark.parametrize("style", list(STYLES))
def test_channel_pool_throughput(time_runs, style, nbytes, in_flight, total, channels):
    time_runs(STYLES[style](channels=channels), w.MODEL, w.identity_payload(nbytes), total, in_flight)


# The cost of metrics: sync p50 of one thread at 64 B, and infer/s at 64 in flight.
METRICS_CASES = [("sync", 1, 3000), ("sync", 64, 6000), ("callbacks", 64, 6000)]


@pytest.mark.parametrize("metrics", [False, True], ids=["metrics off", "metrics on"])
@pytest.mark.parametrize("style, in_flight, total", METRICS_CASES,
                         ids=[f"{s} x{k}" for s, k, _ in METRICS_CASES])
def test_metrics_cost(time_runs, style, in_flight, total, metrics):
    time_runs(STYLES[style](metrics=metrics), w.MODEL, w.identity_payload(64), total, in_flight, rounds=5)


class _DropSpans(SpanExporter):
    """Measures what tracing costs the client, not what an exporter costs."""

    def export(self, spans):
        return SpanExportResult.SUCCESS


TRACER_PROVIDER = TracerProvider()
TRACER_PROVIDER.add_span_processor(SimpleSpanProcessor(_DropSpans()))


# The cost of tracing, as of metrics: off is tracing=None, on a span per request.
@pytest.mark.parametrize("tracing", [None, TRACER_PROVIDER], ids=["tracing off", "tracing on"])
@pytest.mark.parametrize("style, in_flight, total", METRICS_CASES,
                         ids=[f"{s} x{k}" for s, k, _ in METRICS_CASES])
def test_tracing_cost(time_runs, style, in_flight, total, tracing):
    time_runs(STYLES[style](tracing=tracing), w.MODEL, w.identity_payload(64), total, in_flight, rounds=5)
