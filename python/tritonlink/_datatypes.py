"""Triton datatype names and the numpy dtypes that carry them."""

from __future__ import annotations

import numpy as np

# Little-endian, as the protocol sends raw tensors.
_NUMPY_FOR_TRITON = {
    "BOOL": np.dtype(np.bool_),
    "UINT8": np.dtype("<u1"),
    "UINT16": np.dtype("<u2"),
    "UINT32": np.dtype("<u4"),
    "UINT64": np.dtype("<u8"),
    "INT8": np.dtype("<i1"),
    "INT16": np.dtype("<i2"),
    "INT32": np.dtype("<i4"),
    "INT64": np.dtype("<i8"),
    "FP16": np.dtype("<f2"),
    "FP32": np.dtype("<f4"),
    "FP64": np.dtype("<f8"),
}

# Keyed by (kind, itemsize) so that byte order does not matter for the lookup.
_TRITON_FOR_NUMPY = {(dt.kind, dt.itemsize): name for name, dt in _NUMPY_FOR_TRITON.items()}

TRITON_DATATYPES = frozenset(_NUMPY_FOR_TRITON) | {"BYTES", "BF16"}


def numpy_dtype(datatype: str) -> np.dtype:
    """The numpy dtype for a Triton datatype name; ValueError names an unknown or unsupported one."""
    try:
        return _NUMPY_FOR_TRITON[datatype]
    except KeyError:
        if datatype in TRITON_DATATYPES:
            raise ValueError(f"datatype {datatype} is not supported by this version of tritonlink") from None
        raise ValueError(
            f"unknown Triton datatype {datatype!r}; expected one of {', '.join(sorted(TRITON_DATATYPES))}"
        ) from None


def triton_datatype(dtype: np.dtype) -> str:
    """The Triton datatype name for a numpy dtype; TypeError for one the protocol cannot carry."""
    name = _TRITON_FOR_NUMPY.get((dtype.kind, dtype.itemsize))
    if name is None:
        raise TypeError(f"numpy dtype {dtype} has no Triton datatype")
    return name
