"""tritonclient.utils over tritonlink: datatype names and the BYTES tensor wire form; the
submodules shared_memory and cuda_shared_memory are tritonclient's shared-memory utils.

The conversions are tritonlink's own (the compiled core's datatype table and BYTES codec).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ... import _core, _datatypes
from ...errors import InferenceServerException


def np_to_triton_dtype(np_dtype: Any) -> Optional[str]:
    """The Triton datatype name of a numpy dtype (object and S arrays: "BYTES"), or None."""
    try:
        return _datatypes.triton_datatype(np.dtype(np_dtype))
    except TypeError:
        return None


def triton_to_np_dtype(dtype: str) -> Optional[type]:
    """The numpy scalar type of a Triton datatype (BYTES: numpy.object_), or None."""
    if dtype == "BOOL":
        return bool  # what tritonclient returns: Python's bool, not numpy.bool_
    try:
        return _datatypes.numpy_dtype(dtype).type
    except ValueError:
        return None


def serialize_byte_tensor(input_tensor: np.ndarray) -> np.ndarray:
    """A BYTES tensor's elements (bytes or str), in C order, as the wire sends them: each a
    4-byte little-endian length and its bytes. Returned, as tritonclient does, as a 0-d object
    array holding those bytes (an empty array for an empty tensor)."""
    if input_tensor.size == 0:
        return np.empty([0], dtype=np.object_)
    if input_tensor.dtype != np.object_ and input_tensor.dtype.type != np.bytes_:
        raise InferenceServerException("cannot serialize bytes tensor: invalid datatype")
    wire = _core.serialize_bytes_tensor("input_tensor", np.ascontiguousarray(input_tensor))
    return np.asarray(wire.tobytes(), dtype=np.object_)


def serialized_byte_size(tensor_value: np.ndarray) -> int:
    """The bytes an object array's elements hold together (for serialize_byte_tensor's output,
    the size of the serialized tensor, as a shared-memory region needs it)."""
    if tensor_value.dtype != np.object_:
        raise InferenceServerException("The tensor_value dtype must be np.object_")
    return sum(len(element) for element in tensor_value.flat)


def deserialize_bytes_tensor(encoded_tensor: bytes) -> np.ndarray:
    """The elements of a serialized BYTES tensor, as a 1-d object array of bytes."""
    return _core.deserialize_bytes_tensor(bytes(encoded_tensor))


__all__ = ["InferenceServerException", "deserialize_bytes_tensor", "np_to_triton_dtype", "serialize_byte_tensor",
           "serialized_byte_size", "triton_to_np_dtype"]
