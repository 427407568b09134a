"""CUDA shared memory: device memory exported by IPC handle, registered with a server.

libcudart is loaded with dlopen at first use (directories in $TRITONLINK_CUDART_PATH first, then
the nvidia-cuda-runtime-cu12 wheel's copy, then the names a CUDA install gives the loader), so
tritonlink imports and runs everything else without CUDA; there, every call here raises
CudaUnavailableError saying what was looked for.

    with tritonlink.cuda_shared_memory.create_region("gpu_in", 1 << 20, device_id=0) as region:
        region.write([array, torch_tensor])   # host to device; device to device, no host trip
        client.register(region)               # CudaSharedMemoryRegister with its IPC handle
        torch.from_dlpack(region.as_dlpack("FP32", [4, 16]))   # a view of the region, no copy
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any, Callable, Sequence

import numpy as np

from . import _core
from ._core import CudaError, CudaUnavailableError, wire_payload
from ._datatypes import ELEMENT_SIZE, numpy_dtype, triton_datatype
from .shared_memory import Region, check_region_name, check_shape, count

__all__ = ["CudaError", "CudaSharedMemoryRegion", "CudaTensor", "CudaUnavailableError", "create_region", "device_count"]

_searched = False


def _library_dirs() -> str:
    """$TRITONLINK_CUDART_PATH, then the nvidia-cuda-runtime-cu12 wheel's lib directory."""
    dirs = [os.environ.get("TRITONLINK_CUDART_PATH", "")]
    try:
        spec = importlib.util.find_spec("nvidia.cuda_runtime")
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return ":".join(dirs + [os.path.join(location, "lib") for location in locations])


def _runtime() -> Any:
    global _searched
    if not _searched:
        _core.set_cudart_search_paths(_library_dirs())
        _searched = True
    return _core


def device_count() -> int:
    """How many CUDA devices there are (CudaUnavailableError without a CUDA runtime)."""
    return _runtime().cuda_device_count()


class CudaSharedMemoryRegion(Region):
    """``byte_size`` bytes on device ``device_id``, known to servers as ``name``; a context
    manager that frees the memory on close (also on garbage collection) once no DLPack view of
    it is left."""

    __slots__ = ()

    @property
    def device_id(self) -> int:
        return self._live().device

    @property
    def raw_handle(self) -> bytes:
        """The 64-byte cudaIpcMemHandle_t a server opens the memory with."""
        return self._live().ipc_handle()

    def write(self, arrays: Any, offset: int = 0) -> int:
        """Copies tensors one after another from `offset`; returns the offset after the last.
        numpy arrays go host to device; objects with ``__dlpack__`` (torch, cupy, jax) or
        ``__cuda_array_interface__`` (numba, cupy) that live on a GPU go device to device, after
        the work their producer queued on its stream, with no trip through the host. Each must be
        C-contiguous (strides of size-1 dimensions are not looked at)."""
        sources = [_source(a) for a in ([arrays] if _is_tensor(arrays) else arrays)]
        end = count(offset, "offset")
        self.check_span(end, sum(size for size, _ in sources))
        for size, copy in sources:
            copy(self._memory, end)
            end += size
        return end

    def as_dlpack(self, datatype: Any, shape: Sequence[int], offset: int = 0) -> "CudaTensor":
        """The region's bytes at `offset` as a tensor that torch.from_dlpack, cupy.from_dlpack
        (``__dlpack__``) and cupy.asarray or numba (``__cuda_array_interface__``) take without a
        copy. It keeps the device memory alive after the region is closed."""
        if not isinstance(datatype, str):
            datatype = triton_datatype(np.dtype(datatype))
        if not ELEMENT_SIZE.get(datatype):
            raise ValueError(f"as_dlpack() needs a fixed-size Triton datatype, not {datatype!r}")
        shape = check_shape(shape, "shape")
        nbytes = int(np.prod(shape, dtype=np.int64)) * ELEMENT_SIZE[datatype]
        self.check_span(offset, nbytes)
        return CudaTensor(self._live(), datatype, shape, offset)

    def as_numpy(self, dtype: Any, shape: Sequence[int], offset: int = 0) -> np.ndarray:
        """A new array with the region's bytes at `offset` (device to host)."""
        dtype = np.dtype(dtype)
        shape = check_shape(shape, "shape")
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        self.check_span(offset, nbytes)
        return self._memory.copy_to_host(offset, nbytes).view(dtype).reshape(shape)

    def _span_bytes(self, offset: int, byte_size: int) -> bytes:
        return self._memory.copy_to_host(offset, byte_size).tobytes()

    def _read_fixed(self, dtype: np.dtype, shape: Sequence[int], offset: int) -> np.ndarray:
        """A new array, copied device to host."""
        return self.as_numpy(dtype, shape, offset)


class CudaTensor:
    """A C-order view of CUDA region memory, for DLPack and ``__cuda_array_interface__``
    consumers. Every copy into a region has finished when write() returns, so a consumer
    needs no stream synchronization."""

    __slots__ = ("_memory", "_datatype", "_shape", "_offset")

    def __init__(self, memory: Any, datatype: str, shape: tuple[int, ...], offset: int) -> None:
        self._memory, self._datatype, self._shape, self._offset = memory, datatype, shape, offset

    def __dlpack__(self, stream: Any = None, **_ignored: Any) -> Any:
        return self._memory.dlpack(self._offset, self._datatype, list(self._shape))

    def __dlpack_device__(self) -> tuple[int, int]:
        return (_KDL_CUDA, self._memory.device)

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        return {"shape": self._shape, "typestr": numpy_dtype(self._datatype, "as_dlpack").str,
                "data": (self._memory.device_pointer + self._offset, False), "strides": None,
                "version": 3, "stream": None}


_KDL_CPU, _KDL_CUDA = 1, 2  # DLPack's device types
_LEGACY_DEFAULT_STREAM = 1  # what __dlpack__(stream=...) calls it; the copy runs on it


def _is_tensor(value: Any) -> bool:
    return isinstance(value, np.ndarray) or hasattr(value, "__dlpack__") or hasattr(value, "__cuda_array_interface__")


def _source(value: Any) -> tuple[int, Callable[[Any, int], Any]]:
    """(byte size, copy(memory, offset)) for one tensor write() was given."""
    if isinstance(value, np.ndarray):
        payload = wire_payload("region write", triton_datatype(value.dtype), value).reshape(-1).view(np.uint8)
        return payload.nbytes, lambda memory, offset: memory.copy_from_host(offset, payload)
    if hasattr(value, "__dlpack__"):
        device_type, _ = value.__dlpack_device__()
        capsule = value.__dlpack__() if device_type == _KDL_CPU else value.__dlpack__(stream=_LEGACY_DEFAULT_STREAM)
        return _core.dlpack_byte_size(capsule), lambda memory, offset: memory.copy_from_dlpack(offset, capsule)
    if hasattr(value, "__cuda_array_interface__"):
        return _cuda_array_source(value.__cuda_array_interface__)
    raise TypeError("write() takes numpy arrays and DLPack or CUDA array interface tensors, not "
                    f"{type(value).__name__}")


def _cuda_array_source(interface: dict[str, Any]) -> tuple[int, Callable[[Any, int], Any]]:
    shape = list(interface["shape"])
    strides = list(interface.get("strides") or [])
    pointer = int(interface["data"][0])
    size = _core.row_major_byte_size(shape, strides, np.dtype(interface["typestr"]).itemsize, "CUDA array")
    # Version 3's `stream`: the producer's work is queued there; None or absent: nothing pending.
    stream = int(interface.get("stream") or 0)
    return size, lambda memory, offset: memory.copy_from_device(offset, pointer, size, stream)


def create_region(name: str, byte_size: int, device_id: int = 0) -> CudaSharedMemoryRegion:
    """Allocates `byte_size` bytes on device `device_id`."""
    name = check_region_name(name)
    memory = _runtime().CudaSharedMemory(count(device_id, "device_id"), count(byte_size, "byte_size"))
    return CudaSharedMemoryRegion(name, memory)
