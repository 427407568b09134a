"""Throughput with many requests in flight, every way each client offers, and the classic
"sync loop against async" on the sleep model.

extra_info (and the summary at the end of the run) holds infer/s of the median run and latency
quantiles over all runs. "sync" styles run one thread per request in flight.
"""

from __future__ import annotations

import pytest

import _workloads as w

IN_FLIGHT = [1, 8, 64, 256]
# Requests per run, by payload size: about a second's worth for the slower client.
TOTAL = {64: 2000, w.MiB: 300}
SLEEP_MS = 10.0


@pytest.mark.parametrize("in_flight", IN_FLIGHT)
@pytest.mark.parametrize("nbytes", sorted(TOTAL), ids=w.size_label)
@pytest.mark.parametrize("style", list(w.STYLES))
def test_identity_throughput(time_runs, style, nbytes, in_flight):
    total = max(TOTAL[nbytes], 4 * in_flight)
    time_runs(w.STYLES[style], w.MODEL, w.identity_payload(nbytes), total, in_flight)


# One thread calling infer in a loop against one thread keeping 64 requests in flight, when
# each request spends SLEEP_MS on the server: the sync loop cannot pass 1000/SLEEP_MS per s.
SLEEP_CASES = [
    ("tritonlink sync", 1, 100),
    ("tritonlink callbacks", 64, 2000),
    ("tritonlink asyncio", 64, 2000),
    ("tritonclient sync", 1, 100),
    ("tritonclient callbacks", 64, 2000),
    ("tritonclient asyncio", 64, 2000),
]


@pytest.mark.parametrize("style, in_flight, total", SLEEP_CASES, ids=[f"{s} x{k}" for s, k, _ in SLEEP_CASES])
def test_sleep_model_sync_loop_against_async(time_runs, style, in_flight, total):
    runs = time_runs(w.STYLES[style], w.SLEEP_MODEL, w.sleep_payload(SLEEP_MS), total, in_flight)
    # Each request really waited: no run can beat SLEEP_MS per request per slot.
    for run in runs:
        assert min(run.latencies) >= SLEEP_MS / 1000 * 0.9
