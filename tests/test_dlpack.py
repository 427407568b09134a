"""The DLPack views CUDA regions hand out, checked on host memory, which numpy consumes: the
consumer sees the producer's memory and types, and the owner lives until the last user lets go."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from tritonlink._dlpack import DLPackView

HOST = (1, 0)  # kDLCPU


class Owner:
    """Stands for the compiled object that frees a region's memory."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array


def owned_view(array: np.ndarray, datatype: str, shape) -> tuple:
    owner = Owner(array)
    return DLPackView(array.ctypes.data, HOST, datatype, shape, owner), weakref.ref(owner)


@pytest.mark.parametrize("dtype, datatype", [(np.float32, "FP32"), (np.int64, "INT64"), (np.uint16, "UINT16"),
                                             (np.int8, "INT8"), (np.bool_, "BOOL"), (np.float16, "FP16")])
def test_the_consumer_views_the_memory_with_its_type_and_shape(dtype, datatype):
    memory = np.arange(12).astype(dtype)
    view, _ = owned_view(memory, datatype, [3, 4])
    assert view.__dlpack_device__() == HOST
    consumed = np.from_dlpack(view)
    assert consumed.dtype == dtype and consumed.shape == (3, 4)
    assert np.shares_memory(consumed, memory)
    np.testing.assert_array_equal(consumed.reshape(-1), memory)


def test_a_consumer_keeps_the_owner_alive_until_it_lets_go():
    view, owner = owned_view(np.zeros(4, dtype=np.float32), "FP32", [4])
    consumed = np.from_dlpack(view)
    del view
    gc.collect()
    assert owner() is not None
    del consumed
    gc.collect()
    assert owner() is None


def test_a_capsule_nobody_consumed_releases_the_owner():
    view, owner = owned_view(np.zeros(2, dtype=np.int32), "INT32", [2])
    capsule = view.__dlpack__()
    assert type(capsule).__name__ == "PyCapsule"
    del view
    gc.collect()
    assert owner() is not None
    del capsule
    gc.collect()
    assert owner() is None


def test_a_scalar_view_has_no_dimensions():
    memory = np.array([7], dtype=np.int32)
    assert np.from_dlpack(DLPackView(memory.ctypes.data, HOST, "INT32", [], memory)).shape == ()


@pytest.mark.parametrize("datatype", ["BYTES", "NOPE"])
def test_only_fixed_size_datatypes_have_views(datatype):
    with pytest.raises(ValueError, match="no DLPack view"):
        DLPackView(0, HOST, datatype, [1], None)
