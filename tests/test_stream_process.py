"""Streams as the process sees them: a server killed mid-stream ends every waiter, a forgotten
stream does not keep the process alive, and a slow consumer keeps memory flat."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import tritonlink
from tritonlink.aio import AsyncClient

from real_triton import RealTritonServer
from test_async_process import _retained_rss_bytes

SLOW = {"IN": np.arange(5, dtype=np.int32), "DELAY_MS": np.full(5, 5000, np.uint32)}


def _start_embedded_child(port: int = 0):
    proc = subprocess.Popen([sys.executable, "-m", "tritonlink", "serve", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    match = re.search(r"listening on (\S+)", proc.stdout.readline())
    assert match
    return proc, match.group(1)


# What the tests that kill a server use; a real Triton loads only these: it starts faster, and
# a killed one leaves fewer Python-backend shared-memory regions behind.
KILLABLE_MODELS = ["repeat", "sleep"]


class _KillableServer:
    """A server of the given kind in a process of its own, for killing."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __enter__(self):
        if self.kind == "embedded":
            self._proc, self.url = _start_embedded_child()
            self.pid = self._proc.pid
        else:
            self._triton = RealTritonServer(model_control_mode="explicit", load_models=KILLABLE_MODELS).__enter__()
            self.url, self.pid = self._triton.grpc_url, self._triton.pid
        return self

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def restart(self) -> None:
        """Starts the server again on the same port (after kill())."""
        if self.kind == "embedded":
            self._reap_embedded()
            self._proc, url = _start_embedded_child(int(self.url.rsplit(":", 1)[1]))
            assert url == self.url
            self.pid = self._proc.pid
        else:
            self._triton.restart()
            self.pid = self._triton.pid

    def _reap_embedded(self) -> None:
        self._proc.kill()
        self._proc.wait(10)
        self._proc.stdout.close()

    def __exit__(self, *exc_info) -> None:
        if self.kind == "embedded":
            self._reap_embedded()
        else:
            self._triton.__exit__(*exc_info)


@pytest.mark.parametrize("kind", ["embedded", pytest.param("triton", marks=pytest.mark.real_triton)])
@pytest.mark.timing
def test_a_server_killed_mid_stream_ends_every_waiter_with_an_unavailable_error(kind):
    # Measured: every waiter ended 0.01-0.02 s after the kill; 10 s allowed.
    with _KillableServer(kind) as server:
        client = tritonlink.Client(server.url)
        iterated = client.stream()
        iterated.send("repeat", SLOW)
        callback_errors = []
        called = threading.Event()

        def on_response(result, error):
            callback_errors.append(error)
            called.set()

        with_callback = client.stream(callback=on_response)
        with_callback.send("repeat", SLOW)
        reader_errors = []
        reader = threading.Thread(target=lambda: reader_errors.append(
            pytest.raises(tritonlink.ServerUnavailableError, next, iterated)))
        reader.start()

        async def await_one():
            async with AsyncClient(server.url) as aclient:
                async with aclient.stream() as stream:
                    await stream.send("repeat", SLOW)
                    server_ready.set()
                    with pytest.raises(tritonlink.ServerUnavailableError):
                        await stream.__anext__()
                    return True

        server_ready = threading.Event()
        async_result = []
        task_thread = threading.Thread(target=lambda: async_result.append(asyncio.run(await_one())))
        task_thread.start()
        assert server_ready.wait(10)
        time.sleep(0.3)
        start = time.monotonic()
        server.kill()
        reader.join(10)
        task_thread.join(10)
        assert called.wait(10)
        elapsed = time.monotonic() - start
        assert len(reader_errors) == 1 and async_result == [True]
        assert len(callback_errors) == 1 and isinstance(callback_errors[0], tritonlink.ServerUnavailableError)
        assert elapsed < 10
        client.close()


@pytest.mark.timing
def test_a_program_that_never_closes_its_stream_still_exits(server):
    # Measured: the child exited in 0.25-0.42 s; 20 s allowed.
    code = f"""
import numpy as np, tritonlink
c = tritonlink.Client({server.url!r})
s = c.stream()
s.send("repeat", {{"IN": np.arange(3, dtype=np.int32), "DELAY_MS": np.full(3, 60000, np.uint32)}})
c.stream(callback=lambda r, e: None).send("repeat", {{"IN": np.arange(3, dtype=np.int32)}})
print("exiting")
"""
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "exiting"
    assert time.monotonic() - start < 20


# Margin: measured +0.0 MB paused and at the end (2026-12-02) against the 2 MB and 4 MB limits.
@pytest.mark.memory
def test_a_slow_consumer_of_100k_responses_keeps_resident_memory_flat(subprocess_server):
    """The server runs in another process, so this process's memory is the client's alone; it
    streams far faster than the consumer reads, and only max_buffered responses may pile up."""
    # gRPC's BDP probing grows the HTTP/2 window with the measured bandwidth, to more than the
    # ~12 MB this whole stream is on the wire; with it off the window stays fixed, so what the
    # transport takes in while nobody reads shows as flat.
    client = tritonlink.Client(subprocess_server[1], channel_args={"grpc.http2.bdp_probe": 0})
    total = 100_000
    with client.stream(max_buffered=64) as stream:
        stream.send("repeat", {"IN": np.arange(total, dtype=np.int32)}, enable_empty_final_response=True)
        for _ in range(2_000):
            next(stream)
        before = _retained_rss_bytes()
        # Nothing is read meanwhile; the server has 98,000 responses left to send.
        time.sleep(1.0)
        paused_early = _retained_rss_bytes()
        time.sleep(1.5)
        paused_late = _retained_rss_bytes()
        received = 2_000
        for result in stream:
            if result.is_final_response():
                break
            assert int(result["IDX"][0]) == received
            received += 1
            if received % 10_000 == 0:
                time.sleep(0.2)
        after = _retained_rss_bytes()
    client.close()
    assert received == total
    print(f"resident memory growth: {(paused_early - before) / 1e6:.1f} MB after 1 s paused, "
          f"{(paused_late - before) / 1e6:.1f} MB after 2.5 s, {(after - before) / 1e6:.1f} MB after {total} responses")
    assert paused_early - before < 2e6 and paused_late - before < 2e6
    assert after - before < 4e6  # unbounded, 98,000 unread responses would hold ~100 MB
