"""The ways of streaming with ModelStreamInfer that the benchmarks compare, tritonlink's and
tritonclient's, on the decoupled ``repeat`` model.

Each style has the signature of the ModelInfer styles (_workloads):
``style(clients, model, array, total, in_flight) -> Run``. Each request's IN is ``array`` (N
elements, so N responses); all ``total`` requests go on one stream with ``in_flight``
outstanding, the next sent when one's final response arrives; Run.count is the responses that
carry OUT, each read with ``as_numpy`` (N per request; the empty final response each request
ends with is read but not counted).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import tritonclient.grpc.aio as tc_aio

import tritonlink
import tritonlink.aio
from _workloads import Clients, Run, check_output, tritonclient_inputs

REPEAT_MODEL = "repeat"
REPEAT_INPUT, REPEAT_OUTPUT = "IN", "OUT"


def repeat_payload(responses: int) -> np.ndarray:
    """The repeat model's input: it answers with one response per element."""
    return np.arange(responses, dtype=np.int32)


class _StreamLoop:
    """The floor's closed loop on one stream: ``in_flight`` requests outstanding, the next one
    sent when one's final response arrives, until ``total`` have been sent."""

    def __init__(self, total: int, in_flight: int) -> None:
        self.total, self.in_flight = total, in_flight
        self.sent = self.outstanding = self.responses = 0

    def take_slot(self) -> bool:
        """Whether another request may go now; if so, it counts as sent."""
        if self.sent >= self.total or self.outstanding >= self.in_flight:
            return False
        self.sent += 1
        self.outstanding += 1
        return True

    def received(self, output: Optional[np.ndarray], final: bool) -> None:
        """One response: its OUT (None for the empty final one) and whether it ends its request."""
        if output is not None:
            check_output(output, 4)
            self.responses += 1
        if final:
            self.outstanding -= 1

    @property
    def done(self) -> bool:
        return self.sent >= self.total and self.outstanding == 0


def _tritonlink_stream_read(result: tritonlink.InferResult) -> tuple:
    return (None if result.is_null_response() else result[REPEAT_OUTPUT]), result.is_final_response()


def _tritonclient_stream_read(result: Any) -> tuple:
    # as_numpy is None for the empty final response, which has no outputs.
    parameters = result.get_response().parameters
    final = "triton_final_response" in parameters and parameters["triton_final_response"].bool_param
    return result.as_numpy(REPEAT_OUTPUT), final


class _StreamCallbacks:
    """The closed loop driven from a stream's callback, which runs on the client's own thread:
    each final response sends the next request, as the unary callback styles do."""

    def __init__(self, send: Callable[[], None], read: Callable[[Any], tuple], total: int, in_flight: int) -> None:
        self._send, self._read = send, read
        self._loop = _StreamLoop(total, in_flight)
        self._lock = threading.Lock()  # the caller's thread sends the first requests
        self._ended = threading.Event()
        self._errors: List[BaseException] = []

    def on_response(self, result: Any, error: Any) -> None:
        # Named result and error: tritonclient passes them by keyword.
        try:
            if error is not None:
                raise error
            output, final = self._read(result)
            with self._lock:
                self._loop.received(output, final)
                send_next = final and self._loop.take_slot()
                ended = self._loop.done
            if send_next:
                self._send()
            elif ended:
                self._ended.set()
        except BaseException as failure:  # noqa: BLE001 - a lost stream would hang the run
            self._errors.append(failure)
            self._ended.set()

    def run(self) -> Run:
        began = time.perf_counter()
        first = 0
        with self._lock:
            while self._loop.take_slot():
                first += 1
        for _ in range(first):
            self._send()
        self._ended.wait()
        elapsed = time.perf_counter() - began
        if self._errors:
            raise self._errors[0]
        return Run(self._loop.responses, elapsed)


def tritonlink_stream_iterator(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    """One thread sends and iterates: each final response sends the next request."""
    client = clients.tritonlink()
    loop = _StreamLoop(total, in_flight)
    with client.stream() as stream:
        began = time.perf_counter()

        def send_while_room() -> None:
            while loop.take_slot():
                stream.send(model, {REPEAT_INPUT: array}, enable_empty_final_response=True)

        send_while_room()
        for result in stream:
            loop.received(*_tritonlink_stream_read(result))
            if loop.done:
                break
            send_while_room()
        elapsed = time.perf_counter() - began
    if not loop.done:
        raise AssertionError(f"the stream ended with {loop.outstanding} requests unanswered")
    return Run(loop.responses, elapsed)


def tritonlink_stream_callbacks(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    client = clients.tritonlink()
    # chains is made before the first send, so before the first callback.
    with client.stream(callback=lambda result, error: chains.on_response(result, error)) as stream:
        chains = _StreamCallbacks(lambda: stream.send(model, {REPEAT_INPUT: array}, enable_empty_final_response=True),
                                  _tritonlink_stream_read, total, in_flight)
        return chains.run()


async def _tritonlink_stream_asyncio(client: tritonlink.aio.AsyncClient, model: str, array: np.ndarray, total: int,
                                     in_flight: int) -> Run:
    loop = _StreamLoop(total, in_flight)
    async with client.stream() as stream:
        began = time.perf_counter()

        async def send_while_room() -> None:
            while loop.take_slot():
                await stream.send(model, {REPEAT_INPUT: array}, enable_empty_final_response=True)

        await send_while_room()
        async for result in stream:
            loop.received(*_tritonlink_stream_read(result))
            if loop.done:
                break
            await send_while_room()
        elapsed = time.perf_counter() - began
    if not loop.done:
        raise AssertionError(f"the stream ended with {loop.outstanding} requests unanswered")
    return Run(loop.responses, elapsed)


def tritonlink_stream_asyncio(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    return clients.run(_tritonlink_stream_asyncio(clients.tritonlink_aio(), model, array, total, in_flight))


def tritonclient_stream_callbacks(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    """start_stream: tritonclient's one stream per client, its callback on the stream's thread."""
    client = clients.tritonclient()
    chains = _StreamCallbacks(
        lambda: client.async_stream_infer(model, tritonclient_inputs(array, REPEAT_INPUT, "INT32"),
                                          enable_empty_final_response=True),
        _tritonclient_stream_read, total, in_flight)
    client.start_stream(callback=chains.on_response)
    try:
        return chains.run()
    finally:
        client.stop_stream()


async def _tritonclient_stream_asyncio(client: tc_aio.InferenceServerClient, model: str, array: np.ndarray,
                                       total: int, in_flight: int) -> Run:
    """stream_infer takes an async iterator of requests; it cannot ask for the empty final
    response (parameters named triton_* are refused), so every N-th response ends a request
    instead. With one request in flight or one response per request that count is exact; it
    reads a message fewer per request than the other styles, which favours it."""
    loop = _StreamLoop(total, in_flight)
    room = asyncio.Event()

    async def requests():
        while True:
            while loop.take_slot():
                yield {"model_name": model, "inputs": tritonclient_inputs(array, REPEAT_INPUT, "INT32")}
            if loop.sent >= total:
                return  # half-closes the stream: it ends after the last response
            room.clear()
            await room.wait()

    began = time.perf_counter()
    elapsed = math.nan
    responses = client.stream_infer(requests())
    try:
        async for result, error in responses:
            if error is not None:
                raise error
            final = (loop.responses + 1) % array.size == 0
            loop.received(result.as_numpy(REPEAT_OUTPUT), final)
            if final:
                room.set()
            if loop.done:
                elapsed = time.perf_counter() - began
    finally:
        responses.cancel()  # after an error: or requests() would wait for room forever
    if not loop.done:
        raise AssertionError(f"the stream ended with {loop.outstanding} requests unanswered")
    return Run(loop.responses, elapsed)


def tritonclient_stream_asyncio(clients: Clients, model: str, array: np.ndarray, total: int, in_flight: int) -> Run:
    return clients.run(_tritonclient_stream_asyncio(clients.tritonclient_aio(), model, array, total, in_flight))


# Every style by name; "tritonclient callbacks" is start_stream, "tritonclient asyncio"
# is grpc.aio's stream_infer.
STREAM_STYLES: Dict[str, Callable[..., Run]] = {
    "tritonlink iterator": tritonlink_stream_iterator,
    "tritonlink callbacks": tritonlink_stream_callbacks,
    "tritonlink asyncio": tritonlink_stream_asyncio,
    "tritonclient callbacks": tritonclient_stream_callbacks,
    "tritonclient asyncio": tritonclient_stream_asyncio,
}
