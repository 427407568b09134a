"""tritonclient.utils: datatype names and the BYTES wire form."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.parametrize("dtype, name", [(np.dtype(np.float32), "FP32"), (np.dtype(np.int64), "INT64"),
                                         (np.dtype(np.bool_), "BOOL"), (np.dtype(np.uint8), "UINT8"),
                                         (np.dtype(np.float16), "FP16"), (np.dtype(np.object_), "BYTES"),
                                         (np.dtype("S4"), "BYTES")])
def test_datatype_names_both_ways(api, dtype, name):
    assert api.utils.np_to_triton_dtype(dtype) == name
    if name not in ("BYTES", "BOOL"):
        assert api.utils.triton_to_np_dtype(name) == dtype.type
    assert api.utils.triton_to_np_dtype("BOOL") is bool
    assert api.utils.triton_to_np_dtype("BYTES") == np.object_


def test_unknown_datatypes_are_none(api):
    assert api.utils.triton_to_np_dtype("NOPE") is None
    assert api.utils.np_to_triton_dtype(np.dtype(np.complex64)) is None


def test_bytes_tensor_round_trip(api):
    tensor = np.array([[b"ab", b""], [b"cde", "é".encode()]], dtype=np.object_)
    serialized = api.utils.serialize_byte_tensor(tensor)
    assert serialized.dtype == np.object_ and serialized.shape == ()
    assert serialized.item() == b"\x02\x00\x00\x00ab\x00\x00\x00\x00\x03\x00\x00\x00cde\x02\x00\x00\x00\xc3\xa9"
    assert api.utils.deserialize_bytes_tensor(serialized.item()).tolist() == [b"ab", b"", b"cde", "é".encode()]
    assert api.utils.serialize_byte_tensor(np.array([], dtype=np.object_)).size == 0
