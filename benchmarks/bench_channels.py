"""One connection against a pool of them (Client(url, channels=N)): callbacks and sync threads
at many requests in flight, small and large payloads. The default of `channels` comes from here
(see README's benchmark notes)."""

from __future__ import annotations

import pytest

import _workloads as w

CASES = [(64, 256, 4000), (w.MiB, 64, 400)]  # (bytes, in flight, requests per run)
CHANNELS = [1, 2, 4]


def pooled_callbacks(channels: int):
    def style(clients, model, array, total, in_flight):
        client = clients.tritonlink_pool(channels)
        return w._callbacks(lambda done: client.async_infer(model, {w.INPUT: array}, done), array.nbytes, total,
                            in_flight)

    return style


def pooled_sync(channels: int):
    def style(clients, model, array, total, in_flight):
        client = clients.tritonlink_pool(channels)
        return w._sync_threads(lambda: w.tritonlink_infer(client, model, array), total, in_flight)

    return style


STYLES = {"callbacks": pooled_callbacks, "sync": pooled_sync}


@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize("nbytes, in_flight, total", CASES, ids=[f"{w.size_label(n)} x{k}" for n, k, _ in CASES])
@pytest.mark.parametrize("style", list(STYLES))
def test_channel_pool_throughput(time_runs, style, nbytes, in_flight, total, channels):
    time_runs(STYLES[style](channels), w.MODEL, w.identity_payload(nbytes), total, in_flight)
