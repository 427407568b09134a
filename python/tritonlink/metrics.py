"""A client's own metrics, and the server's statistics read per request.

``client.metrics()`` returns a snapshot (see :func:`snapshot`), recorded in C++ on the call
and completion path with atomics: no lock, no GIL. :class:`PrometheusCollector` exports
snapshots through ``prometheus_client`` (an optional dependency: ``pip install
tritonlink[metrics]``), and :func:`server_time_per_request` turns
``get_inference_statistics()`` into the server's queue and compute time per request.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Iterator, List, Tuple

from .errors import StatusCode

HISTOGRAMS = ("latency", "first_response", "response_gap")
_COUNTERS = ("requests", "bytes_sent", "bytes_received")
# Prometheus bucket bounds (seconds): powers of two from about 8 us to about 137 s. Each is a
# boundary of the recorded buckets too, so the cumulative counts are exact.
PROMETHEUS_BOUNDS = tuple(2.0 ** k * 1e-9 for k in range(13, 38))


def snapshot(core: Any) -> Dict[str, Any]:
    """{"requests", "errors", "in_flight", "bytes_sent", "bytes_received": client totals,
    "models": {model: {those, "by_status": {"OK": n, "UNAVAILABLE": n, ...},
    "latency" / "first_response" / "response_gap": {"count", "sum_s", "p50", "p90", "p99",
    "p999" (seconds), "buckets": [(upper bound s, count), ...]}}}}.

    ``latency`` is per unary infer (start to result); streams count each request sent and each
    response received, and time the first response of a stream and the gaps between responses.
    """
    if core is None:
        raise RuntimeError("this client is closed: its metrics went with it")
    models = {}
    for name, raw in core.metrics().items():
        by_status = {StatusCode(code).name: count for code, count in raw["by_status"].items()}
        models[name] = dict(raw, by_status=by_status, errors=sum(n for code, n in by_status.items() if code != "OK"))
    totals = {key: sum(m[key] for m in models.values()) for key in (*_COUNTERS, "errors", "in_flight")}
    return dict(totals, models=models)


def cumulative_buckets(buckets: Iterable[Tuple[float, int]], bounds: Iterable[float]) -> List[Tuple[str, int]]:
    """Prometheus' cumulative (le, count) pairs, ending with +Inf, from recorded buckets."""
    buckets = sorted(buckets)
    out, seen, i = [], 0, 0
    for bound in bounds:
        while i < len(buckets) and buckets[i][0] <= bound * (1 + 1e-9):
            seen += buckets[i][1]
            i += 1
        out.append((repr(bound), seen))
    out.append(("+Inf", seen + sum(count for _, count in buckets[i:])))
    return out


class PrometheusCollector:
    """A prometheus_client collector of one or more clients' metrics, labelled by ``client``
    (a name you give) and ``model``::

        from prometheus_client import REGISTRY
        REGISTRY.register(tritonlink.metrics.PrometheusCollector({"triton-a": client}))
    """

    def __init__(self, clients: Dict[str, Any]) -> None:
        self._snapshots: Dict[str, Callable[[], Dict[str, Any]]] = {name: c.metrics for name, c in clients.items()}

    def describe(self) -> list[Any]:
        return []  # metric names depend on what was recorded: no description up front

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        labels = ["client", "model"]
        requests = CounterMetricFamily("tritonlink_requests", "Requests sent", labels=labels)
        errors = CounterMetricFamily("tritonlink_errors", "Failed requests and error responses",
                                     labels=[*labels, "code"])
        sent = CounterMetricFamily("tritonlink_sent_bytes", "Request bytes sent", labels=labels)
        received = CounterMetricFamily("tritonlink_received_bytes", "Response bytes received", labels=labels)
        in_flight = GaugeMetricFamily("tritonlink_requests_in_flight", "Unary requests in flight", labels=labels)
        histograms = {
            "latency": HistogramMetricFamily("tritonlink_request_latency_seconds", "Unary infer latency",
                                             labels=labels),
            "first_response": HistogramMetricFamily("tritonlink_stream_first_response_seconds",
                                                    "Stream opened to its first response", labels=labels),
            "response_gap": HistogramMetricFamily("tritonlink_stream_response_gap_seconds",
                                                  "Between consecutive stream responses", labels=labels),
        }
        for client_name, take in self._snapshots.items():
            for model, m in take()["models"].items():
                key = [client_name, model]
                requests.add_metric(key, m["requests"])
                sent.add_metric(key, m["bytes_sent"])
                received.add_metric(key, m["bytes_received"])
                in_flight.add_metric(key, m["in_flight"])
                for code, count in m["by_status"].items():
                    if code != "OK":
                        errors.add_metric([*key, code], count)
                for name, family in histograms.items():
                    h = m[name]
                    if h["count"]:
                        family.add_metric(key, cumulative_buckets(h["buckets"], PROMETHEUS_BOUNDS), h["sum_s"])
        yield from (requests, errors, sent, received, in_flight, *histograms.values())


_SERVER_PHASES = ("queue", "compute_input", "compute_infer", "compute_output")


def server_time_per_request(statistics: Dict[str, Any]) -> Dict[str, Dict[str, float]]:
    """{model: {"requests": n, "queue_s", "compute_input_s", "compute_infer_s",
    "compute_output_s": mean seconds per request}} from ``get_inference_statistics()``'s
    answer (cumulative since the server started: take two and subtract for an interval)."""
    out = {}
    for model in statistics.get("model_stats", []):
        phases = model.get("inference_stats", {})
        success = phases.get("success", {}).get("count", 0)
        row: Dict[str, float] = {"requests": success}
        for phase in _SERVER_PHASES:
            stats = phases.get(phase, {})
            count = stats.get("count", 0)
            row[f"{phase}_s"] = stats.get("ns", 0) / count * 1e-9 if count else 0.0
        name = model["name"] if not model.get("version") else f"{model['name']}:{model['version']}"
        out[name] = row
    return out
