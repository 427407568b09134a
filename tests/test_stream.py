"""tritonlink's streams (ModelStreamInfer) on both servers: decoupled and sequence models, many
streams at once, errors tied to their request, cancellation, and what each reader sees."""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np
import pytest

import tritonlink
from tritonlink.aio import AsyncClient


def repeat_inputs(count: int, delay_ms: int = 0) -> dict:
    inputs = {"IN": np.arange(count, dtype=np.int32)}
    if delay_ms:
        inputs["DELAY_MS"] = np.full(count, delay_ms, dtype=np.uint32)
    return inputs


def sent_values(results) -> list:
    return [int(r["OUT"][0]) for r in results]


@pytest.mark.parametrize("empty_final", [False, True])
def test_one_request_streams_every_response_in_order_with_the_final_flag(client, empty_final):
    with client.stream() as stream:
        stream.send("repeat", repeat_inputs(100), request_id="r1", enable_empty_final_response=empty_final)
        results = [next(stream) for _ in range(101 if empty_final else 100)]
        stream.close()
        assert list(stream) == []  # nothing more came before the stream's end

    assert [int(r["IDX"][0]) for r in results[:100]] == list(range(100))
    assert sent_values(results[:100]) == list(range(100))
    assert {r.id for r in results} == {"r1"}
    assert not any(r.is_final_response() for r in results[:100])
    if empty_final:
        assert results[100].is_final_response() and results[100].is_null_response()


@pytest.mark.parametrize("empty_final", [False, True])
def test_infer_stream_yields_one_requests_responses_and_stops_after_the_final_one(client, empty_final):
    results = list(client.infer_stream("repeat", repeat_inputs(100), request_id="tokens",
                                       enable_empty_final_response=empty_final))
    assert sent_values(results[:100]) == list(range(100))
    assert len(results) == (101 if empty_final else 100)
    assert results[-1].is_null_response() is empty_final


def test_infer_stream_on_a_model_that_is_not_decoupled_yields_its_one_response(client):
    results = list(client.infer_stream("identity", {"INPUT0": np.arange(4, dtype=np.float32)}))
    assert len(results) == 1 and results[0].is_final_response()
    assert results[0]["OUTPUT0"].tolist() == [0, 1, 2, 3]


def test_thirty_two_streams_on_one_client_each_get_exactly_their_own_responses(client):
    received = {}

    def run(index: int) -> None:
        with client.stream() as stream:
            base = index * 1000
            stream.send("repeat", {"IN": np.arange(base, base + 20, dtype=np.int32)}, request_id=f"s{index}",
                        enable_empty_final_response=True)
            got = []
            for result in stream:
                if result.is_final_response():
                    break
                got.append((result.id, int(result["OUT"][0])))
            received[index] = got

    threads = [threading.Thread(target=run, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(received) == list(range(32))
    for index, got in received.items():
        assert got == [(f"s{index}", index * 1000 + k) for k in range(20)]


def test_one_stream_takes_requests_sent_from_many_threads(client):
    with client.stream() as stream:
        def send_some(thread_index: int) -> None:
            for k in range(10):
                stream.send("repeat", {"IN": np.array([thread_index * 100 + k], np.int32)},
                            request_id=f"t{thread_index}-{k}")

        threads = [threading.Thread(target=send_some, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        results = [next(stream) for _ in range(80)]
    assert sorted((r.id, int(r["OUT"][0])) for r in results) == sorted(
        (f"t{i}-{k}", i * 100 + k) for i in range(8) for k in range(10))


def test_a_failed_request_raises_with_its_request_id_and_the_stream_goes_on(client):
    with client.stream() as stream:
        stream.send("no_such_model", {"IN": np.arange(2, dtype=np.int32)}, request_id="bad")
        with pytest.raises(tritonlink.InferenceServerError) as failure:
            next(stream)
        assert failure.value.request_id == "bad"
        assert "no_such_model" in str(failure.value)
        stream.send("repeat", repeat_inputs(3), request_id="good")
        assert [r.id for r in (next(stream) for _ in range(3))] == ["good"] * 3


def test_callbacks_get_every_response_on_the_dispatcher_thread(client):
    seen = []
    threads = set()
    done = threading.Event()

    def on_response(result, error):
        threads.add(threading.current_thread().name)
        seen.append((result, error))
        if result is not None and result.is_final_response():
            done.set()

    with client.stream(callback=on_response) as stream:
        stream.send("repeat", repeat_inputs(50), enable_empty_final_response=True)
        assert done.wait(30)
    assert [e for _, e in seen] == [None] * 51
    assert sent_values([r for r, _ in seen][:50]) == list(range(50))
    assert threads == {"tritonlink-dispatcher"}


def test_a_stream_with_a_callback_cannot_be_iterated(client):
    with client.stream(callback=lambda result, error: None) as stream:
        with pytest.raises(RuntimeError, match="callback"):
            next(stream)


@pytest.mark.timing
def test_close_with_cancel_requests_returns_at_once_while_responses_are_still_due(client):
    # Measured: under 1 ms; 1 s allowed.
    stream = client.stream()
    stream.send("repeat", repeat_inputs(20, delay_ms=500), request_id="slow")
    start = time.monotonic()
    stream.close(cancel_requests=True)
    assert time.monotonic() - start < 1.0
    assert stream.ended
    with pytest.raises(tritonlink.CancelledError):
        next(stream)


def test_close_without_cancelling_waits_for_the_outstanding_responses(client):
    stream = client.stream()
    stream.send("repeat", repeat_inputs(5, delay_ms=50), enable_empty_final_response=True)
    stream.close()
    assert stream.ended
    assert len(list(stream)) == 6  # everything that was due arrived before the end


def test_a_reader_blocked_in_another_thread_is_ended_by_cancel(client):
    stream = client.stream()
    stream.send("repeat", repeat_inputs(5, delay_ms=2000))
    errors = []
    reader = threading.Thread(target=lambda: errors.append(pytest.raises(tritonlink.CancelledError, next, stream)))
    reader.start()
    time.sleep(0.2)
    stream.close(cancel_requests=True)
    reader.join(5)
    assert not reader.is_alive() and len(errors) == 1


def test_sending_after_close_raises(client):
    stream = client.stream()
    stream.close()
    with pytest.raises(tritonlink.InferenceServerError, match="stream"):
        stream.send("repeat", repeat_inputs(1))


@pytest.mark.timing
def test_the_stream_deadline_ends_its_readers(client):
    # Measured: 0.50 s for a 0.5 s deadline; 3 s allowed.
    with client.stream(stream_timeout=0.5) as stream:
        stream.send("repeat", repeat_inputs(5, delay_ms=3000))
        start = time.monotonic()
        with pytest.raises(tritonlink.DeadlineExceededError):
            next(stream)
        assert time.monotonic() - start < 3


def test_results_with_a_timeout_raises_when_nothing_comes(client):
    with client.stream() as stream:
        with pytest.raises(TimeoutError):
            next(stream.results(timeout=0.2))


def test_closing_the_client_ends_its_open_streams(server):
    client = tritonlink.Client(server.url)
    stream = client.stream()
    stream.send("repeat", repeat_inputs(5, delay_ms=2000))
    client.close()
    assert stream.ended
    with pytest.raises(tritonlink.CancelledError):
        next(stream)


def test_plain_infer_on_a_decoupled_model_fails_clearly(client):
    with pytest.raises(tritonlink.InferenceServerError) as failure:
        client.infer("repeat", repeat_inputs(2))
    assert failure.value.code == tritonlink.StatusCode.UNIMPLEMENTED
    assert "decoupled" in str(failure.value)


def test_bad_send_arguments_raise_before_anything_is_sent(client):
    with client.stream() as stream:
        with pytest.raises(TypeError, match="enable_empty_final_response"):
            stream.send("repeat", repeat_inputs(1), enable_empty_final_response="yes")
        with pytest.raises(ValueError, match="reserved"):
            stream.send("repeat", repeat_inputs(1), parameters={"triton_enable_empty_final_response": True})
        stream.send("repeat", repeat_inputs(1))
        assert sent_values([next(stream)]) == [0]
    with pytest.raises(ValueError, match="max_buffered"):
        client.stream(max_buffered=0)


# ---- sequence models ----

@pytest.mark.parametrize("ids", [(11, 22), ("alpha", "beta")], ids=["int-ids", "string-ids"])
def test_interleaved_sequences_keep_their_own_running_sums(client, ids):
    first, second = ids
    plan = [(first, 1, True, False), (second, 10, True, False), (first, 2, False, False),
            (second, 20, False, False), (first, 3, False, True), (second, 30, False, True)]
    with client.stream() as stream:
        for sequence_id, value, start, end in plan:
            stream.send("accumulate", {"IN": np.array([value], np.int32)}, sequence_id=sequence_id,
                        sequence_start=start, sequence_end=end, request_id=f"{sequence_id}-{value}")
        sums = {}
        for _ in plan:
            result = next(stream)
            sums[result.id] = int(result["OUT"][0])
    assert sums == {f"{first}-1": 1, f"{second}-10": 10, f"{first}-2": 3, f"{second}-20": 30, f"{first}-3": 6,
                    f"{second}-30": 60}


def test_a_sequence_never_started_is_an_error_for_that_request_only(client):
    with client.stream() as stream:
        stream.send("accumulate", {"IN": np.array([5], np.int32)}, sequence_id=987654, request_id="orphan")
        with pytest.raises(tritonlink.InferenceServerError) as failure:
            next(stream)
        assert failure.value.request_id == "orphan"
        stream.send("accumulate", {"IN": np.array([5], np.int32)}, sequence_id=987655, sequence_start=True,
                    sequence_end=True, request_id="fresh")
        assert int(next(stream)["OUT"][0]) == 5


# ---- asyncio ----

def test_asyncio_stream_sends_and_iterates(server):
    async def main():
        async with AsyncClient(server.url) as aclient:
            async with aclient.stream() as stream:
                await stream.send("repeat", repeat_inputs(100), enable_empty_final_response=True)
                results = []
                async for result in stream:
                    results.append(result)
                    if result.is_final_response():
                        break
            tokens = [r async for r in aclient.infer_stream("repeat", repeat_inputs(10))]
        return results, tokens

    results, tokens = asyncio.run(main())
    assert sent_values(results[:100]) == list(range(100)) and results[100].is_null_response()
    assert sent_values(tokens) == list(range(10))


@pytest.mark.timing
def test_cancelling_the_task_that_iterates_cancels_the_stream(server):
    # Measured: close took 0-12 ms; 1 s allowed.
    async def main():
        async with AsyncClient(server.url) as aclient:
            stream = aclient.stream()
            await stream.send("repeat", repeat_inputs(5, delay_ms=2000))

            async def read_one():
                async for result in stream:
                    return result

            task = asyncio.ensure_future(read_one())
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            start = time.monotonic()
            await stream.close()
            return stream.ended, time.monotonic() - start

    ended, close_seconds = asyncio.run(main())
    assert ended and close_seconds < 1.0


def test_asyncio_stream_error_names_its_request_and_the_stream_goes_on(server):
    async def main():
        async with AsyncClient(server.url) as aclient:
            async with aclient.stream() as stream:
                await stream.send("no_such_model", repeat_inputs(1), request_id="bad")
                with pytest.raises(tritonlink.InferenceServerError) as failure:
                    await stream.__anext__()
                await stream.send("repeat", repeat_inputs(2), request_id="good")
                return failure.value.request_id, [(await stream.__anext__()).id for _ in range(2)]

    assert asyncio.run(main()) == ("bad", ["good", "good"])


def test_a_stream_dropped_while_open_is_cancelled(embedded_server):
    import gc

    with tritonlink.Client(embedded_server.url) as client:
        stream = client.stream()
        stream.send("repeat", repeat_inputs(3, delay_ms=60_000))
        engine = client._async_parts().engine
        assert engine.in_flight == 1
        del stream
        gc.collect()
        deadline = time.monotonic() + 5
        while engine.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        assert engine.in_flight == 0


def test_results_goes_on_after_raising_a_responses_error(embedded_client):
    with embedded_client.stream() as stream:
        results = stream.results(timeout=30)
        stream.send("no_such_model", repeat_inputs(1), request_id="bad")
        with pytest.raises(tritonlink.InferenceServerError):
            next(results)
        stream.send("repeat", repeat_inputs(2), request_id="good")
        assert [next(results).id for _ in range(2)] == ["good", "good"]
