"""RetryPolicy: which failures are tried again, how soon, under one deadline, in every call
style. The flaky server notes each attempt that reaches it, so the tests count what the
other side saw; a port where nothing listens stands for a request that never left."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import threading
import time

import grpc
import numpy as np
import pytest

import tritonlink
from tritonlink import NO_RETRY, RetryPolicy
from tritonlink.aio import AsyncClient
from tritonlink.errors import (
    CancelledError, DeadlineExceededError, ResourceExhaustedError, ServerUnavailableError, StatusCode,
    error_from_status,
)
from tritonlink.testing import Server

from flaky_server import FlakyServer

INPUTS = {"IN": np.ones(1, np.float32)}
# Waits short enough for tests, long enough to tell apart from the call's own time.
QUICK = dict(initial_backoff=0.02, max_backoff=0.05, jitter=0.0)
FAST_RECONNECT = {"grpc.initial_reconnect_backoff_ms": 100, "grpc.min_reconnect_backoff_ms": 100,
                  "grpc.max_reconnect_backoff_ms": 200}


@pytest.fixture
def flaky():
    with FlakyServer() as server:
        yield server


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answer_of(result) -> float:
    return float(result.as_numpy("OUT")[0])


# ---- which failures ----

def test_a_failure_after_the_request_was_sent_is_not_retried_by_default(flaky):
    flaky.fail_next(2, grpc.StatusCode.UNAVAILABLE)
    with tritonlink.Client(flaky.url, retry=RetryPolicy(**QUICK)) as client:
        with pytest.raises(ServerUnavailableError) as raised:
            client.infer("flaky", INPUTS)
    assert len(flaky.arrivals) == 1
    assert raised.value.may_have_executed and "attempts" not in str(raised.value)


def test_retry_after_send_retries_the_codes_in_retry_on(flaky):
    flaky.fail_next(2, grpc.StatusCode.UNAVAILABLE)
    with tritonlink.Client(flaky.url, retry=RetryPolicy(retry_after_send=True, **QUICK)) as client:
        assert answer_of(client.infer("flaky", INPUTS)) == 7.0
    assert len(flaky.arrivals) == 3


def test_codes_outside_retry_on_are_not_retried_even_after_send(flaky):
    flaky.fail_next(2, grpc.StatusCode.RESOURCE_EXHAUSTED)
    with tritonlink.Client(flaky.url, retry=RetryPolicy(retry_after_send=True, **QUICK)) as client:
        with pytest.raises(ResourceExhaustedError):
            client.infer("flaky", INPUTS)
    assert len(flaky.arrivals) == 1


def test_a_listed_code_that_cannot_have_run_is_retried_without_retry_after_send(flaky):
    flaky.fail_next(2, grpc.StatusCode.NOT_FOUND, message="model 'flaky' is loading")
    policy = RetryPolicy(retry_on=[StatusCode.NOT_FOUND], **QUICK)
    with tritonlink.Client(flaky.url, retry=policy) as client:
        assert answer_of(client.infer("flaky", INPUTS)) == 7.0
    assert len(flaky.arrivals) == 3


def test_attempts_stop_at_max_attempts_and_the_error_says_how_many(flaky):
    flaky.fail_next(10, grpc.StatusCode.UNAVAILABLE)
    with tritonlink.Client(flaky.url, retry=RetryPolicy(max_attempts=4, retry_after_send=True, **QUICK)) as client:
        with pytest.raises(ServerUnavailableError, match=r"\(after 4 attempts\)"):
            client.infer("flaky", INPUTS)
    assert len(flaky.arrivals) == 4


def test_a_request_that_never_left_is_retried_by_default_until_the_server_is_up():
    port = unused_port()
    policy = RetryPolicy(max_attempts=60, initial_backoff=0.05, max_backoff=0.1)
    outcome = {}

    def call():
        with tritonlink.Client(f"127.0.0.1:{port}", retry=policy, channel_args=FAST_RECONNECT) as client:
            outcome["result"] = client.infer("identity", {"INPUT0": np.arange(3, dtype=np.float32)}, client_timeout=20)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.5)  # several attempts fail to connect first
    with Server(port=port):
        caller.join(timeout=20)
    assert not caller.is_alive()
    np.testing.assert_array_equal(outcome["result"].as_numpy("OUTPUT0"), np.arange(3, dtype=np.float32))


def test_cancelled_sent_by_the_server_is_retried_when_listed(flaky):
    flaky.fail_next(2, grpc.StatusCode.CANCELLED, message="the server is shutting down")
    policy = RetryPolicy(retry_on=[StatusCode.CANCELLED], retry_after_send=True, **QUICK)
    with tritonlink.Client(flaky.url, retry=policy) as client:
        assert answer_of(client.infer("flaky", INPUTS)) == 7.0
    assert len(flaky.arrivals) == 3


def test_the_caller_s_own_cancel_is_never_retried(flaky):
    flaky.fail_next(0, delay_s=0.5)  # every call answers after 0.5 s
    policy = RetryPolicy(retry_on=[StatusCode.CANCELLED], retry_after_send=True, **QUICK)
    with tritonlink.Client(flaky.url, retry=policy) as client:
        future = client.submit("flaky", INPUTS)
        time.sleep(0.2)
        assert future.cancel()
        time.sleep(0.5)
    assert len(flaky.arrivals) == 1


def test_policy_retries_agrees_with_the_error_classes():
    policy = RetryPolicy()
    refused = error_from_status(14, "failed to connect to all addresses; last error: Connection refused")
    reset = error_from_status(14, "Socket closed")
    assert refused.safe_to_retry and policy.retries(refused)
    assert not reset.safe_to_retry and not policy.retries(reset)
    assert RetryPolicy(retry_after_send=True).retries(reset)
    assert not RetryPolicy(retry_after_send=True, retry_on=["DEADLINE_EXCEEDED"]).retries(error_from_status(4, "late"))


# ---- how soon, and under one deadline ----

@pytest.mark.timing
def test_waits_follow_the_backoff_schedule(flaky):
    # Waits of 0.1, 0.2, 0.25 (capped) and 0.25 s, jitter +-20 %: each gap the server sees is at
    # least the wait's lower bound (sleeps never end early) and, on this noisy machine, within
    # 0.25 s of its upper bound (measured: within 5 ms when quiet).
    policy = RetryPolicy(max_attempts=5, initial_backoff=0.1, max_backoff=0.25, multiplier=2.0, jitter=0.2,
                         retry_after_send=True)
    assert [policy.backoff(n) for n in range(1, 5)] == pytest.approx([0.1, 0.2, 0.25, 0.25])
    flaky.fail_next(4, grpc.StatusCode.UNAVAILABLE)
    with tritonlink.Client(flaky.url, retry=policy) as client:
        assert answer_of(client.infer("flaky", INPUTS)) == 7.0
    gaps = flaky.gaps()
    assert len(gaps) == 4
    for gap, wait in zip(gaps, [0.1, 0.2, 0.25, 0.25]):
        assert wait * 0.8 - 0.002 <= gap <= wait * 1.2 + 0.25, gaps


@pytest.mark.timing
def test_client_timeout_is_one_deadline_across_attempts(flaky):
    # Each attempt takes 0.25 s to fail; with 1 s for the whole call, three or four attempts fit
    # and the call ends by the deadline: the fourth meets it (DEADLINE_EXCEEDED) or, on a slow
    # machine, no time is left for the wait before it (the third's UNAVAILABLE). Margin: the call
    # ends within 0.5 s after the deadline.
    flaky.fail_next(100, grpc.StatusCode.UNAVAILABLE, delay_s=0.25)
    policy = RetryPolicy(max_attempts=100, retry_after_send=True, **QUICK)
    with tritonlink.Client(flaky.url, retry=policy) as client:
        began = time.monotonic()
        with pytest.raises((DeadlineExceededError, ServerUnavailableError)):
            client.infer("flaky", INPUTS, client_timeout=1.0)
        elapsed = time.monotonic() - began
    assert 0.75 <= elapsed < 1.5
    assert 3 <= len(flaky.arrivals) <= 4


@pytest.mark.timing
def test_no_attempt_waits_past_the_deadline():
    # The first wait (2 s) would end after the 0.3 s deadline: the call ends at the first failure.
    policy = RetryPolicy(initial_backoff=2.0, max_backoff=2.0)
    with tritonlink.Client(f"127.0.0.1:{unused_port()}", retry=policy) as client:
        began = time.monotonic()
        with pytest.raises(ServerUnavailableError) as raised:
            client.infer("identity", INPUTS, client_timeout=0.3)
        assert time.monotonic() - began < 0.3
    assert raised.value.safe_to_retry and "attempts" not in str(raised.value)


# ---- every call style ----

def _sync(client):
    return client.infer("flaky", INPUTS)


def _callback(client):
    done = threading.Event()
    outcome = []
    client.async_infer("flaky", INPUTS, lambda result, error: (outcome.append((result, error)), done.set()))
    assert done.wait(10)
    result, error = outcome[0]
    if error is not None:
        raise error
    return result


def _future(client):
    return client.submit("flaky", INPUTS).result(timeout=10)


def _infer_many(client):
    return client.infer_many([("flaky", INPUTS)])[0]


def _asyncio(client_url, policy):
    async def main():
        async with AsyncClient(client_url, retry=policy) as client:
            return await client.infer("flaky", INPUTS)
    return asyncio.run(main())


@pytest.mark.parametrize("style", [_sync, _callback, _future, _infer_many, "asyncio"],
                         ids=["sync", "callback", "future", "infer_many", "asyncio"])
def test_every_call_style_retries(flaky, style):
    flaky.fail_next(2, grpc.StatusCode.UNAVAILABLE)
    policy = RetryPolicy(retry_after_send=True, **QUICK)
    if style == "asyncio":
        result = _asyncio(flaky.url, policy)
    else:
        with tritonlink.Client(flaky.url, retry=policy) as client:
            result = style(client)
    assert answer_of(result) == 7.0
    assert len(flaky.arrivals) == 3


def test_a_call_s_own_policy_replaces_the_client_s(flaky):
    flaky.fail_next(2, grpc.StatusCode.UNAVAILABLE)
    with tritonlink.Client(flaky.url, retry=RetryPolicy(retry_after_send=True, **QUICK)) as client:
        with pytest.raises(ServerUnavailableError):
            client.infer("flaky", INPUTS, retry=NO_RETRY)
        assert len(flaky.arrivals) == 1
    flaky.fail_next(2, grpc.StatusCode.UNAVAILABLE)
    with tritonlink.Client(flaky.url) as client:
        assert answer_of(client.submit("flaky", INPUTS, retry=RetryPolicy(retry_after_send=True, **QUICK))
                         .result(timeout=10)) == 7.0
    assert len(flaky.arrivals) == 3


def test_control_calls_follow_the_client_s_policy(flaky):
    flaky.fail_next(2, grpc.StatusCode.UNAVAILABLE)
    with tritonlink.Client(flaky.url, retry=RetryPolicy(retry_after_send=True, **QUICK)) as client:
        assert client.is_server_live()
    assert len(flaky.arrivals) == 3

    async def main():
        async with AsyncClient(flaky.url, retry=RetryPolicy(retry_after_send=True, **QUICK)) as client:
            return await client.is_server_live()
    flaky.fail_next(2, grpc.StatusCode.UNAVAILABLE)
    assert asyncio.run(main())
    assert len(flaky.arrivals) == 3


# ---- cancelled or closed while waiting ----

LONG_WAIT = RetryPolicy(max_attempts=5, initial_backoff=30.0, max_backoff=30.0)


def test_cancelling_a_call_that_waits_to_retry_ends_it_now():
    with tritonlink.Client(f"127.0.0.1:{unused_port()}", retry=LONG_WAIT) as client:
        future = client.submit("identity", INPUTS)
        time.sleep(0.2)  # the first attempt has failed: the call waits 30 s for the next
        engine = client._async.engine
        assert engine.in_flight == 1 and not future.done()
        assert future.cancel()
        with pytest.raises(concurrent.futures.CancelledError):
            future.result(timeout=5)
        # The engine let the call go too, long before its wait would have ended.
        deadline = time.monotonic() + 5
        while engine.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        assert engine.in_flight == 0


def test_closing_the_client_ends_calls_that_wait_to_retry():
    client = tritonlink.Client(f"127.0.0.1:{unused_port()}", retry=LONG_WAIT)
    outcome = []
    done = threading.Event()
    client.async_infer("identity", INPUTS, lambda result, error: (outcome.append(error), done.set()))
    time.sleep(0.2)
    client.close()
    assert done.wait(5)
    assert isinstance(outcome[0], CancelledError)


def test_asyncio_task_cancelled_while_its_call_waits_to_retry():
    async def main():
        async with AsyncClient(f"127.0.0.1:{unused_port()}", retry=LONG_WAIT) as client:
            task = asyncio.ensure_future(client.infer("identity", INPUTS))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
    asyncio.run(main())


# ---- what the policy takes ----

@pytest.mark.parametrize("arguments, error", [
    (dict(max_attempts=0), ValueError),
    (dict(max_attempts=2.5), TypeError),
    (dict(initial_backoff=0), ValueError),
    (dict(initial_backoff="1"), TypeError),
    (dict(initial_backoff=2.0, max_backoff=1.0), ValueError),
    (dict(multiplier=0.5), ValueError),
    (dict(jitter=1.0), ValueError),
    (dict(jitter=-0.1), ValueError),
    (dict(retry_on="UNAVAILABLE"), TypeError),
    (dict(retry_on=["NOT_A_CODE"]), ValueError),
    (dict(retry_on=[StatusCode.OK]), ValueError),
    (dict(retry_on=[1.5]), TypeError),
    (dict(retry_after_send=1), TypeError),
])
def test_bad_policies_are_refused(arguments, error):
    with pytest.raises(error):
        RetryPolicy(**arguments)


def test_retry_must_be_a_policy(flaky):
    with pytest.raises(TypeError, match="RetryPolicy"):
        tritonlink.Client(flaky.url, retry=3)
    with tritonlink.Client(flaky.url) as client:
        with pytest.raises(TypeError, match="RetryPolicy"):
            client.infer("flaky", INPUTS, retry={"max_attempts": 2})


def test_streams_take_no_retry_policy(embedded_server):
    with tritonlink.Client(embedded_server.url) as client:
        with pytest.raises(TypeError):
            client.infer_stream("repeat", {"IN": np.arange(2, dtype=np.int32)}, retry=RetryPolicy())
        with client.stream() as stream:
            with pytest.raises(TypeError):
                stream.send("repeat", {"IN": np.arange(2, dtype=np.int32)}, retry=RetryPolicy())
