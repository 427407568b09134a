"""Hostile responses: bytes from the wire that lie about shapes, sizes and datatypes, or are not
a message at all, reach the client through every path (sync, callback, future, asyncio, both
kinds of stream). Each gives a clear error, never a crash, a hang or a read out of bounds: a
malformed message fails the call with InternalError; a well-formed one whose tensors do not fit
their shapes raises ValueError naming the output when the tensor is read."""

from __future__ import annotations

import asyncio
import struct
import threading

import numpy as np
import pytest
from tritonclient.grpc import service_pb2

import tritonlink
from tritonlink.aio import AsyncClient

from hostile_server import HostileServer
from test_codec import field

INPUTS = {"INPUT0": np.ones(1, np.float32)}


def _response(*outputs, raw=None, **fields) -> bytes:
    """A ModelInferResponse of (name, datatype, shape) outputs and raw contents."""
    message = service_pb2.ModelInferResponse(model_name="hostile", **fields)
    for name, datatype, shape in outputs:
        message.outputs.add(name=name, datatype=datatype, shape=shape)
    message.raw_output_contents.extend(raw or [])
    return message.SerializeToString()


def _bytes_tensor(*lengths_and_data) -> bytes:
    return b"".join(struct.pack("<I", length) + data for length, data in lengths_and_data)


def _in_stream_response(infer_response: bytes) -> bytes:
    """A ModelStreamInferResponse around any bytes (its field 2), valid or not."""
    return field(2, infer_response)


FOUR_FLOATS = np.arange(4, dtype=np.float32).tobytes()

# Bytes that are not a ModelInferResponse: the call fails.
MALFORMED = {
    "garbage": b"\xff\xff\xff\xff\xff\xff",
    "truncated_varint": b"\x0a\x85",
    "length_past_end": b"\x0a\x7fhostile",
    "field_number_zero": b"\x02\x00",
    "unknown_wire_type": b"\x0f",
    "output_of_wrong_wire_type": b"\x28\x01",
    "shape_of_wrong_wire_type": b"\x2a\x05\x1d\x00\x00\x00\x00",
    "more_raw_buffers_than_outputs": _response(("OUT", "FP32", [4]), raw=[FOUR_FLOATS, FOUR_FLOATS]),
    "raw_contents_truncated_mid_message": _response(("OUT", "FP32", [4]), raw=[FOUR_FLOATS])[:-3],
    "bad_parameter": b"\x22\x03\x12\x01\x08",
}

# Well-formed messages whose tensor cannot be read: as_numpy("OUT") raises ValueError.
UNREADABLE = {
    "shape_bigger_than_data": (_response(("OUT", "FP32", [2, 3]), raw=[FOUR_FLOATS]), "does not fit"),
    "shape_smaller_than_data": (_response(("OUT", "FP32", [1]), raw=[FOUR_FLOATS]), "does not fit"),
    "negative_dim": (_response(("OUT", "FP32", [-4]), raw=[FOUR_FLOATS]), "negative"),
    "huge_dim": (_response(("OUT", "FP32", [1 << 40]), raw=[FOUR_FLOATS]), "does not fit"),
    "dim_past_the_address_space": (_response(("OUT", "FP32", [1 << 62]), raw=[FOUR_FLOATS]), "too large"),
    "dims_overflowing_size_t": (_response(("OUT", "FP32", [1 << 32, 1 << 32]), raw=[FOUR_FLOATS]), "too large"),
    "bytes_overflowing_size_t": (_response(("OUT", "FP64", [1 << 61]), raw=[FOUR_FLOATS]), "too large"),
    "zero_dim_beside_huge_ones": (_response(("OUT", "FP32", [0, 1 << 62, 1 << 62]), raw=[b""]), "too large"),
    "zero_dim_beside_strides_overflowing": (_response(("OUT", "FP32", [0, 1 << 61]), raw=[b""]), "too large"),
    "too_many_dims": (_response(("OUT", "FP32", [1] * 100), raw=[FOUR_FLOATS[:4]]), "dimensions"),
    "raw_contents_truncated": (_response(("OUT", "FP32", [1]), raw=[FOUR_FLOATS[:3]]), "does not fit"),
    "unknown_datatype": (_response(("OUT", "FP128", [1]), raw=[FOUR_FLOATS]), "FP128"),
    "fewer_raw_buffers_than_outputs": (
        _response(("FIRST", "FP32", [4]), ("OUT", "FP32", [4]), raw=[FOUR_FLOATS]), "no raw contents"),
    "bytes_length_past_end": (
        _response(("OUT", "BYTES", [1]), raw=[_bytes_tensor((1000, b"abc"))]), "not a valid BYTES tensor"),
    "bytes_ending_inside_a_length": (
        _response(("OUT", "BYTES", [2]), raw=[_bytes_tensor((1, b"a")) + b"\x01\x00"]), "not a valid BYTES tensor"),
    "bytes_fewer_elements_than_shape": (
        _response(("OUT", "BYTES", [3]), raw=[_bytes_tensor((1, b"a"))]), "needs 3"),
    "bytes_huge_shape": (_response(("OUT", "BYTES", [1 << 40]), raw=[_bytes_tensor((1, b"a"))]), "needs"),
    "bytes_shape_past_the_address_space": (
        _response(("OUT", "BYTES", [1 << 62]), raw=[_bytes_tensor((1, b"a"))]), "too large"),
    "bytes_negative_dim": (_response(("OUT", "BYTES", [-1]), raw=[_bytes_tensor((1, b"a"))]), "negative"),
}


def _sync(client, url):
    return client.infer("hostile", INPUTS)


def _callback(client, url):
    done = threading.Event()
    outcome = []
    client.async_infer("hostile", INPUTS, lambda result, error: (outcome.append((result, error)), done.set()))
    assert done.wait(10), "the callback never ran"
    result, error = outcome[0]
    if error is not None:
        raise error
    return result


def _future(client, url):
    return client.submit("hostile", INPUTS).result(timeout=10)


def _asyncio(client, url):
    async def infer():
        async with AsyncClient(url) as aclient:
            return await asyncio.wait_for(aclient.infer("hostile", INPUTS), 10)
    return asyncio.run(infer())


def _stream(client, url):
    with client.stream() as stream:
        stream.send("hostile", INPUTS)
        return next(stream.results(timeout=10))


def _asyncio_stream(client, url):
    async def first():
        async with AsyncClient(url) as aclient:
            async with aclient.stream() as stream:
                await stream.send("hostile", INPUTS)
                return await asyncio.wait_for(stream.__anext__(), 10)
    return asyncio.run(first())


PATHS = [_sync, _callback, _future, _asyncio, _stream, _asyncio_stream]
STREAMED = {_stream, _asyncio_stream}


@pytest.fixture(scope="module")
def hostile():
    with HostileServer() as server:
        yield server


@pytest.fixture
def answer(hostile):
    """answer(path, message) points the server's unary and stream answers at `message`."""
    def set_answer(path, message):
        hostile.reply = message
        hostile.stream_replies = [_in_stream_response(message)] if path in STREAMED else []
    return set_answer


@pytest.fixture(scope="module")
def hostile_client(hostile):
    with tritonlink.Client(hostile.url) as client:
        yield client


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.__name__.strip("_"))
@pytest.mark.parametrize("message", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_response_fails_the_call_with_internal_error(hostile, hostile_client, answer, path, message):
    answer(path, message)
    with pytest.raises(tritonlink.InternalError, match="malformed Model(Stream)?InferResponse") as info:
        path(hostile_client, hostile.url)
    assert info.value.may_have_executed and not info.value.retryable


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.__name__.strip("_"))
@pytest.mark.parametrize("message, complaint", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_tensor_that_does_not_fit_raises_value_error_when_read(hostile, hostile_client, answer, path, message,
                                                                 complaint):
    answer(path, message)
    result = path(hostile_client, hostile.url)
    with pytest.raises(ValueError, match=complaint):
        result.as_numpy("OUT")
    assert result.keys()[-1] == "OUT"  # the rest of the response stays readable


def test_the_decoder_never_reads_past_a_truncated_message():
    message = _response(("OUT", "BYTES", [2]), raw=[_bytes_tensor((3, b"abc"), (3, b"def"))])
    for end in range(len(message)):
        try:
            result = tritonlink.InferResult(tritonlink._core.decode_infer_response(message[:end]))
            result.as_numpy("OUT")
        except (ValueError, tritonlink.MissingOutputError):
            pass


@pytest.mark.parametrize("stream_message, complaint", [
    (b"\xff\xff", "malformed ModelStreamInferResponse"),
    (b"\x0a\x05oops", "malformed ModelStreamInferResponse"),
    (b"", "neither infer_response nor error_message"),
    (b"\x1a\x03abc", "neither infer_response nor error_message"),
], ids=["garbage", "error_message_past_end", "empty", "only_unknown_fields"])
def test_a_malformed_stream_response_is_an_error_and_the_stream_goes_on(hostile, hostile_client, stream_message,
                                                                         complaint):
    hostile.stream_replies = [stream_message, _in_stream_response(_response(("OUT", "FP32", [4]), raw=[FOUR_FLOATS]))]
    with hostile_client.stream() as stream:
        stream.send("hostile", INPUTS)
        with pytest.raises(tritonlink.InternalError, match=complaint):
            next(stream)
        np.testing.assert_array_equal(next(stream).as_numpy("OUT"), np.arange(4, dtype=np.float32))


def test_stream_responses_for_requests_never_sent_are_delivered_with_their_ids(hostile, hostile_client):
    # Request ids are the caller's and need not be unique or set, so the client cannot tell
    # in general which request a response answers: it hands each on, with its id, and the
    # stream still ends cleanly.
    unsolicited = [_in_stream_response(_response(("OUT", "FP32", [4]), raw=[FOUR_FLOATS], id=f"ghost-{i}"))
                   for i in range(3)]
    hostile.stream_replies = unsolicited + [service_pb2.ModelStreamInferResponse(
        error_message="no such request", infer_response=service_pb2.ModelInferResponse(id="ghost-9"),
    ).SerializeToString()]
    with hostile_client.stream() as stream:
        stream.send("hostile", INPUTS, request_id="real")
        seen = [next(stream).id for _ in range(3)]
        with pytest.raises(tritonlink.InferenceServerError, match="no such request") as info:
            next(stream)
    assert seen == ["ghost-0", "ghost-1", "ghost-2"] and info.value.request_id == "ghost-9"
