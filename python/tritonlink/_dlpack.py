"""DLPack views of memory tritonlink owns (a CUDA region's device memory), so that
torch.from_dlpack or cupy.from_dlpack read it without a copy.

The capsule follows DLPack's unversioned protocol: it is named "dltensor", a consumer renames
it "used_dltensor" and calls the deleter once it is done with the memory; a capsule nobody
consumed calls the deleter itself when it is collected. Until the deleter runs, the tensor
keeps its owner (the object that frees the memory) alive.
"""

from __future__ import annotations

import ctypes
from typing import Any, Optional, Sequence

from ._datatypes import ELEMENT_SIZE

__all__ = ["DLPackView"]


class _Device(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", _Device), ("ndim", ctypes.c_int32), ("dtype", _DataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


class _ManagedTensor(ctypes.Structure):
    pass


_Deleter = ctypes.CFUNCTYPE(None, ctypes.POINTER(_ManagedTensor))
_ManagedTensor._fields_ = [("dl_tensor", _Tensor), ("manager_ctx", ctypes.c_void_p), ("deleter", _Deleter)]

# What each lent tensor keeps alive (its structure, its shape, its owner), by its address.
_lent: dict[int, tuple[Any, ...]] = {}


def _release(managed: Any) -> None:
    _lent.pop(ctypes.addressof(managed.contents), None)


_release_callback = _Deleter(_release)  # one C function pointer, alive as long as the module


_NAME = b"dltensor"  # PyCapsule_New keeps this pointer, so it lives as long as the module
_CapsuleDestructor = ctypes.CFUNCTYPE(None, ctypes.c_void_p)  # a bare pointer: the capsule is being freed
_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, _CapsuleDestructor]
_capsule_is_valid = ctypes.pythonapi.PyCapsule_IsValid
_capsule_is_valid.restype = ctypes.c_int
_capsule_is_valid.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]


def _collect(capsule: int) -> None:
    if _capsule_is_valid(capsule, _NAME):  # never consumed: nobody else will call the deleter
        managed = ctypes.cast(_capsule_pointer(capsule, _NAME), ctypes.POINTER(_ManagedTensor))
        managed.contents.deleter(managed)


_collect_callback = _CapsuleDestructor(_collect)


# DLPack's type codes by Triton datatype prefix (UINT before INT, which it starts with).
_TYPE_CODES = (("BOOL", 6), ("UINT", 1), ("INT", 0), ("FP", 2), ("BF", 4))


def _data_type(datatype: str) -> _DataType:
    size = ELEMENT_SIZE.get(datatype)
    code = next((code for prefix, code in _TYPE_CODES if datatype.startswith(prefix)), None)
    if not size or code is None:
        raise ValueError(f"a {datatype} tensor has no DLPack view (fixed-size datatypes only)")
    return _DataType(code, size * 8, 1)


class DLPackView:
    """A C-contiguous tensor of `datatype` and `shape` at `pointer` on DLPack device `device`
    ((2, n) for CUDA device n, (1, 0) for host memory), whose memory `owner` keeps alive."""

    def __init__(self, pointer: int, device: tuple[int, int], datatype: str, shape: Sequence[int], owner: Any) -> None:
        self._dtype = _data_type(datatype)
        self._pointer, self._device, self._owner = pointer, device, owner
        self._shape = [int(dim) for dim in shape]

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._device

    def __dlpack__(self, stream: Optional[int] = None) -> Any:
        # No stream to wait for: the regions' copies (cudaMemcpy) finish before they return.
        managed = _ManagedTensor()
        shape = (ctypes.c_int64 * len(self._shape))(*self._shape)
        managed.dl_tensor = _Tensor(data=self._pointer, device=_Device(*self._device), ndim=len(self._shape),
                                    dtype=self._dtype, shape=shape, strides=None, byte_offset=0)
        managed.deleter = _release_callback
        _lent[ctypes.addressof(managed)] = (managed, shape, self._owner)
        return _capsule_new(ctypes.addressof(managed), _NAME, _collect_callback)
