"""wait_for_server_ready and wait_for_model_ready, on Client and AsyncClient: they return once
ready, wait for a server that is not up yet, and give up with TimeoutError."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

import tritonlink
from tritonlink.aio import AsyncClient


@pytest.mark.timing
def test_a_ready_server_and_model_return_at_once(client):
    # Measured: 3-6 ms; 5 s allowed.
    start = time.monotonic()
    client.wait_for_server_ready(timeout=10)
    client.wait_for_model_ready("identity", timeout=10)
    client.wait_for_model_ready("add_sub", "1", timeout=10)
    assert time.monotonic() - start < 5


def test_the_asyncio_client_waits_the_same_way(server):
    async def wait():
        async with AsyncClient(server.url) as aclient:
            await aclient.wait_for_server_ready(timeout=10)
            await aclient.wait_for_model_ready("identity", timeout=10)
            with pytest.raises(TimeoutError, match="no_such_model"):
                await aclient.wait_for_model_ready("no_such_model", timeout=0.3)
    asyncio.run(wait())


@pytest.mark.timing
def test_a_model_that_never_becomes_ready_times_out(client):
    # The lower bound holds by design (it waits its whole timeout); measured 0.500-0.502 s,
    # 3 s allowed.
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="model 'no_such_model' not ready within 0.5 s"):
        client.wait_for_model_ready("no_such_model", timeout=0.5)
    assert 0.5 <= time.monotonic() - start < 3


def test_an_unreachable_server_times_out_naming_the_last_error():
    with tritonlink.Client("127.0.0.1:1") as client:
        with pytest.raises(TimeoutError, match="UNAVAILABLE"):
            client.wait_for_server_ready(timeout=0.5)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_it_waits_for_a_server_that_starts_later():
    port = _free_port()
    started = threading.Event()
    stop = threading.Event()

    def serve_later():
        time.sleep(0.5)
        with tritonlink.testing.Server(port=port):
            started.set()
            stop.wait(30)

    thread = threading.Thread(target=serve_later)
    thread.start()
    try:
        with tritonlink.Client(f"127.0.0.1:{port}") as client:
            client.wait_for_server_ready(timeout=20, poll_interval=0.05)
            assert started.is_set() and client.is_server_ready()
    finally:
        stop.set()
        thread.join(30)


@pytest.mark.parametrize("bad", [0, -1, "1", True])
def test_the_timeout_and_poll_interval_must_be_positive_numbers(embedded_client, bad):
    with pytest.raises(ValueError, match="timeout"):
        embedded_client.wait_for_server_ready(timeout=bad)
    with pytest.raises(ValueError, match="poll_interval"):
        embedded_client.wait_for_server_ready(poll_interval=bad)
