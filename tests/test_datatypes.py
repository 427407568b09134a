"""Every Triton datatype in and out: the 12 fixed-size ones, BF16 (ml_dtypes.bfloat16) and
BYTES (object arrays of bytes/str, and bytes_ arrays), on both servers through
`identity_<dtype>` (rank 1, as the real repository's configs say), and on the embedded
`identity` with empty tensors, 0-d scalars and large shapes."""

from __future__ import annotations

import builtins

import ml_dtypes
import numpy as np
import pytest

import tritonlink
from tritonlink import InferInput, _core

FIXED = {
    "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32, "UINT64": np.uint64,
    "INT8": np.int8, "INT16": np.int16, "INT32": np.int32, "INT64": np.int64,
    "FP16": np.float16, "FP32": np.float32, "FP64": np.float64, "BF16": ml_dtypes.bfloat16,
}
ALL_DATATYPES = sorted(FIXED) + ["BYTES"]
AWKWARD_BYTES = [b"", b"\x00\xff", b"abc\x00", b"\x00", "caf\u00e9".encode(), bytes(range(256))]


def make_array(datatype: str, shape, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    count = int(np.prod(shape, dtype=np.int64))
    if datatype == "BYTES":
        elements = [AWKWARD_BYTES[i % len(AWKWARD_BYTES)] + rng.bytes(i % 7) for i in range(count)]
        array = np.empty(count, dtype=object)
        array[:] = elements
        return array.reshape(shape)
    dtype = np.dtype(FIXED[datatype])
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    return rng.standard_normal(shape).astype(dtype)


def assert_same(out: np.ndarray, x: np.ndarray) -> None:
    assert out.shape == x.shape
    if x.dtype == object:
        assert out.dtype == object
        assert [bytes(v) for v in out.ravel()] == [bytes(v) for v in x.ravel()]
    else:
        assert out.dtype == x.dtype
        assert out.tobytes() == x.tobytes()  # bit for bit, NaN payloads and -0.0 included


@pytest.mark.parametrize("datatype", ALL_DATATYPES)
@pytest.mark.parametrize("length", [0, 1, 37])
def test_every_datatype_round_trips_through_its_identity_model(client, datatype, length):
    x = make_array(datatype, (length,), seed=length)
    result = client.infer(f"identity_{datatype.lower()}", {"INPUT0": x})
    assert result.get_output("OUTPUT0")["datatype"] == datatype
    assert_same(result.as_numpy("OUTPUT0"), x)


@pytest.mark.parametrize("datatype", ALL_DATATYPES)
def test_infer_input_declared_with_each_datatype(client, datatype):
    x = make_array(datatype, (5,), seed=3)
    tensor = InferInput("INPUT0", [5], datatype).set_data_from_numpy(x)
    out = client.infer(f"identity_{datatype.lower()}", [tensor]).as_numpy("OUTPUT0")
    assert_same(out, x)


@pytest.mark.parametrize("datatype", ALL_DATATYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (2, 3, 4), (1, 1, 1, 1, 5)])
def test_any_shape_round_trips_through_the_embedded_identity(embedded_client, datatype, shape):
    x = make_array(datatype, shape, seed=len(shape))
    assert_same(embedded_client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0"), x)


@pytest.mark.parametrize("datatype", ["BYTES", "BF16", "BOOL", "UINT64"])
def test_large_tensors_round_trip_through_the_embedded_identity(embedded_client, datatype):
    shape = (64, 4096) if datatype == "BYTES" else (4, 1 << 20)
    x = make_array(datatype, shape)
    assert_same(embedded_client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0"), x)


def test_bytes_elements_may_be_str_bytes_or_numpy_bytes(client):
    x = np.array(["", "caf\u00e9", b"\x00\xff", np.bytes_(b"np"), np.str_("s")], dtype=object)
    out = client.infer("identity_bytes", {"INPUT0": x}).as_numpy("OUTPUT0")
    assert list(out) == [b"", "caf\u00e9".encode(), b"\x00\xff", b"np", b"s"]


def test_fixed_width_bytes_arrays_are_sent_without_their_padding(client):
    x = np.array([b"a", b"bcd", b""], dtype="S4")
    out = client.infer("identity_bytes", {"INPUT0": x}).as_numpy("OUTPUT0")
    assert list(out) == [b"a", b"bcd", b""]


def test_non_contiguous_bytes_array_is_sent_in_logical_order(client):
    x = make_array("BYTES", (12,))[::3]
    assert_same(client.infer("identity_bytes", {"INPUT0": x}).as_numpy("OUTPUT0"), x)


def test_big_endian_and_strided_bf16_and_fixed_inputs(client):
    for x in (np.arange(10, dtype=">i8"), np.arange(20, dtype=np.float16)[::2],
              np.arange(20, dtype=np.float32).astype(ml_dtypes.bfloat16)[1::2]):
        datatype = "BF16" if x.dtype == ml_dtypes.bfloat16 else tritonlink._datatypes.triton_datatype(x.dtype)
        out = client.infer(f"identity_{datatype.lower()}", {"INPUT0": x}).as_numpy("OUTPUT0")
        np.testing.assert_array_equal(out.astype(np.float64), x.astype(np.float64))


def test_bytes_output_is_an_object_array_shaped_as_the_output(embedded_client):
    x = make_array("BYTES", (2, 3))
    out = embedded_client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0")
    assert out.dtype == object and out.shape == (2, 3)
    assert all(type(v) is bytes for v in out.ravel())


def test_the_wrong_datatype_for_a_typed_identity_is_rejected_by_the_server(client):
    with pytest.raises(tritonlink.InvalidArgumentError, match="BYTES"):
        client.infer("identity_bytes", {"INPUT0": np.ones(2, np.float32)})


def test_rank_other_than_the_declared_one_is_rejected_by_the_server(client):
    with pytest.raises(tritonlink.InvalidArgumentError, match="unexpected shape"):
        client.infer("identity_int8", {"INPUT0": np.ones((2, 2), np.int8)})


def test_typed_identity_metadata_declares_its_datatype(client):
    for datatype in ALL_DATATYPES:
        metadata = client.get_model_metadata(f"identity_{datatype.lower()}")
        assert metadata["inputs"][0]["datatype"] == datatype
        assert metadata["outputs"][0]["datatype"] == datatype
        assert [int(d) for d in metadata["inputs"][0]["shape"]] == [-1]
    config = client.get_model_config("identity_bytes")["config"]
    assert config["input"][0]["data_type"] == "TYPE_STRING"


# ---- the BYTES wire form, without a server ----


def test_serialized_bytes_match_tritonclients_encoding():
    from tritonclient.utils import serialize_byte_tensor

    x = np.array(AWKWARD_BYTES + ["text"], dtype=object)
    ours = _core.serialize_bytes_tensor("INPUT0", x).tobytes()
    assert ours == serialize_byte_tensor(x).item()  # a 0-d object array holding the bytes


def test_serialized_bytes_are_length_prefixed_little_endian():
    x = np.array([b"ab", b"", b"\x00\xff\x01"], dtype=object)
    assert _core.serialize_bytes_tensor("INPUT0", x).tobytes() == (
        b"\x02\x00\x00\x00ab" b"\x00\x00\x00\x00" b"\x03\x00\x00\x00\x00\xff\x01")


@pytest.mark.parametrize("payload, shape", [
    (b"\x01\x00\x00", [1]),                       # length prefix cut short
    (b"\x05\x00\x00\x00abc", [1]),                # element longer than what remains
    (b"\xff\xff\xff\xffabc", [1]),                # huge length
    (b"\x01\x00\x00\x00a", [2]),                  # fewer elements than the shape needs
    (b"\x01\x00\x00\x00a\x00\x00\x00\x00", [1]),  # more elements than the shape needs
])
def test_malformed_bytes_payload_raises_value_error(payload, shape):
    with pytest.raises(ValueError):
        _core.deserialize_bytes_tensor(payload, shape)


def test_malformed_bytes_output_raises_value_error_from_as_numpy():
    import tritonclient.grpc.service_pb2 as pb

    message = pb.ModelInferResponse()
    message.outputs.add(name="x", datatype="BYTES", shape=[1])
    message.raw_output_contents.append(b"\x09\x00\x00\x00abc")
    result = tritonlink.InferResult(_core.decode_infer_response(message.SerializeToString()))
    with pytest.raises(ValueError, match="'x'.*BYTES"):
        result.as_numpy("x")


def test_embedded_server_rejects_a_malformed_bytes_input(embedded_client):
    # Declared as UINT8 for the client, sent with the BYTES datatype name via InferInput's core tuple.
    bad = np.frombuffer(b"\x09\x00\x00\x00abc", np.uint8)
    with pytest.raises(tritonlink.InvalidArgumentError, match="BYTES"):
        embedded_client._client().infer("identity_bytes", [("INPUT0", "BYTES", (1,), bad, None)], [], "", "", None,
                                        None, None)


@pytest.mark.parametrize("value", [[1, b"a"], [None], [3.5]])
def test_bytes_elements_of_other_types_are_refused(value):
    x = np.empty(len(value), dtype=object)
    x[:] = value
    with pytest.raises(TypeError, match="INPUT0.*bytes or str"):
        InferInput("INPUT0", [len(value)], "BYTES").set_data_from_numpy(x)


def test_bytes_input_needs_an_object_or_bytes_array():
    with pytest.raises(ValueError, match="INPUT0.*BYTES"):
        InferInput("INPUT0", [2], "BYTES").set_data_from_numpy(np.ones(2, np.float32))


def test_bf16_without_ml_dtypes_raises_an_error_naming_it(monkeypatch):
    real_import = builtins.__import__

    def no_ml_dtypes(name, *args, **kwargs):
        if name == "ml_dtypes":
            raise ImportError("No module named 'ml_dtypes'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ml_dtypes)
    with pytest.raises(ImportError, match="input 'INPUT0'.*BF16.*ml_dtypes"):
        InferInput("INPUT0", [1], "BF16")

    import tritonclient.grpc.service_pb2 as pb

    message = pb.ModelInferResponse()
    message.outputs.add(name="y", datatype="BF16", shape=[1])
    message.raw_output_contents.append(b"\x80\x3f")
    result = tritonlink.InferResult(_core.decode_infer_response(message.SerializeToString()))
    with pytest.raises(ImportError, match="output 'y'.*ml_dtypes"):
        result.as_numpy("y")
