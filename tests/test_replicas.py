"""Several replicas behind one client: gRPC's round_robin over a list of addresses."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import tritonlink
from tritonlink._targets import ROUND_ROBIN_SERVICE_CONFIG, grpc_target
from tritonlink.errors import InferenceServerError, StatusCode
from tritonlink.testing import Server

INPUTS = {"INPUT0": np.arange(4, dtype=np.float32)}
# Reconnect quickly, so a replica that comes back is in rotation within the test's patience.
FAST_RECONNECT = {"grpc.initial_reconnect_backoff_ms": 100, "grpc.min_reconnect_backoff_ms": 100,
                  "grpc.max_reconnect_backoff_ms": 200}


def inference_count(server: Server) -> int:
    with tritonlink.Client(server.url) as control:
        stats = control.get_inference_statistics("identity")["model_stats"][0]
    return stats.get("inference_count", 0)


def test_a_list_of_addresses_is_one_ipv4_target():
    assert grpc_target(["127.0.0.1:1", "10.0.0.2:8001"]) == "ipv4:127.0.0.1:1,10.0.0.2:8001"
    assert grpc_target(["[::1]:1", "[::1]:2"]) == "ipv6:[::1]:1,[::1]:2"


@pytest.mark.parametrize("url, error", [([], ValueError), (["127.0.0.1"], ValueError), ([8001], TypeError),
                                        (["127.0.0.1:1", "[::1]:2"], ValueError), (3, TypeError)])
def test_bad_address_lists_are_refused(url, error):
    with pytest.raises(error):
        tritonlink.Client(url)


def test_round_robin_applies_to_replica_targets_only():
    from tritonlink._targets import is_balanced
    assert is_balanced("ipv4:127.0.0.1:1,127.0.0.1:2") and is_balanced("dns:///triton.svc:8001")
    assert not is_balanced("localhost:8001")
    assert "round_robin" in ROUND_ROBIN_SERVICE_CONFIG


@pytest.fixture
def three_servers():
    servers = [Server().start() for _ in range(3)]
    yield servers
    for server in servers:
        server.stop()


def test_load_spreads_over_every_replica(three_servers):
    with tritonlink.Client([s.url for s in three_servers]) as client:
        for _ in range(30):
            client.infer("identity", INPUTS)
        futures = [client.submit("identity", INPUTS) for _ in range(30)]
        for future in futures:
            future.result(timeout=10)
    counts = [inference_count(s) for s in three_servers]
    assert sum(counts) == 60
    assert all(count >= 10 for count in counts), counts


class Load:
    """Threads sending sync infers until stopped, counting successes and failures."""

    def __init__(self, client: tritonlink.Client, threads: int = 4) -> None:
        self.client, self.ok, self.failed = client, 0, []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run) for _ in range(threads)]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.client.infer("identity", INPUTS, client_timeout=5)
                with self._lock:
                    self.ok += 1
            except InferenceServerError as error:
                with self._lock:
                    self.failed.append(error)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def wait_until(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


# identity is idempotent: a request cut off on the stopped replica may be sent again. A server
# shutting down cancels the requests it had not started yet: CANCELLED from the server.
RETRY_ON_ANOTHER_REPLICA = tritonlink.RetryPolicy(max_attempts=5, retry_after_send=True,
                                                  retry_on=(StatusCode.UNAVAILABLE, StatusCode.CANCELLED))


@pytest.mark.parametrize("retry", [None, RETRY_ON_ANOTHER_REPLICA], ids=["no_retry", "retry"])
def test_a_stopped_replica_leaves_rotation_and_rejoins_when_restarted(three_servers, retry):
    threads = 4
    urls = [s.url for s in three_servers]
    with tritonlink.Client(urls, channel_args=FAST_RECONNECT, retry=retry) as client:
        load = Load(client, threads)
        try:
            assert wait_until(lambda: all(inference_count(s) > 0 for s in three_servers))
            victim = three_servers[1]
            port = victim.port
            victim.stop()
            others_before = [inference_count(s) for s in (three_servers[0], three_servers[2])]
            time.sleep(0.5)  # still under load: traffic goes to the two left
            assert all(inference_count(s) > n for s, n in zip((three_servers[0], three_servers[2]), others_before))
            failed_while_down = len(load.failed)

            three_servers[1] = Server(port=port).start()  # same port: back into rotation
            assert wait_until(lambda: inference_count(three_servers[1]) > 0)
        finally:
            load.stop()
    # Only requests in flight on the stopped replica may fail, at most one per thread; with the
    # retry policy on, none: each is sent again, and round_robin picks a live replica.
    assert failed_while_down <= (threads if retry is None else 0), load.failed
    assert len(load.failed) == failed_while_down, load.failed
    assert load.ok > 0


def test_a_dns_name_is_balanced_over_the_addresses_that_answer(three_servers):
    # localhost may resolve to ::1 too, where nothing listens: round_robin uses what connects.
    with tritonlink.Client(f"dns:///localhost:{three_servers[0].port}") as client:
        for _ in range(5):
            client.infer("identity", INPUTS)
    assert inference_count(three_servers[0]) == 5
