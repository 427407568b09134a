"""``bench``: latency and throughput of one model at a chosen concurrency.

Requests are kept ``--concurrency`` in flight with async_infer (each completion starts the
next), for ``--requests`` requests or ``--duration`` seconds. Inputs come from ``--input``
(as ``infer`` takes them) or are made from the model's metadata at ``--payload-bytes``.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import Any, Callable, Optional, TypeVar

import numpy as np

from .._client import Client
from .._datatypes import numpy_dtype
from . import _connect, bench_report
from .infer import parse_inputs


def metadata_inputs(metadata: dict[str, Any], payload_bytes: int) -> dict[str, Any]:
    """Zero-filled inputs shaped by the metadata: a variable (-1) dimension holds as many
    elements as make about `payload_bytes` per input, the next ones 1."""
    inputs = {}
    for tensor in metadata.get("inputs", []):
        datatype = tensor["datatype"]
        element_size = 1 if datatype == "BYTES" else numpy_dtype(datatype, f"input '{tensor['name']}'").itemsize
        shape, filled = [], False
        for dim in (int(d) for d in tensor["shape"]):
            if dim >= 0:
                shape.append(dim)
            else:
                shape.append(1 if filled else max(1, payload_bytes // element_size))
                filled = True
        if datatype == "BYTES":
            inputs[tensor["name"]] = np.full(shape, b"x", dtype=np.object_)
        else:
            inputs[tensor["name"]] = np.zeros(shape, numpy_dtype(datatype))
    return inputs


class ClosedLoop:
    """`concurrency` requests in flight until `requests` are started or `duration` passes;
    records (completion time, latency) of each success, counts the failures."""

    def __init__(self, client: Client, model: str, inputs: dict[str, Any], concurrency: int, requests: Optional[int],
                 duration: Optional[float]) -> None:
        self._client, self._model, self._inputs = client, model, inputs
        self._concurrency, self._limit, self._duration = concurrency, requests, duration
        self._lock = threading.Lock()
        self._started = self._in_flight = 0
        self.samples: list[Any] = []  # (seconds since start, latency in seconds)
        self.errors = 0
        self.first_error: Optional[BaseException] = None
        self.done = threading.Event()

    def run(self) -> None:
        self.begin = time.perf_counter()
        self._deadline = None if self._duration is None else self.begin + self._duration
        for _ in range(self._concurrency):
            self._next()

    def _next(self) -> None:
        with self._lock:
            if (self._limit is not None and self._started >= self._limit) or \
                    (self._deadline is not None and time.perf_counter() >= self._deadline):
                if self._in_flight == 0:
                    self.done.set()
                return
            self._started += 1
            self._in_flight += 1
        start = time.perf_counter()
        try:
            self._client.async_infer(self._model, self._inputs, lambda result, error: self._finished(start, error))
        except Exception as error:  # refused before sending (bad inputs, closed client): stop starting
            with self._lock:
                self._in_flight -= 1
                self.errors += 1
                self.first_error = self.first_error or error
                self._limit = self._started
                if self._in_flight == 0:
                    self.done.set()

    def _finished(self, start: float, error: Optional[BaseException]) -> None:
        now = time.perf_counter()
        with self._lock:
            self._in_flight -= 1
            if error is None:
                self.samples.append((now - self.begin, now - start))
            else:
                self.errors += 1
                self.first_error = self.first_error or error
        self._next()

    def progress(self) -> float:
        """How far the run is, from 0 to 1."""
        if self._limit is not None:
            return (len(self.samples) + self.errors) / self._limit
        assert self._duration is not None  # a run has a number of requests or a duration
        return min(1.0, (time.perf_counter() - self.begin) / self._duration)


def _wait_with_progress(loop: ClosedLoop, show: bool) -> None:
    bar = bench_report.progress_bar() if show else None
    if bar is None:
        loop.done.wait()
        return
    with bar as progress:
        task = progress.add_task("bench", total=1000)
        while not loop.done.wait(0.1):
            progress.update(task, completed=int(loop.progress() * 1000))
        progress.update(task, completed=1000)


def _bench(args: argparse.Namespace) -> int:
    with _connect.client(args) as client:
        metadata = client.get_model_metadata(args.model, client_timeout=args.timeout)
        inputs = parse_inputs(args.input, metadata) if args.input else metadata_inputs(metadata, args.payload_bytes)
        for _ in range(args.warmup):
            client.infer(args.model, inputs, client_timeout=args.timeout)
        duration = None if args.requests else args.duration
        loop = ClosedLoop(client, args.model, inputs, args.concurrency, args.requests, duration)
        loop.run()
        _wait_with_progress(loop, args.progress if args.progress is not None else sys.stderr.isatty())
        wall = time.perf_counter() - loop.begin
    summary = bench_report.summarize(loop.samples, loop.errors, wall, args.concurrency)
    summary.update(model=args.model, url=args.url)
    print(bench_report.table(summary))
    if args.json:
        bench_report.write_json(summary, args.json)
    if args.plot and not bench_report.plot(loop.samples, args.plot):
        print("tritonlink bench: matplotlib is not installed: no plot written", file=sys.stderr)
    if loop.errors:
        print(f"tritonlink bench: {loop.errors} requests failed, the first: {loop.first_error}", file=sys.stderr)
        return 1
    return 0


_Number = TypeVar("_Number", bound=float)


def _positive(kind: Callable[[str], _Number]) -> Callable[[str], _Number]:
    def parse(text: str) -> _Number:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    bench = commands.add_parser("bench", help="latency percentiles and throughput of a model at a concurrency",
                                description=__doc__)
    _connect.add_url(bench)
    bench.add_argument("model", metavar="MODEL")
    bench.add_argument("--concurrency", type=_positive(int), default=1, metavar="N",
                       help="requests kept in flight (default 1: latency)")
    bench.add_argument("--requests", type=_positive(int), metavar="N", help="run N requests (instead of --duration)")
    bench.add_argument("--duration", type=_positive(float), default=5.0, metavar="SECONDS",
                       help="run this long (default 5)")
    bench.add_argument("--payload-bytes", type=_positive(int), default=64, metavar="BYTES",
                       help="bytes per input when inputs are made from the metadata (default 64)")
    bench.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy|JSON",
                       help="use this input instead (as infer takes it); repeat")
    bench.add_argument("--warmup", type=int, default=10, metavar="N", help="requests before measuring (default 10)")
    bench.add_argument("--json", metavar="FILE", help="write the summary as JSON to FILE ('-': stdout)")
    bench.add_argument("--plot", metavar="FILE.png",
                       help="write a latency histogram and throughput over time (needs matplotlib)")
    bench.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="a live progress bar (needs rich; default: when stderr is a terminal)")
    bench.set_defaults(run=_bench)
