"""The README's demo: the embedded server, two models, and a latency figure per client."""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from ._client import Client
from .testing import Server


def p50_microseconds(call: Callable[[], object], iterations: int, warmup: int = 100) -> float:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return float(np.median(samples)) * 1e6


def _tritonclient_call(url: str, payload: np.ndarray) -> Callable[[], object]:
    import tritonclient.grpc as grpcclient

    client = grpcclient.InferenceServerClient(url)
    inp = grpcclient.InferInput("INPUT0", list(payload.shape), "FP32")
    inp.set_data_from_numpy(payload)
    return lambda: client.infer("identity", [inp])


def run(iterations: int = 1000) -> None:
    with Server() as server, Client(server.url) as client:
        print(f"embedded Triton-protocol server on {server.url}")

        x = np.arange(16, dtype=np.float32)
        result = client.infer("identity", {"INPUT0": x})
        print(f"identity  OUTPUT0 = {result['OUTPUT0']}")

        a, b = np.full(16, 10, dtype=np.float32), np.arange(16, dtype=np.float32)
        result = client.infer("add_sub", {"INPUT0": a, "INPUT1": b})
        print(f"add_sub   OUTPUT0 (a+b) = {result['OUTPUT0']}")
        print(f"add_sub   OUTPUT1 (a-b) = {result['OUTPUT1']}")

        inputs = {"INPUT0": x}
        figures = [f"tritonlink {p50_microseconds(lambda: client.infer('identity', inputs), iterations):.0f} us"]
        try:
            call = _tritonclient_call(server.url, x)
        except ImportError:
            figures.append("tritonclient not installed")
        else:
            figures.append(f"tritonclient {p50_microseconds(call, iterations):.0f} us")
        print(f"identity 16 x FP32, p50 over {iterations} calls: " + ", ".join(figures))
