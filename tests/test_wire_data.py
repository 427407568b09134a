"""What reaches the wire: every fixed-size datatype, odd memory layouts, and copies avoided.

The embedded server's `identity` takes any datatype and shape, so the round trips here run on
it; the FP32 cases run on the real Triton server as well.
"""

from __future__ import annotations

import numpy as np
import pytest

from tritonlink import InferInput, _core
from tritonlink._tensors import core_inputs, wire_ready

FIXED_DTYPES = [np.bool_, np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64,
                np.float16, np.float32, np.float64]


def random_array(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", FIXED_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (7,), (2, 3, 4), (1, 1, 1, 1, 5)])
def test_every_fixed_datatype_and_shape_round_trips(embedded_client, dtype, shape):
    x = random_array(dtype, shape)
    out = embedded_client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0")
    assert out.dtype == x.dtype and out.shape == x.shape
    assert out.tobytes() == x.tobytes()


def test_large_tensor_round_trips(embedded_client):
    x = random_array(np.int64, (4, 1 << 20))  # 32 MiB
    out = embedded_client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0")
    assert np.array_equal(out, x)


def test_non_contiguous_input_is_sent_in_logical_order(client):
    base = np.arange(64, dtype=np.float32)
    x = base[::2]
    assert not x.flags.c_contiguous
    out = client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0")
    np.testing.assert_array_equal(out, x)


def test_transposed_input_is_sent_row_major(embedded_client):
    x = np.arange(12, dtype=np.int32).reshape(3, 4).T
    out = embedded_client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0")
    np.testing.assert_array_equal(out, x)


def test_big_endian_input_is_sent_little_endian(client):
    x = np.arange(10, dtype=">f4")
    out = client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0")
    assert out.dtype == np.dtype("<f4")
    np.testing.assert_array_equal(out, x)


def test_contiguous_little_endian_arrays_are_not_copied():
    x = np.ones(1000, np.float32)
    assert wire_ready(x) is x
    assert core_inputs([InferInput("INPUT0", [1000], "FP32").set_data_from_numpy(x)])[0][3] is x


def test_the_core_lends_a_dict_s_own_arrays_and_one_copy_of_odd_ones(embedded_client):
    """A {name: array} dict is read by the compiled core: what it lends gRPC (and so keeps
    referenced until released) is the caller's array itself, or the one converted copy."""
    plain = np.ones(1000, np.float32)
    strided = np.arange(10, dtype=np.float32)[::2]
    big_endian = np.arange(5, dtype=">i4")
    words = np.array([b"a", b"bc"], dtype=object)
    engine = _core.AsyncEngine(embedded_client._core)
    sink = _core.CompletionSink()
    lent = []
    inputs = {"PLAIN": plain, "STRIDED": strided, "BIG_ENDIAN": big_endian, "WORDS": words}
    engine.start_infer(sink, lent, 1, "identity", inputs, [], "", "", None, None, None)
    engine.shutdown()
    assert lent[0] is plain
    assert lent[1] is not strided and lent[1].flags.c_contiguous
    np.testing.assert_array_equal(lent[1], strided)
    assert lent[2].dtype == np.dtype("<i4")
    np.testing.assert_array_equal(lent[2], big_endian)
    assert lent[3].dtype == np.uint8 and bytes(lent[3]) == b"\x01\x00\x00\x00a\x02\x00\x00\x00bc"


def test_odd_layouts_are_copied_exactly_once():
    strided = np.arange(10, dtype=np.float32)[::2]
    big_endian = np.arange(5, dtype=">i4")
    for x in (strided, big_endian):
        converted = wire_ready(x)
        assert converted is not x and converted.flags.c_contiguous
        assert converted.dtype.byteorder in ("<", "=", "|")
        assert wire_ready(converted) is converted
        np.testing.assert_array_equal(converted, x)


def test_large_payloads_are_borrowed_not_copied_by_the_encoder():
    big = np.ones(1 << 20, np.float32)
    small = np.ones(4, np.float32)
    inputs = [("BIG", "FP32", big.shape, big, None), ("SMALL", "FP32", small.shape, small, None)]
    encoded, borrowed = _core.encode_infer_request("m", inputs, [], "", "", None)
    assert borrowed == 1
    assert len(encoded) > big.nbytes
