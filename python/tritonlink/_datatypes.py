"""Triton datatype names and the numpy dtypes that carry them."""

from __future__ import annotations

import numpy as np

# Little-endian, as the protocol sends raw tensors. The compiled core reads this table too, to
# make output views.
NUMPY_FOR_TRITON = {
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

# Keyed by (kind, itemsize) so that byte order does not matter for the lookup. The compiled
# core reads this table too, for the inputs it takes straight from a dict.
TRITON_FOR_NUMPY = {(dt.kind, dt.itemsize): name for name, dt in NUMPY_FOR_TRITON.items()}

# BYTES tensors travel as length-prefixed elements; numpy holds them as object arrays of
# bytes/str or as fixed-width bytes_ (S) arrays.
BYTES = "BYTES"
BYTES_KINDS = frozenset("OS")

BF16 = "BF16"
_BF16_NAME = "bfloat16"  # numpy has no bfloat16; ml_dtypes registers one under this name

TRITON_DATATYPES = frozenset(NUMPY_FOR_TRITON) | {BYTES, BF16}


def bfloat16_dtype(what: str) -> np.dtype:
    """ml_dtypes' bfloat16, imported on first use so that it stays an optional dependency."""
    try:
        import ml_dtypes
    except ImportError as error:
        raise ImportError(
            f"{what} has datatype BF16, whose numpy dtype (bfloat16) comes from the ml_dtypes package: "
            "pip install ml_dtypes"
        ) from error
    return np.dtype(ml_dtypes.bfloat16)


def numpy_dtype(datatype: str, what: str = "the tensor") -> np.dtype:
    """The numpy dtype for a fixed-size Triton datatype; ValueError names an unknown one.

    `what` names the tensor in errors. BYTES has no single dtype: see BYTES_KINDS.
    """
    try:
        return NUMPY_FOR_TRITON[datatype]
    except KeyError:
        pass
    if datatype == BF16:
        return bfloat16_dtype(what)
    if datatype == BYTES:
        return np.dtype(object)
    raise ValueError(
        f"{what} has unknown Triton datatype {datatype!r}; expected one of {', '.join(sorted(TRITON_DATATYPES))}"
    )


def check_datatype(datatype: str, what: str) -> None:
    """Rejects an unknown name, and BF16 without ml_dtypes, when a tensor is declared."""
    numpy_dtype(datatype, what)


# Filled as dtypes are met: this lookup runs for every input of every request.
_DATATYPE_FOR_DTYPE: dict = {}


def triton_datatype(dtype: np.dtype) -> str:
    """The Triton datatype name for a numpy dtype; TypeError for one the protocol cannot carry."""
    name = _DATATYPE_FOR_DTYPE.get(dtype)
    if name is None:
        name = _DATATYPE_FOR_DTYPE.setdefault(dtype, _lookup_datatype(dtype))
    return name


def _lookup_datatype(dtype: np.dtype) -> str:
    if dtype.kind in BYTES_KINDS:
        return BYTES
    if dtype.name == _BF16_NAME:
        return BF16
    name = TRITON_FOR_NUMPY.get((dtype.kind, dtype.itemsize))
    if name is None:
        hint = " (for BYTES, use an object array of str or bytes)" if dtype.kind == "U" else ""
        raise TypeError(f"numpy dtype {dtype} has no Triton datatype{hint}")
    return name


def matches(dtype: np.dtype, datatype: str) -> bool:
    """Whether an array of `dtype` can carry a tensor declared `datatype` (any byte order)."""
    try:
        return triton_datatype(dtype) == datatype
    except TypeError:
        return False
