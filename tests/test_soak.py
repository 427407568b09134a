"""The soak (benchmarks/soak.py), short: every style of call mixed at 256 in flight, nothing
lost or duplicated, memory flat after warm-up. `make soak` runs the full million."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import soak  # noqa: E402

REQUESTS = 100_000
WARMUP = 25_000
# Growth is the median of the last three samples against that of the first three after
# warm-up (see soak.growth_bytes). The full soak allows 10 MB across about 800,000 requests
# (12 B a request); here the medians are about 65,000 requests apart, where that rate would be
# 0.8 MB, under what the allocator's noise alone moves. So the gate is 4 MB: a leak of 62 B or
# more a request (any Python object kept per call) still fails it.
MAX_GROWTH_BYTES = 4_000_000


@pytest.mark.timing
def test_a_short_soak_loses_and_duplicates_nothing_and_memory_stays_flat(subprocess_server):
    summary = soak.run(subprocess_server[1], REQUESTS, in_flight=256, sample_every=5_000, warmup=WARMUP)
    soak.print_table(summary)
    assert sum(summary["per_style"].values()) == REQUESTS
    assert all(summary["per_style"].values()), summary["per_style"]
    assert soak.failures(summary, MAX_GROWTH_BYTES) == [], summary["first_problems"]


class _Result:
    def __init__(self, request_id: str, outputs: dict) -> None:
        self.id = request_id
        self._outputs = outputs

    def __getitem__(self, name: str) -> np.ndarray:
        return self._outputs[name]


def test_the_ledger_counts_lost_duplicated_and_mismatched_requests():
    ledger = soak.Ledger(5)
    ledger.identity("sync", 0, _Result("0", {"OUTPUT0": soak.identity_inputs(0)["INPUT0"]}))
    ledger.identity("sync", 1, _Result("1", {"OUTPUT0": soak.identity_inputs(1)["INPUT0"]}))
    ledger.identity("callbacks", 1, _Result("1", {"OUTPUT0": soak.identity_inputs(1)["INPUT0"]}))
    ledger.identity("asyncio", 2, _Result("2", {"OUTPUT0": soak.identity_inputs(3)["INPUT0"]}))
    ledger.identity("asyncio", 3, _Result("4", {"OUTPUT0": soak.identity_inputs(3)["INPUT0"]}))
    assert ledger.counts() == {"lost": 1, "duplicated": 1, "mismatched": 2, "errors": 0}


def test_the_ledger_wants_every_stream_part_once_before_the_final_response():
    ledger = soak.Ledger(6)
    repeat = [soak.repeat_inputs(i)["IN"] for i in range(6)]
    for idx in range(len(repeat[5])):  # 5 has three elements: all come, then the final one
        ledger.stream_part(_Result("5", {"OUT": repeat[5][idx:idx + 1], "IDX": np.array([idx], np.uint32)}))
    ledger.stream_final(5)
    assert ledger.counts()["mismatched"] == 0
    ledger.stream_final(4)  # 4 has two elements and none came
    ledger.stream_part(_Result("5", {"OUT": repeat[5][:1], "IDX": np.array([0], np.uint32)}))  # again
    assert ledger.counts()["mismatched"] == 2


def test_growth_after_warmup_fails_the_soak_and_the_warmup_does_not():
    run = soak.Soak("unused:0", 10, 256)
    run.ledger.deliveries[:] = 1

    def failures(samples_mb):
        samples = [(completed, mb * 1e6) for completed, mb in enumerate(samples_mb)]
        return soak.summarize(run, samples, warmup=2, elapsed=1.0, idle=(0, 0))["failures"]

    assert failures([10, 80, 100, 104, 99, 101, 120, 100, 103, 102]) == []  # a spike is not growth
    assert failures([10, 80, 100, 104, 99, 106, 110, 112, 111, 113]) == ["resident memory grew 12.0 MB after warm-up"]
