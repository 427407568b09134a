"""Streams in the style of tritonclient's simple_grpc_sequence_stream_infer_client and its
decoupled examples: start_stream with a callback, async_stream_infer, stop_stream."""

from __future__ import annotations

import queue

import numpy as np
import pytest


@pytest.fixture
def triton_client(api, server):
    client = api.grpc.InferenceServerClient(server.url)
    yield client
    client.close()


def int_input(grpcclient, name, values):
    tensor = grpcclient.InferInput(name, [len(values)], "INT32")
    tensor.set_data_from_numpy(np.array(values, dtype=np.int32))
    return tensor


def collect(responses, count):
    items = [responses.get(timeout=30) for _ in range(count)]
    errors = [error for _, error in items if error is not None]
    assert not errors, errors
    return [result for result, _ in items]


def test_sequences_accumulate_on_one_stream(api, triton_client):
    responses = queue.Queue()
    triton_client.start_stream(callback=lambda result, error: responses.put((result, error)))
    values = [3, 4, 5]
    for sequence_id in (1001, 1002):
        for i, value in enumerate(values):
            triton_client.async_stream_infer("accumulate", [int_input(api.grpc, "IN", [value * sequence_id % 7])],
                                             request_id=f"{sequence_id}-{i}", sequence_id=sequence_id,
                                             sequence_start=i == 0, sequence_end=i == len(values) - 1)
    triton_client.stop_stream()
    results = collect(responses, 6)
    sums = {}
    for result in results:
        sequence, index = result.get_response().id.split("-")
        sums[(sequence, int(index))] = int(result.as_numpy("OUT")[0])
    for sequence_id in (1001, 1002):
        expected = np.cumsum([v * sequence_id % 7 for v in values]).tolist()
        assert [sums[(str(sequence_id), i)] for i in range(3)] == expected


def test_decoupled_model_sends_every_response_then_the_empty_final_one(api, triton_client):
    responses = queue.Queue()
    triton_client.start_stream(callback=lambda result, error: responses.put((result, error)))
    triton_client.async_stream_infer("repeat", [int_input(api.grpc, "IN", [10, 20, 30])], request_id="r",
                                     enable_empty_final_response=True)
    results = collect(responses, 4)
    triton_client.stop_stream()
    assert [r.as_numpy("OUT").tolist() for r in results[:3]] == [[10], [20], [30]]
    finals = [r.get_response().parameters["triton_final_response"].bool_param for r in results]
    assert finals == [False, False, False, True]
    assert results[3].as_numpy("OUT") is None
    assert all(r.get_response().id == "r" for r in results)


def test_one_stream_per_client(api, triton_client):
    triton_client.start_stream(callback=lambda result, error: None)
    with pytest.raises(api.grpc.InferenceServerException):
        triton_client.start_stream(callback=lambda result, error: None)
    triton_client.stop_stream(cancel_requests=True)


def test_stream_infer_without_a_stream_raises(api, triton_client):
    with pytest.raises(api.grpc.InferenceServerException):
        triton_client.async_stream_infer("repeat", [int_input(api.grpc, "IN", [1])])


def test_a_failed_stream_request_goes_to_the_callback_and_the_stream_goes_on(api, triton_client):
    responses = queue.Queue()
    triton_client.start_stream(callback=lambda result, error: responses.put((result, error)))
    bad = api.grpc.InferInput("IN", [1], "FP32")
    bad.set_data_from_numpy(np.ones(1, np.float32))
    triton_client.async_stream_infer("repeat", [bad], request_id="bad")
    result, error = responses.get(timeout=30)
    assert result is None and isinstance(error, api.grpc.InferenceServerException)
    triton_client.async_stream_infer("repeat", [int_input(api.grpc, "IN", [5])], request_id="good",
                                     enable_empty_final_response=True)
    assert collect(responses, 2)[0].as_numpy("OUT").tolist() == [5]
    triton_client.stop_stream()
