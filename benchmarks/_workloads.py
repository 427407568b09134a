"""The ways of calling ModelInfer that the benchmarks compare, tritonlink's and tritonclient's
(ModelStreamInfer's are in _stream_workloads).

Each style is a function ``style(clients, model, array, total, in_flight) -> Run``: it sends
``total`` requests of ``array`` as INPUT0 to ``model``, keeps up to ``in_flight`` of them
outstanding, reads OUTPUT0 of every response as a numpy array (so decoding counts) and checks
its size. Both clients get the same treatment: inputs built per request from the numpy array,
results read with ``as_numpy``, clients and event loops made once and reused (see Clients).
"""

from __future__ import annotations

import asyncio
import collections
import functools
import itertools
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import tritonclient.grpc as tc
import tritonclient.grpc.aio as tc_aio

import tritonlink
import tritonlink.aio

MODEL = "identity"
SLEEP_MODEL = "sleep"
INPUT, OUTPUT = "INPUT0", "OUTPUT0"

KiB, MiB = 1024, 1024 * 1024


def identity_payload(nbytes: int) -> np.ndarray:
    """An FP32 vector of ``nbytes`` bytes for the identity model."""
    return np.ones(nbytes // 4, dtype=np.float32)


def sleep_payload(milliseconds: float) -> np.ndarray:
    """The sleep model's input: it waits that many milliseconds on the server."""
    return np.array([milliseconds], dtype=np.float32)


def size_label(nbytes: int) -> str:
    for unit, name in ((MiB, "MiB"), (KiB, "KiB")):
        if nbytes >= unit and nbytes % unit == 0:
            return f"{nbytes // unit} {name}"
    return f"{nbytes} B"


@dataclass
class Run:
    """What one run measured: requests completed, wall time, per-request latencies (s)."""

    count: int
    seconds: float
    latencies: List[float] = field(default_factory=list)

    @property
    def infer_per_s(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else math.nan

    def percentile_us(self, q: float) -> float:
        return percentile_us(self.latencies, q)


def percentile_us(latencies: List[float], q: float) -> float:
    """The q-quantile (0..1, nearest rank) of latencies in seconds, in microseconds."""
    if not latencies:
        return math.nan
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1e6


class Clients:
    """One of each client for a server URL, made on first use and kept, and one event loop
    that every asyncio run shares (an AsyncClient stays bound to the loop it first ran on)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.loop = asyncio.new_event_loop()
        self._made: Dict[str, Any] = {}

    def _get(self, kind: str, make: Callable[[], Any]) -> Any:
        if kind not in self._made:
            self._made[kind] = make()
        return self._made[kind]

    def tritonlink(self) -> tritonlink.Client:
        return self._get("tritonlink", lambda: tritonlink.Client(self.url))

    def tritonlink_with(self, **options: Any) -> tritonlink.Client:
        """A tritonlink client made with ``options`` (channels=, metrics=, tracing=), one per set of them."""
        key = "tritonlink " + " ".join(f"{k}={v}" for k, v in sorted(options.items()))
        return self._get(key, lambda: tritonlink.Client(self.url, **options))

    def tritonclient(self) -> tc.InferenceServerClient:
        return self._get("tritonclient", lambda: tc.InferenceServerClient(self.url))

    def tritonlink_aio(self) -> tritonlink.aio.AsyncClient:
        return self._get("tritonlink_aio", lambda: tritonlink.aio.AsyncClient(self.url))

    def tritonclient_aio(self) -> tc_aio.InferenceServerClient:
        # grpc.aio binds its channel to the running loop: make it inside ours.
        async def make():
            return tc_aio.InferenceServerClient(self.url)

        return self._get("tritonclient_aio", lambda: self.loop.run_until_complete(make()))

    def run(self, coroutine) -> Any:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        made, self._made = self._made, {}
        for kind, client in made.items():
            if kind.endswith("_aio"):
                self.loop.run_until_complete(client.close())
            else:
                client.close()
        self.loop.close()


# ---- one request, each client ----

def check_output(array: Optional[np.ndarray], nbytes: int) -> None:
    if array is None or array.nbytes != nbytes:
        got = None if array is None else array.nbytes
        raise AssertionError(f"expected an output of {nbytes} bytes, got {got}")


def tritonclient_inputs(array: np.ndarray, name: str = INPUT, datatype: str = "FP32") -> list:
    infer_input = tc.InferInput(name, list(array.shape), datatype)
    infer_input.set_data_from_numpy(array)
    return [infer_input]


def tritonlink_infer(client: tritonlink.Client, model: str, array: np.ndarray) -> None:
    check_output(client.infer(model, {INPUT: array}).as_numpy(OUTPUT), array.nbytes)


def tritonclient_infer(client: tc.InferenceServerClient, model: str, array: np.ndarray) -> None:
    check_output(client.infer(model, tritonclient_inputs(array)).as_numpy(OUTPUT), array.nbytes)


# ---- styles ----

def _sync_threads(call: Callable[[], None], total: int, in_flight: int) -> Run:
    """``in_flight`` threads each calling ``call`` in a loop (the caller's thread alone for 1)."""
    tickets = itertools.count()  # next() on a count is atomic under the GIL
    latencies: List[float] = []
    errors: List[BaseException] = []
    start_line = threading.Barrier(in_flight + 1) if in_flight > 1 else None

    def worker() -> None:
        if start_line is not None:
            start_line.wait()
        try:
            while next(tickets) < total:
                start = time.perf_counter()
                call()
                latencies.append(time.perf_counter() - start)
        except BaseException as error:  # noqa: BLE001 - re-raised by the caller's thread
            errors.append(error)

    if start_line is None:
        began = time.perf_counter()
        worker()
    else:
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(in_flight)]
        for thread in threads:
            thread.start()
        start_line.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return Run(len(latencies), elapsed, latencies)


def tritonlink_sync(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    client = clients.tritonlink()
    return _sync_threads(lambda: tritonlink_infer(client, model, array), total, in_flight)


def tritonclient_sync(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    client = clients.tritonclient()
    return _sync_threads(lambda: tritonclient_infer(client, model, array), total, in_flight)


def _callbacks(start_call: Callable[[Callable], None], nbytes: int, total: int, in_flight: int) -> Run:
    """Keeps ``in_flight`` calls going as the C++ floor does: each callback starts the next
    call, until ``total`` have been started (or one fails)."""
    tickets = itertools.count()  # next() on a count is atomic under the GIL
    chains = min(in_flight, total)
    chains_ended = itertools.count(1)
    all_ended = threading.Event()
    latencies: List[float] = []
    errors: List[BaseException] = []

    def launch() -> None:
        start_call(functools.partial(finish, time.perf_counter()))

    def finish(start: float, result: Any = None, error: Any = None) -> None:
        try:
            latencies.append(time.perf_counter() - start)
            if error is not None:
                errors.append(error)
            else:
                check_output(result.as_numpy(OUTPUT), nbytes)
            if not errors and next(tickets) < total:
                launch()
                return
        except BaseException as failure:  # noqa: BLE001 - a lost chain would hang the run
            errors.append(failure)
        if next(chains_ended) == chains:
            all_ended.set()

    began = time.perf_counter()
    for _ in range(chains):
        next(tickets)
        launch()
    all_ended.wait()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return Run(len(latencies), elapsed, latencies)


def tritonlink_callbacks(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    client = clients.tritonlink()
    return _callbacks(lambda done: client.async_infer(model, {INPUT: array}, done), array.nbytes, total, in_flight)


def tritonclient_callbacks(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    client = clients.tritonclient()
    return _callbacks(lambda done: client.async_infer(model, tritonclient_inputs(array), done), array.nbytes,
                      total, in_flight)


def tritonlink_futures(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    """submit() futures, oldest awaited first; a latency ends when its result() returns."""
    client = clients.tritonlink()
    pending: collections.deque = collections.deque()
    latencies: List[float] = []

    def settle_oldest() -> None:
        start, future = pending.popleft()
        check_output(future.result().as_numpy(OUTPUT), array.nbytes)
        latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    for _ in range(total):
        if len(pending) >= in_flight:
            settle_oldest()
        pending.append((time.perf_counter(), client.submit(model, {INPUT: array})))
    while pending:
        settle_oldest()
    return Run(len(latencies), time.perf_counter() - began, latencies)


def tritonlink_infer_many(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    """infer_many over ``total`` requests; it reports no per-request latency."""
    client = clients.tritonlink()
    began = time.perf_counter()
    results = client.infer_many([(model, {INPUT: array})] * total, max_in_flight=in_flight)
    for result in results:
        check_output(result.as_numpy(OUTPUT), array.nbytes)
    return Run(len(results), time.perf_counter() - began)


async def _workers(infer: Callable[[], Any], nbytes: int, total: int, in_flight: int) -> Run:
    """``in_flight`` coroutines, each awaiting one call after another until ``total`` have
    been started: the floor's closed loop, in asyncio."""
    tickets = itertools.count()
    latencies: List[float] = []

    async def worker() -> None:
        while next(tickets) < total:
            start = time.perf_counter()
            result = await infer()
            latencies.append(time.perf_counter() - start)
            check_output(result.as_numpy(OUTPUT), nbytes)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(in_flight, total))))
    return Run(len(latencies), time.perf_counter() - began, latencies)


def tritonlink_asyncio(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    client = clients.tritonlink_aio()
    return clients.run(_workers(lambda: client.infer(model, {INPUT: array}), array.nbytes, total, in_flight))


def tritonclient_asyncio(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    client = clients.tritonclient_aio()
    return clients.run(_workers(lambda: client.infer(model, tritonclient_inputs(array)), array.nbytes, total,
                               in_flight))


# Every style by name: (client, style) -> function.
STYLES: Dict[str, Callable[..., Run]] = {
    "tritonlink sync": tritonlink_sync,
    "tritonlink callbacks": tritonlink_callbacks,
    "tritonlink futures": tritonlink_futures,
    "tritonlink asyncio": tritonlink_asyncio,
    "tritonlink infer_many": tritonlink_infer_many,
    "tritonclient sync": tritonclient_sync,
    "tritonclient callbacks": tritonclient_callbacks,
    "tritonclient asyncio": tritonclient_asyncio,
}
