"""What reaches the wire: every fixed-size datatype, odd memory layouts, and copies avoided.

The embedded server's `identity` takes any datatype and shape, so the round trips here run on
it; the FP32 cases run on the real Triton server as well.
"""

from __future__ import annotations

import numpy as np
import pytest

from tritonlink import _core
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
    assert core_inputs({"INPUT0": x})[0][3] is x


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
