"""Asynchronous inference on both servers: callbacks, futures, infer_many, cancellation,
deadlines, close with requests in flight, and the in-flight limit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import CancelledError as FutureCancelledError

import numpy as np
import pytest

import tritonlink

SLEEP_MS = np.array([5000.0], np.float32)


def mixed_inputs(i: int) -> dict:
    sizes = (1, 16, 1000, 40_000)  # small payloads are copied, large ones borrowed
    return {"INPUT0": np.full(sizes[i % len(sizes)], i, dtype=np.float32)}


def test_many_async_requests_complete_once_each_with_correct_results(client, server):
    total = 10_000 if not server.is_real_triton else 2_000
    results = {}
    calls = []
    done = threading.Event()
    lock = threading.Lock()

    def callback_for(i):
        def callback(result, error):
            with lock:
                calls.append((i, threading.current_thread().name))
                results[i] = (result, error)
                if len(calls) == total:
                    done.set()
        return callback

    for i in range(total):
        client.async_infer("identity", mixed_inputs(i), callback_for(i))
    assert done.wait(120), f"{len(calls)} of {total} callbacks ran"
    time.sleep(0.2)  # a duplicate delivery would land here
    assert len(calls) == total and len({i for i, _ in calls}) == total
    assert {name for _, name in calls} == {"tritonlink-dispatcher"}
    for i, (result, error) in results.items():
        assert error is None, error
        expected = mixed_inputs(i)["INPUT0"]
        assert np.array_equal(result.as_numpy("OUTPUT0"), expected)


def test_callbacks_never_run_on_the_calling_thread_or_a_grpc_thread(client):
    seen = []
    event = threading.Event()
    client.async_infer("identity", mixed_inputs(0), lambda r, e: (seen.append(threading.current_thread()), event.set()))
    assert event.wait(30)
    assert seen[0] is not threading.main_thread() and seen[0].name == "tritonlink-dispatcher"


def test_a_failing_callback_is_logged_and_later_callbacks_still_run(client, caplog):
    event = threading.Event()

    def bad(result, error):
        raise RuntimeError("boom in callback")

    client.async_infer("identity", mixed_inputs(0), bad)
    client.async_infer("identity", mixed_inputs(1), lambda r, e: event.set())
    assert event.wait(30)
    deadline = time.time() + 5
    while "boom in callback" not in caplog.text and time.time() < deadline:
        time.sleep(0.01)
    assert "boom in callback" in caplog.text


def test_server_errors_reach_the_callback(client):
    box = []
    event = threading.Event()
    client.async_infer("no_such_model", mixed_inputs(0), lambda r, e: (box.append((r, e)), event.set()),
                       request_id="q9")
    assert event.wait(30)
    result, error = box[0]
    assert result is None and isinstance(error, tritonlink.InferenceServerError)
    assert error.model_name == "no_such_model" and error.request_id == "q9"


def test_submit_returns_a_future_of_the_result(client):
    futures = [client.submit("identity", mixed_inputs(i)) for i in range(100)]
    for i, future in enumerate(futures):
        assert np.array_equal(future.result(30)["OUTPUT0"], mixed_inputs(i)["INPUT0"])


def test_infer_many_returns_results_in_request_order(client):
    requests = [("identity", mixed_inputs(i)) for i in range(500)]
    results = client.infer_many(requests, max_in_flight=32)
    assert [r["OUTPUT0"][0] for r in results] == [float(i) for i in range(500)]


def test_infer_many_accepts_keyword_requests_and_reports_errors_in_place(client):
    requests = [
        {"model_name": "identity", "inputs": mixed_inputs(1), "request_id": "a"},
        {"model_name": "no_such_model", "inputs": mixed_inputs(2)},
    ]
    results = client.infer_many(requests, return_exceptions=True)
    assert results[0].id == "a"
    assert isinstance(results[1], tritonlink.InferenceServerError)
    with pytest.raises(tritonlink.InferenceServerError, match="no_such_model"):
        client.infer_many(requests)


def test_cancel_delivers_a_cancelled_error(client):
    box = []
    event = threading.Event()
    handle = client.async_infer("sleep", {"INPUT0": SLEEP_MS}, lambda r, e: (box.append(e), event.set()))
    time.sleep(0.1)
    handle.cancel()
    assert event.wait(10)
    assert isinstance(box[0], tritonlink.CancelledError)


@pytest.mark.timing
def test_cancelling_a_future_cancels_the_call(client):
    # Measured: the future was cancelled within 1 ms; 2 s allowed.
    future = client.submit("sleep", {"INPUT0": SLEEP_MS})
    start = time.perf_counter()
    assert future.cancel()
    with pytest.raises(FutureCancelledError):
        future.result(5)
    assert time.perf_counter() - start < 2


def test_deadline_reaches_the_callback(client):
    box = []
    event = threading.Event()
    client.async_infer("sleep", {"INPUT0": SLEEP_MS}, lambda r, e: (box.append(e), event.set()), client_timeout=0.2)
    assert event.wait(10)
    assert isinstance(box[0], tritonlink.DeadlineExceededError)


@pytest.mark.timing
def test_close_with_a_thousand_in_flight_returns_promptly_and_fails_each(server):
    # Measured: close took 0.06-0.13 s; 5 s allowed.
    c = tritonlink.Client(server.url)
    errors = []
    lock = threading.Lock()

    def callback(result, error):
        with lock:
            errors.append(error)

    for _ in range(1000):
        c.async_infer("sleep", {"INPUT0": SLEEP_MS}, callback)
    start = time.perf_counter()
    c.close()
    assert time.perf_counter() - start < 5
    assert len(errors) == 1000
    assert all(isinstance(e, tritonlink.InferenceServerError) for e in errors)
    c.close()  # twice is harmless
    with pytest.raises(RuntimeError, match="closed"):
        c.async_infer("identity", mixed_inputs(0), callback)


def test_in_flight_limit_raises_when_asked_to(server):
    with tritonlink.Client(server.url, max_in_flight=2, block_when_full=False) as c:
        c.submit("sleep", {"INPUT0": np.array([300.0], np.float32)})
        c.submit("sleep", {"INPUT0": np.array([300.0], np.float32)})
        with pytest.raises(tritonlink.InFlightLimitError):
            c.submit("identity", mixed_inputs(0))


@pytest.mark.timing
def test_in_flight_limit_waits_by_default(server):
    # Lower bound: two waves of 200 ms cannot take under 0.4 s; 0.38 s leaves 20 ms for timers
    # (measured 0.41-0.43 s).
    with tritonlink.Client(server.url, max_in_flight=2) as c:
        start = time.perf_counter()
        futures = [c.submit("sleep", {"INPUT0": np.array([200.0], np.float32)}) for _ in range(4)]
        for f in futures:
            f.result(10)
        # Two waves of two: the third request had to wait for a slot.
        assert time.perf_counter() - start >= 0.38


def test_callback_must_be_callable(client):
    with pytest.raises(TypeError, match="callback"):
        client.async_infer("identity", mixed_inputs(0), None)


@pytest.mark.parametrize("release_first", [False, True], ids=["release-after", "release-before"])
def test_router_lets_go_of_inputs_whichever_comes_first_release_or_completion(release_first):
    # Completions pushed from different threads come out of the sink in any order.
    from tritonlink._completions import CompletionRouter
    from tritonlink._core import CompletionKind

    router = CompletionRouter()
    results = []
    router.expect(7, lambda result, error: results.append(result), inputs=[np.ones(4)])
    completion = (7, int(CompletionKind.MESSAGE), 0, "", {"ok": True}, False, True)  # gRPC still holds the inputs
    released = (7, int(CompletionKind.INPUTS_RELEASED), 0, "", None, True, True)
    router.deliver([released, completion] if release_first else [completion, released])
    assert results == [{"ok": True}]
    assert not router.busy
