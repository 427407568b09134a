"""Fixtures for the pytest-benchmark microbenchmarks: the embedded server in a child process,
clients of both libraries, and helpers that time runs and record infer/s and latency quantiles.

TRITONLINK_BENCH_QUICK=1 makes every benchmark do a few iterations only (`make bench-quick`,
with --benchmark-disable, runs each once so that CI keeps them working; its numbers mean nothing).
TRITONLINK_BENCH_REAL_TRITON=1 runs them against a real Triton (tests/real_triton.py) instead.
"""

from __future__ import annotations

import math
import os
import time
from typing import Callable, Dict, List

import pytest

import _servers
from _workloads import Clients, Run, percentile_us

QUICK = os.environ.get("TRITONLINK_BENCH_QUICK", "") not in ("", "0")
REAL_TRITON = os.environ.get("TRITONLINK_BENCH_REAL_TRITON", "") not in ("", "0")

# nodeid -> what the benchmark recorded in extra_info, for the summary at the end.
_RECORDED: Dict[str, dict] = {}


@pytest.fixture(scope="session")
def quick() -> bool:
    return QUICK


@pytest.fixture(scope="session")
def server_url():
    """The embedded server (or a real Triton), in a process of its own: this process measures
    only the client."""
    with (_servers.real_triton_server() if REAL_TRITON else _servers.embedded_server()) as url:
        yield url


@pytest.fixture(scope="session")
def clients(server_url):
    made = Clients(server_url)
    yield made
    made.close()


def _record(benchmark, nodeid: str, **values) -> None:
    # nan (no latencies, as from infer_many) becomes None: JSON has no nan.
    values = {k: ((None if math.isnan(v) else round(v, 1)) if isinstance(v, float) else v) for k, v in values.items()}
    benchmark.extra_info.update(values)
    _RECORDED[nodeid] = dict(values)


@pytest.fixture
def time_calls(benchmark, request):
    """Benchmarks a function of no arguments (one call = one operation) and records its
    p50/p95/p99 in extra_info. Quick mode: three rounds, no calibration."""

    def run(function: Callable[[], object]) -> None:
        durations: List[float] = []

        def timed() -> None:
            start = time.perf_counter()
            function()
            durations.append(time.perf_counter() - start)

        if QUICK:
            benchmark.pedantic(timed, rounds=3, iterations=1)
        else:
            timed()  # warm-up
            durations.clear()
            benchmark(timed)
        _record(benchmark, request.node.nodeid, calls=len(durations), p50_us=percentile_us(durations, 0.50),
                p95_us=percentile_us(durations, 0.95), p99_us=percentile_us(durations, 0.99))

    return run


@pytest.fixture
def time_runs(benchmark, request, clients):
    """Benchmarks a workload style (see _workloads): ``rounds`` runs of ``total`` requests at
    ``in_flight``, after a warm-up run; records the median run's infer/s and the latency
    quantiles over all runs. Quick mode: one short run, no warm-up."""

    def run(style, model, array, total: int, in_flight: int, rounds: int = 3) -> List[Run]:
        if QUICK:
            total, rounds = min(total, 2 * in_flight + 8), 1
        else:
            style(clients, model, array, min(total, 4 * in_flight + 32), in_flight)
        runs: List[Run] = []
        benchmark.pedantic(lambda: runs.append(style(clients, model, array, total, in_flight)),
                           rounds=rounds, iterations=1)
        rates = sorted(r.infer_per_s for r in runs)
        latencies = [latency for r in runs for latency in r.latencies]
        _record(benchmark, request.node.nodeid, in_flight=in_flight, requests=total, runs=len(runs),
                infer_per_s=rates[len(rates) // 2], p50_us=percentile_us(latencies, 0.50),
                p95_us=percentile_us(latencies, 0.95), p99_us=percentile_us(latencies, 0.99))
        return runs

    return run


def pytest_terminal_summary(terminalreporter) -> None:
    if not _RECORDED:
        return
    title = "tritonlink benchmarks" + (" (QUICK MODE: a few iterations, numbers mean nothing)" if QUICK else "")
    terminalreporter.section(title)
    columns = ("infer_per_s", "p50_us", "p95_us", "p99_us")
    width = max(len(nodeid) for nodeid in _RECORDED)
    terminalreporter.write_line(f"{'benchmark':<{width}}  " + "  ".join(f"{c:>11}" for c in columns))
    for nodeid, values in _RECORDED.items():
        cells = [values.get(c) for c in columns]
        terminalreporter.write_line(f"{nodeid:<{width}}  " +
                                    "  ".join(f"{'-' if c is None else f'{c:,.1f}':>11}" for c in cells))
