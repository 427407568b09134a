"""Soak: many requests at a fixed number in flight, every style of call mixed on one server,
each response checked against its own request, the client's resident memory sampled as it goes.

    python benchmarks/soak.py [--requests 1000000] [--in-flight 256] [--sample-every 50000]

The server runs in a child process, so the memory sampled is the client's alone. Requests are
numbered; whichever worker takes the next number sends it, so the styles share the load in
proportion to the in-flight slots each holds (the defaults at 256: sync 8 threads, callbacks
104, asyncio 96 tasks, streams 2 x 24) and to how fast each style goes. Every request carries
its number in its data and request id: identity answers with the same data, repeat (on the
streams) with one response per element and then the empty final one. Each request's final
delivery is counted; a number delivered never is lost, more than once duplicated.

Exits 1 when resident memory grew 10 MB or more after warm-up, or a request was lost,
duplicated, answered with another's data, or failed.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import itertools
import json
import os
import statistics
import sys
import threading
import time
from typing import Any, Dict, List, Optional

import numpy as np

import tritonlink
import tritonlink.aio

STYLES = ("sync", "callbacks", "asyncio", "streams")
MAX_GROWTH_BYTES = 10_000_000
_STREAMS = 2
_MAX_REQUESTS = 1 << 24  # request numbers travel as FP32, exact up to 2**24
_PAGE = os.sysconf("SC_PAGE_SIZE")


def identity_inputs(i: int) -> dict:
    # Lengths 1..8 vary with the number, so that responses of different sizes interleave.
    return {"INPUT0": np.full(1 + i % 8, i, np.float32)}


def repeat_inputs(i: int) -> dict:
    return {"IN": np.full(1 + i % 3, i, np.int32)}


def retained_rss_bytes() -> int:
    """Resident memory once the collector has run and malloc has handed its free pages back,
    so the figure tracks what is still in use, not what each thread's arena keeps cached."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


class Ledger:
    """What came back for each request number: final deliveries, stream parts, mismatches."""

    def __init__(self, total: int) -> None:
        self.total = total
        # Written through now (np.zeros' pages would become resident as requests complete, and
        # read as the client's growth).
        self.deliveries = np.full(total, 0, np.uint8)
        self.parts = np.full(total, 0, np.uint8)  # a stream request's IDX values seen, as bits
        self.per_style = dict.fromkeys(STYLES, 0)
        self.completed = 0
        self.mismatches: List[str] = []
        self.errors: List[str] = []
        self._lock = threading.Lock()

    def _final(self, style: str, i: int, problem: Optional[str]) -> None:
        with self._lock:
            self.deliveries[i] += 1
            self.per_style[style] += 1
            self.completed += 1
            if problem is not None:
                self.mismatches.append(f"request {i} ({style}): {problem}")

    def error(self, style: str, i: Optional[int], error: BaseException) -> None:
        """A failed request; without a number (a stream's error may name none) it stays lost."""
        with self._lock:
            self.errors.append(f"request {i} ({style}): {error!r}")
        if i is not None:
            self._final(style, i, None)

    def identity(self, style: str, i: int, result: Any) -> None:
        """The response of a unary identity call for request number i."""
        self._final(style, i, _identity_problem(i, result))

    def stream_part(self, result: Any) -> None:
        """One of repeat's responses: OUT = [the request's number], IDX = its element."""
        try:
            i, out, idx = int(result.id), int(result["OUT"][0]), int(result["IDX"][0])
            if not 0 <= i < self.total:
                raise ValueError("no such request")
        except Exception as error:  # no such request, or outputs missing: a mismatch
            with self._lock:
                self.mismatches.append(f"stream response {result.id!r}: {error!r}")
            return
        with self._lock:
            if out != i or not 0 <= idx < 1 + i % 3:
                self.mismatches.append(f"stream request {i}: OUT {out}, IDX {idx}")
            elif self.parts[i] & (1 << idx):
                self.mismatches.append(f"stream request {i}: IDX {idx} came twice")
            else:
                self.parts[i] |= 1 << idx

    def stream_final(self, i: int) -> None:
        """Repeat's empty final response: every element's response must have come before it."""
        expected = (1 << (1 + i % 3)) - 1
        self._final("streams", i, None if self.parts[i] == expected else f"parts {self.parts[i]:b} at the end")

    def counts(self) -> dict:
        with self._lock:
            return {"lost": int(np.count_nonzero(self.deliveries == 0)),
                    "duplicated": int(np.count_nonzero(self.deliveries > 1)),
                    "mismatched": len(self.mismatches), "errors": len(self.errors)}


def _identity_problem(i: int, result: Any) -> Optional[str]:
    try:
        if result.id != str(i):
            return f"response id {result.id!r}"
        if not np.array_equal(result["OUTPUT0"], identity_inputs(i)["INPUT0"]):
            return f"data {result['OUTPUT0']!r}"
    except Exception as error:  # a missing output is a mismatch too, not a dead worker
        return repr(error)
    return None


def in_flight_shares(in_flight: int) -> Dict[str, int]:
    """Each style's in-flight slots (streams: per stream)."""
    sync = max(1, in_flight // 32)
    streams = max(1, in_flight * 3 // 32)
    asyncio_tasks = max(1, in_flight * 3 // 8)
    callbacks = max(1, in_flight - sync - asyncio_tasks - streams * _STREAMS)
    return {"sync": sync, "callbacks": callbacks, "asyncio": asyncio_tasks, "streams": streams}


class Soak:
    def __init__(self, url: str, requests: int, in_flight: int) -> None:
        if not 0 < requests <= _MAX_REQUESTS:
            raise ValueError(f"requests must be in 1..{_MAX_REQUESTS}")
        self.url = url
        self.ledger = Ledger(requests)
        self.shares = in_flight_shares(in_flight)
        self._numbers = itertools.count()  # next() is atomic under the GIL

    def _next(self) -> Optional[int]:
        i = next(self._numbers)
        return i if i < self.ledger.total else None

    def run_sync(self, client: tritonlink.Client) -> None:
        while (i := self._next()) is not None:
            try:
                result = client.infer("identity", identity_inputs(i), request_id=str(i))
            except tritonlink.InferenceServerError as error:
                self.ledger.error("sync", i, error)
                continue
            self.ledger.identity("sync", i, result)

    def run_callbacks(self, client: tritonlink.Client) -> None:
        window = self.shares["callbacks"]
        slots = threading.Semaphore(window)

        def done(i: int, result: Any, error: Any) -> None:
            try:
                if error is None:
                    self.ledger.identity("callbacks", i, result)
                else:
                    self.ledger.error("callbacks", i, error)
            finally:
                slots.release()

        while True:
            slots.acquire()
            if (i := self._next()) is None:
                break
            client.async_infer("identity", identity_inputs(i), lambda r, e, i=i: done(i, r, e), request_id=str(i))
        for _ in range(window - 1):  # the one this loop holds is the last
            slots.acquire()

    def run_asyncio(self) -> None:
        async def worker(aclient: tritonlink.aio.AsyncClient) -> None:
            while (i := self._next()) is not None:
                try:
                    result = await aclient.infer("identity", identity_inputs(i), request_id=str(i))
                except tritonlink.InferenceServerError as error:
                    self.ledger.error("asyncio", i, error)
                    continue
                self.ledger.identity("asyncio", i, result)

        async def main() -> None:
            async with tritonlink.aio.AsyncClient(self.url) as aclient:
                await asyncio.gather(*(worker(aclient) for _ in range(self.shares["asyncio"])))

        asyncio.run(main())

    def run_stream(self, client: tritonlink.Client) -> None:
        """One stream, shares["streams"] requests outstanding on it: each final response sends
        the next."""
        with client.stream() as stream:
            def send() -> int:
                i = self._next()
                if i is None:
                    return 0
                stream.send("repeat", repeat_inputs(i), request_id=str(i), enable_empty_final_response=True)
                return 1

            outstanding = sum(send() for _ in range(self.shares["streams"]))
            while outstanding:
                try:
                    result = next(stream)
                except tritonlink.InferenceServerError as error:
                    # Its request's final response may never come: count it and stop this stream.
                    self.ledger.error("streams", int(error.request_id) if error.request_id else None, error)
                    return
                if result.is_final_response():
                    self.ledger.stream_final(int(result.id))
                    outstanding += send() - 1
                else:
                    self.ledger.stream_part(result)


def _sample_memory(ledger: Ledger, every: int, done: threading.Event, samples: list) -> None:
    """Samples resident memory each time another `every` requests have completed."""
    next_at = every
    while not done.wait(0.005):
        if ledger.completed >= next_at:
            samples.append((ledger.completed, retained_rss_bytes()))
            next_at += every


def run(url: str, requests: int = 1_000_000, in_flight: int = 256, sample_every: int = 50_000,
        warmup: Optional[int] = None) -> dict:
    """Runs the soak against the server at `url`; returns its summary (see `failures`)."""
    warmup = requests // 10 if warmup is None else warmup
    soak = Soak(url, requests, in_flight)
    idle_before = retained_rss_bytes()
    samples: List[tuple] = []
    done = threading.Event()
    sampler = threading.Thread(target=_sample_memory, args=(soak.ledger, sample_every, done, samples), daemon=True)
    client = tritonlink.Client(url)
    workers = [threading.Thread(target=soak.run_sync, args=(client,)) for _ in range(soak.shares["sync"])]
    workers += [threading.Thread(target=soak.run_callbacks, args=(client,)),
                threading.Thread(target=soak.run_asyncio)]
    workers += [threading.Thread(target=soak.run_stream, args=(client,)) for _ in range(_STREAMS)]
    start = time.perf_counter()
    sampler.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    idle_after = retained_rss_bytes()
    client.close()
    return summarize(soak, samples, warmup, elapsed, (idle_before, idle_after))


def growth_bytes(samples: List[tuple], warmup: int) -> Optional[float]:
    """How much resident memory grew under load after warm-up: the median of the last three
    samples against that of the first three. Any one sample moves by megabytes with what
    happens to be in flight; a leak moves them all."""
    after = [rss for completed, rss in samples if completed >= warmup]
    if len(after) < 2:
        return None
    return statistics.median(after[-3:]) - statistics.median(after[:3])


def summarize(soak: Soak, samples: List[tuple], warmup: int, elapsed: float, idle: tuple) -> dict:
    """`samples`: (completed, bytes) under load; `idle`: bytes before the client and after."""
    ledger = soak.ledger
    growth = growth_bytes(samples, warmup)
    summary = {
        "requests": ledger.total, "in_flight": soak.shares, "seconds": round(elapsed, 1),
        "requests_per_second": round(ledger.completed / elapsed), "per_style": dict(ledger.per_style),
        **ledger.counts(), "first_problems": (ledger.mismatches + ledger.errors)[:10],
        "rss_samples": [{"completed": c, "rss_mb": round(rss / 1e6, 2)} for c, rss in samples],
        "rss_idle_mb": {"before": round(idle[0] / 1e6, 2), "after": round(idle[1] / 1e6, 2)},
        "warmup": warmup, "growth_mb": None if growth is None else round(growth / 1e6, 2),
    }
    summary["failures"] = failures(summary, MAX_GROWTH_BYTES)
    return summary


def failures(summary: dict, max_growth_bytes: float) -> List[str]:
    found = [f"{summary[key]} {key}" for key in ("lost", "duplicated", "mismatched", "errors") if summary[key]]
    if summary["growth_mb"] is None:
        found.append("too few memory samples after warm-up")
    elif summary["growth_mb"] * 1e6 >= max_growth_bytes:
        found.append(f"resident memory grew {summary['growth_mb']} MB after warm-up")
    return found


def print_table(summary: dict) -> None:
    print(f"{'completed':>10} {'RSS MB':>8}")
    for sample in summary["rss_samples"]:
        print(f"{sample['completed']:>10,} {sample['rss_mb']:>8.2f}")
    print(f"idle before {summary['rss_idle_mb']['before']} MB, after {summary['rss_idle_mb']['after']} MB")
    print(f"{summary['requests']:,} requests in {summary['seconds']} s ({summary['requests_per_second']:,}/s), "
          f"per style {summary['per_style']}; lost {summary['lost']}, duplicated {summary['duplicated']}, "
          f"mismatched {summary['mismatched']}, errors {summary['errors']}; "
          f"growth after {summary['warmup']:,} warm-up: {summary['growth_mb']} MB")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--in-flight", type=int, default=256)
    parser.add_argument("--sample-every", type=int, default=50_000)
    parser.add_argument("--warmup", type=int, default=None, help="requests before the baseline (default: a tenth)")
    parser.add_argument("--json", help="also write the summary to this file")
    parser.add_argument("--url", help="a server already running (default: the embedded one, in a child process)")
    args = parser.parse_args(argv)

    def soak(url: str) -> dict:
        return run(url, args.requests, args.in_flight, args.sample_every, args.warmup)

    if args.url:
        summary = soak(args.url)
    else:
        from _servers import embedded_server

        with embedded_server() as url:
            summary = soak(url)
    print_table(summary)
    print(json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(summary, out, indent=2)
    for failure in summary["failures"]:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
