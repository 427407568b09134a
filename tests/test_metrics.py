"""Client metrics: counts, errors by code, bytes, latency histograms and stream timings,
checked against known latencies (the sleep model); the Prometheus export parsed back; the
server's statistics per request."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

import tritonlink
from tritonlink.errors import InferenceServerError
from tritonlink.metrics import PrometheusCollector, server_time_per_request
from tritonlink.testing import Server

FAST, SLOW = 20.0, 80.0  # milliseconds on the sleep model


def sleep_inputs(ms: float) -> dict:
    return {"INPUT0": np.array([ms], dtype=np.float32)}


@pytest.fixture(scope="module")
def own_server():
    with Server() as server:
        yield server


def nearest_rank(values, q):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@pytest.mark.timing
def test_latency_percentiles_match_known_sleeps(server):
    # Measured: quantiles at 0.97-1.02 of the caller's own measurement; 0.93-1.07 allowed, less
    # 3 ms for the caller's overhead (it reached 1.6 ms at a load average of 11 on 2 cores).
    measured = []
    with tritonlink.Client(server.url) as client:
        for ms in [FAST / 4] * 95 + [SLOW * 2] * 5:  # 5 ms, then 160 ms
            start = time.perf_counter()
            client.infer("sleep", sleep_inputs(ms))
            measured.append(time.perf_counter() - start)
        m = client.metrics()
    sleep = m["models"]["sleep"]
    assert sleep["requests"] == 100 and sleep["by_status"] == {"OK": 100} and sleep["errors"] == 0
    assert sleep["in_flight"] == 0
    assert sleep["bytes_sent"] > 100 * 4 and sleep["bytes_received"] > 100 * 4
    latency = sleep["latency"]
    assert latency["count"] == 100
    # The sleeps bound them from below: p50 among the fast ones, p99 among the slow ones.
    assert 0.005 * 0.93 <= latency["p50"] < 0.160 * 0.93 <= latency["p99"]
    # A quantile is its bucket's midpoint, a bucket at most 12.5% wide: within 7% of what the
    # caller measured around each call (plus the caller's own overhead).
    for q in ("p50", "p90", "p99"):
        truth = nearest_rank(measured, float("0." + q[1:]))
        assert truth * 0.93 - 0.003 <= latency[q] <= truth * 1.07, (q, latency[q], truth)
    assert latency["p999"] >= latency["p99"] >= latency["p90"] >= latency["p50"]
    assert 0.93 * sum(measured) - 0.01 <= latency["sum_s"] <= sum(measured)
    assert m["requests"] == 100 and m["errors"] == 0


def test_async_calls_are_counted_and_nothing_stays_in_flight(own_server):
    with tritonlink.Client(own_server.url) as client:
        futures = [client.submit("sleep", sleep_inputs(FAST)) for _ in range(8)]
        assert client.metrics()["models"]["sleep"]["in_flight"] > 0
        for future in futures:
            future.result(timeout=10)
        sleep = client.metrics()["models"]["sleep"]
    assert sleep["requests"] == 8 and sleep["in_flight"] == 0 and sleep["latency"]["count"] == 8
    assert sleep["latency"]["p50"] >= FAST / 1000 * 0.93


def test_errors_are_counted_by_status_code(own_server):
    with tritonlink.Client(own_server.url) as client:
        for _ in range(3):
            with pytest.raises(InferenceServerError):
                client.infer("no_such_model", sleep_inputs(1))
        client.infer("sleep", sleep_inputs(1))
        m = client.metrics()
    assert m["models"]["no_such_model"]["by_status"] == {"NOT_FOUND": 3}
    assert m["models"]["no_such_model"]["errors"] == 3
    assert m["errors"] == 3 and m["requests"] == 4


def test_streams_time_the_first_response_and_the_gaps(own_server):
    count, delay_ms = 5, 30
    inputs = {"IN": np.arange(count, dtype=np.int32), "DELAY_MS": np.full(count, delay_ms, dtype=np.uint32)}
    with tritonlink.Client(own_server.url) as client:
        assert len(list(client.infer_stream("repeat", inputs))) == count
        repeat = client.metrics()["models"]["repeat"]
    assert repeat["requests"] == 1
    assert repeat["first_response"]["count"] == 1
    assert repeat["first_response"]["p50"] >= delay_ms / 1000 * 0.93
    gaps = repeat["response_gap"]
    assert gaps["count"] >= count - 1  # and the empty final response
    assert gaps["p90"] >= delay_ms / 1000 * 0.9
    assert repeat["by_status"]["OK"] >= count


def test_metrics_off_records_nothing(own_server):
    with tritonlink.Client(own_server.url, metrics=False) as client:
        client.infer("sleep", sleep_inputs(1))
        client.submit("sleep", sleep_inputs(1)).result(timeout=10)
        assert client.metrics() == {"requests": 0, "bytes_sent": 0, "bytes_received": 0, "errors": 0,
                                    "in_flight": 0, "models": {}}


def test_asyncio_client_has_the_same_metrics(own_server):
    import asyncio
    from tritonlink.aio import AsyncClient

    async def run():
        async with AsyncClient(own_server.url) as client:
            await asyncio.gather(*(client.infer("sleep", sleep_inputs(1)) for _ in range(4)))
            return client.metrics()

    assert asyncio.run(run())["models"]["sleep"]["requests"] == 4


def test_prometheus_exposition_parses_back(own_server):
    prometheus_client = pytest.importorskip("prometheus_client")
    from prometheus_client.parser import text_string_to_metric_families

    with tritonlink.Client(own_server.url) as client:
        for _ in range(6):
            client.infer("sleep", sleep_inputs(FAST / 4))  # 5 ms
        with pytest.raises(InferenceServerError):
            client.infer("no_such_model", sleep_inputs(1))
        registry = prometheus_client.CollectorRegistry()
        registry.register(PrometheusCollector({"a": client}))
        text = prometheus_client.generate_latest(registry).decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    labels = (("client", "a"), ("model", "sleep"))
    assert samples[("tritonlink_requests_total", labels)] == 6
    assert samples[("tritonlink_request_latency_seconds_count", labels)] == 6
    assert samples[("tritonlink_request_latency_seconds_bucket", (*labels[:1], ("le", "+Inf"), labels[1]))] == 6
    below_4ms = [v for (name, lbl), v in samples.items() if name == "tritonlink_request_latency_seconds_bucket"
                 and dict(lbl)["model"] == "sleep" and dict(lbl)["le"] != "+Inf" and float(dict(lbl)["le"]) < 0.004]
    assert below_4ms and max(below_4ms) == 0
    error_labels = (("client", "a"), ("code", "NOT_FOUND"), ("model", "no_such_model"))
    assert samples[("tritonlink_errors_total", error_labels)] == 1
    assert 6 * 0.005 <= samples[("tritonlink_request_latency_seconds_sum", labels)] < 1


def test_server_statistics_become_time_per_request(server):
    with tritonlink.Client(server.url) as client:
        before = server_time_per_request(client.get_inference_statistics("sleep"))
        for _ in range(3):
            client.infer("sleep", sleep_inputs(FAST))
        # Triton counts a request just after sending its response: the last may not be in yet.
        # The servers are shared: a sleep another test cancelled may still finish and count.
        deadline = time.monotonic() + 5
        while True:
            after = server_time_per_request(client.get_inference_statistics("sleep"))
            (key,) = after
            added = after[key]["requests"] - before.get(key, {"requests": 0})["requests"]
            if added >= 3 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    assert added >= 3
    assert after[key]["compute_infer_s"] > 0 and after[key]["queue_s"] >= 0
