"""What tritonclient's shared-memory utils write and read, for system and CUDA regions alike.

``input_values`` is a list or tuple of numpy arrays, each copied as its bytes in C order. BYTES
go in already serialized: an object array holds one element, serialize_byte_tensor's bytes,
and those bytes are what is written. Reading with an object or bytes dtype deserializes as
many length-prefixed elements as `shape` holds.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ... import _core

Raise = Callable[[str], Exception]


def wire_arrays(input_values: Any, error: Raise) -> list[np.ndarray]:
    """The bytes of each array in `input_values`, as uint8 arrays, in order."""
    if not isinstance(input_values, (list, tuple)):
        raise error("input_values must be specified as a list/tuple of numpy arrays")
    arrays = []
    for value in input_values:
        if not isinstance(value, np.ndarray):
            raise error(f"each element of input_values must be a numpy array, not {type(value).__name__}")
        arrays.append(_wire_bytes(value, error))
    return arrays


def _wire_bytes(array: np.ndarray, error: Raise) -> np.ndarray:
    if array.dtype != np.object_:
        return np.ascontiguousarray(array).reshape(-1).view(np.uint8)
    serialized = array.item() if array.size == 1 else None
    if not isinstance(serialized, bytes):
        raise error("an object array in input_values must hold one serialized BYTES tensor (what "
                    "serialize_byte_tensor returns), not elements to serialize")
    return np.frombuffer(serialized, dtype=np.uint8)


def is_bytes(datatype: Any) -> bool:
    """Whether get_contents_as_numpy reads `datatype` as serialized BYTES elements."""
    dtype = np.dtype(datatype)
    return dtype == np.object_ or dtype.type is np.bytes_


def bytes_elements(payload: np.ndarray, shape: Sequence[int], what: str, error: Raise) -> np.ndarray:
    """The BYTES elements that fill `shape`, read from the start of `payload` (uint8): each a
    4-byte little-endian length and its bytes; the region may hold more after them."""
    end = 0
    for _ in range(int(np.prod(shape, dtype=np.int64))):
        if end + 4 > payload.size:
            raise error(f"{what} ends after {end} bytes, inside the length of a BYTES element")
        end += 4 + int.from_bytes(payload[end:end + 4].tobytes(), "little")
        if end > payload.size:
            raise error(f"{what} holds {payload.size} bytes, fewer than its BYTES elements need")
    return _core.deserialize_bytes_tensor(payload[:end].tobytes(), list(shape))
