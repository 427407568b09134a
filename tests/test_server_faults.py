"""Server faults as a client sees them: a server killed with unary requests in flight fails every
pending call, callback, future and asyncio task with ServerUnavailableError well within its
deadline; the same client works again once the server is back on the same port; a listener
that accepts connections and never speaks is cut off by client_timeout. (Streams: see
test_stream_process.py, whose killable servers these tests share.)"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import threading
import time

import numpy as np
import pytest

import tritonlink
from tritonlink.aio import AsyncClient

from test_stream_process import _KillableServer

LONG_SLEEP = {"INPUT0": np.array([20000.0], np.float32)}  # outlasts the test unless the kill ends it
QUICK = {"INPUT0": np.array([1.0], np.float32)}
DEADLINE = 30.0
KINDS = ["embedded", pytest.param("triton", marks=pytest.mark.real_triton)]


class _Outcome:
    """What one pending call ended with, and how long after the kill."""

    def __init__(self) -> None:
        self.error = None
        self.at = None
        self.done = threading.Event()

    def settle(self, error) -> None:
        self.error, self.at = error, time.monotonic()
        self.done.set()


def _start_every_kind_of_call(client, url):
    """A sync call, a callback, a future and an asyncio task, all on the sleep model."""
    sync, callback, future, task = _Outcome(), _Outcome(), _Outcome(), _Outcome()

    def call_sync():
        try:
            client.infer("sleep", LONG_SLEEP, client_timeout=DEADLINE)
        except Exception as error:  # noqa: BLE001 - the test checks which
            sync.settle(error)

    client.async_infer("sleep", LONG_SLEEP, lambda result, error: callback.settle(error), client_timeout=DEADLINE)
    pending_future = client.submit("sleep", LONG_SLEEP, client_timeout=DEADLINE)
    pending_future.add_done_callback(lambda f: future.settle(f.exception()))

    async def call_asyncio():
        async with AsyncClient(url) as aclient:
            started.set()
            try:
                await aclient.infer("sleep", LONG_SLEEP, client_timeout=DEADLINE)
            except Exception as error:  # noqa: BLE001 - the test checks which
                task.settle(error)

    started = threading.Event()
    threads = [threading.Thread(target=call_sync), threading.Thread(target=lambda: asyncio.run(call_asyncio()))]
    for thread in threads:
        thread.start()
    assert started.wait(10)
    return {"sync": sync, "callback": callback, "future": future, "asyncio": task}, threads


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.timing
def test_a_server_killed_with_requests_in_flight_fails_each_with_unavailable(kind):
    # Measured: each call failed 0.01-0.02 s after the kill; 10 s allowed.
    with _KillableServer(kind) as server, tritonlink.Client(server.url) as client:
        client.infer("sleep", QUICK)  # connected and warm
        outcomes, threads = _start_every_kind_of_call(client, server.url)
        time.sleep(0.5)  # every call reaches the server
        killed_at = time.monotonic()
        server.kill()
        for thread in threads:
            thread.join(DEADLINE)
        for name, outcome in outcomes.items():
            assert outcome.done.wait(DEADLINE), f"{name} never ended"
            assert isinstance(outcome.error, tritonlink.ServerUnavailableError), (name, outcome.error)
            assert outcome.error.may_have_executed and not outcome.error.safe_to_retry, name
            assert outcome.at - killed_at < 10, f"{name} took {outcome.at - killed_at:.1f} s"


def _infer_until_it_answers(client, seconds: float) -> float:
    """Retries a quick infer while the server comes back; the seconds it took."""
    start = time.monotonic()
    while True:
        try:
            client.infer("sleep", QUICK, client_timeout=5)
            return time.monotonic() - start
        except tritonlink.ServerUnavailableError:
            if time.monotonic() - start > seconds:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_client_works_again_once_the_server_is_back_on_its_port(kind):
    with _KillableServer(kind) as server, tritonlink.Client(server.url) as client:
        client.infer("sleep", QUICK)
        server.kill()
        with pytest.raises(tritonlink.ServerUnavailableError):
            for _ in range(50):  # the first calls may still find the old connection closing
                client.infer("sleep", QUICK, client_timeout=5)
                time.sleep(0.1)
        server.restart()
        _infer_until_it_answers(client, 30)
        result = client.infer("sleep", QUICK)
        np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), QUICK["INPUT0"])
        assert client.submit("sleep", QUICK).result(timeout=10) is not None


@pytest.fixture
def silent_listener():
    """A TCP listener whose connections are accepted and never answered: no HTTP/2, no bytes."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except socket.timeout:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for connection in accepted:
        connection.close()
    listener.close()


def _raised_by(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the test checks which
        return error
    raise AssertionError("no error")


@pytest.mark.timing
def test_a_listener_that_never_speaks_makes_each_deadline_fire(silent_listener):
    # Measured: 0.50-0.63 s for a 0.5 s deadline; 5 s allowed.
    def callback_error():
        box = concurrent.futures.Future()
        client.async_infer("sleep", QUICK, lambda result, error: box.set_result(error), client_timeout=0.5)
        raise box.result(timeout=10)

    async def infer_asyncio():
        async with AsyncClient(silent_listener) as aclient:
            await aclient.infer("sleep", QUICK, client_timeout=0.5)

    with tritonlink.Client(silent_listener) as client:
        calls = {
            "sync": lambda: client.infer("sleep", QUICK, client_timeout=0.5),
            "callback": callback_error,
            "future": lambda: client.submit("sleep", QUICK, client_timeout=0.5).result(timeout=10),
            "control": lambda: client.is_server_live(client_timeout=0.5),
            "asyncio": lambda: asyncio.run(infer_asyncio()),
        }
        for name, call in calls.items():
            start = time.monotonic()
            error = _raised_by(call)
            assert isinstance(error, tritonlink.DeadlineExceededError), (name, error)
            assert time.monotonic() - start < 5, name
