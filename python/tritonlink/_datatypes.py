"""Triton datatype names and the numpy dtypes that carry them, from the compiled core's table."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core

# (name, element size or 0 for BYTES, numpy's kind or "" where another package provides the
# dtype, numpy's dtype name): csrc/core/datatypes.h, the one table.
_TABLE = _core.datatypes()

TRITON_DATATYPES = frozenset(name for name, _, _, _ in _TABLE)

# Bytes per element, 0 for BYTES (whose elements are length-prefixed).
ELEMENT_SIZE: dict[str, int] = {name: size for name, size, _, _ in _TABLE}

# The fixed-size datatypes numpy types itself, little-endian as the protocol sends them.
NUMPY_FOR_TRITON = {
    name: np.dtype(numpy_name).newbyteorder("<")
    for name, size, kind, numpy_name in _TABLE
    if size and kind
}


def numpy_dtype(datatype: str, what: str = "the tensor") -> np.dtype:
    """The numpy dtype for a Triton datatype; ValueError names an unknown one.

    `what` names the tensor in errors. BYTES gives the object dtype (bytes_ (S) arrays carry it
    too); BF16 gives ml_dtypes.bfloat16, ImportError naming ml_dtypes when it is not installed.
    """
    dtype = NUMPY_FOR_TRITON.get(datatype)
    return dtype if dtype is not None else _core.numpy_dtype(datatype, what)


def check_datatype(datatype: str, what: str) -> None:
    """Rejects an unknown name, and BF16 without ml_dtypes, when a tensor is declared."""
    numpy_dtype(datatype, what)


# Filled as dtypes are met: this lookup runs for every input of every request.
_DATATYPE_FOR_DTYPE: dict[np.dtype[Any], str] = {}


def triton_datatype(dtype: np.dtype[Any]) -> str:
    """The Triton datatype name for a numpy dtype; TypeError for one the protocol cannot carry."""
    name = _DATATYPE_FOR_DTYPE.get(dtype)
    if name is None:
        name = _DATATYPE_FOR_DTYPE.setdefault(dtype, _core.triton_datatype(dtype))
    return name


def matches(dtype: np.dtype[Any], datatype: str) -> bool:
    """Whether an array of `dtype` can carry a tensor declared `datatype` (any byte order)."""
    try:
        return triton_datatype(dtype) == datatype
    except TypeError:
        return False
