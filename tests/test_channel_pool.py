"""Client(url, channels=N): calls spread over N connections of their own; a stream keeps one."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

import tritonlink
from tritonlink.aio import AsyncClient
from tritonlink.testing import Server

INPUTS = {"INPUT0": np.arange(4, dtype=np.float32)}


def test_sync_calls_spread_over_n_distinct_connections():
    with Server() as server, tritonlink.Client(server.url, channels=4) as client:
        for _ in range(8):
            client.infer("identity", INPUTS)
        assert len(server.peers()) == 4


def test_one_channel_is_one_connection():
    with Server() as server, tritonlink.Client(server.url, channels=1) as client:
        for _ in range(8):
            client.infer("identity", INPUTS)
        assert len(server.peers()) == 1


def test_async_calls_and_streams_share_the_pool():
    with Server() as server, tritonlink.Client(server.url, channels=3) as client:
        futures = [client.submit("identity", INPUTS) for _ in range(6)]
        for future in futures:
            future.result(timeout=10)
        with client.stream() as stream:  # one call: one connection for all its requests
            for _ in range(4):
                stream.send("identity", INPUTS)
            stream.close()
            assert len(list(stream)) == 4
        assert len(server.peers()) == 3


def test_asyncio_client_spreads_over_its_channels():
    async def run(url):
        async with AsyncClient(url, channels=2) as client:
            await asyncio.gather(*(client.infer("identity", INPUTS) for _ in range(4)))

    with Server() as server:
        asyncio.run(run(server.url))
        assert len(server.peers()) == 2


def test_pooled_client_answers_on_both_servers(server):
    with tritonlink.Client(server.url, channels=3) as client:
        for _ in range(6):
            np.testing.assert_array_equal(client.infer("identity", INPUTS)["OUTPUT0"], INPUTS["INPUT0"])
        futures = [client.submit("identity", INPUTS) for _ in range(6)]
        assert all(f.result(timeout=10)["OUTPUT0"].shape == (4,) for f in futures)


@pytest.mark.parametrize("channels", [0, -1, 65, True, 2.0, "2"])
def test_channels_outside_1_to_64_are_refused(channels):
    with pytest.raises(ValueError, match="channels"):
        tritonlink.Client("127.0.0.1:1", channels=channels)
