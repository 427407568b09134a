"""CUDA shared memory: device memory exported by IPC handle, registered with a server.

libcudart is loaded with dlopen at first use (the nvidia-cuda-runtime-cu12 wheel's copy first,
then the names a CUDA install gives the loader), so tritonlink imports and runs everything else
without CUDA; there, every call here raises CudaUnavailableError saying what was looked for.

    with tritonlink.cuda_shared_memory.create_region("gpu_in", 1 << 20, device_id=0) as region:
        region.write([array])                 # host to device
        client.register(region)               # CudaSharedMemoryRegister with its IPC handle
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any, Iterable, Sequence, Union

import numpy as np

from . import _core
from ._core import CudaError, CudaUnavailableError, wire_payload
from ._datatypes import ELEMENT_SIZE, triton_datatype
from ._dlpack import DLPackView
from .shared_memory import Region, check_region_name, check_shape, check_span, count

__all__ = ["CudaError", "CudaSharedMemoryRegion", "CudaUnavailableError", "create_region", "device_count"]

_searched = False
_DLPACK_CUDA = 2  # DLPack's kDLCUDA device type


def _wheel_library_dirs() -> str:
    """The lib directory of the nvidia-cuda-runtime-cu12 wheel, when it is installed."""
    try:
        spec = importlib.util.find_spec("nvidia.cuda_runtime")
    except (ImportError, ValueError):
        return ""
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return ":".join(os.path.join(location, "lib") for location in locations)


def _runtime() -> Any:
    global _searched
    if not _searched:
        _core.set_cudart_search_paths(_wheel_library_dirs())
        _searched = True
    return _core


def device_count() -> int:
    """How many CUDA devices there are (CudaUnavailableError without a CUDA runtime)."""
    return _runtime().cuda_device_count()


class CudaSharedMemoryRegion(Region):
    """``byte_size`` bytes on device ``device_id``, known to servers as ``name``; a context
    manager that frees the memory on close (also on garbage collection)."""

    __slots__ = ()

    @property
    def device_id(self) -> int:
        return self._live().device

    @property
    def raw_handle(self) -> bytes:
        """The 64-byte cudaIpcMemHandle_t a server opens the memory with."""
        return self._live().ipc_handle()

    def write(self, arrays: Union[np.ndarray, Iterable[np.ndarray]], offset: int = 0) -> int:
        """Copies numpy arrays (host to device) one after another from `offset`; returns the
        offset after the last."""
        if isinstance(arrays, np.ndarray):
            arrays = [arrays]
        payloads = [wire_payload("region write", triton_datatype(a.dtype), a) for a in arrays]
        end = count(offset, "offset")
        check_span(self._name, self.byte_size, end, sum(p.nbytes for p in payloads))
        for payload in payloads:
            self._memory.copy_from_host(end, payload.reshape(-1).view(np.uint8))
            end += payload.nbytes
        return end

    def as_numpy(self, dtype: Any, shape: Sequence[int], offset: int = 0) -> np.ndarray:
        """A new array with the region's bytes at `offset` (device to host)."""
        dtype = np.dtype(dtype)
        shape = check_shape(shape, "shape")
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        check_span(self._name, self.byte_size, count(offset, "offset"), nbytes)
        return self._memory.copy_to_host(offset, nbytes).view(dtype).reshape(shape)

    def as_dlpack(self, datatype: str, shape: Sequence[int], offset: int = 0) -> DLPackView:
        """A DLPack view (no copy; for torch.from_dlpack, cupy.from_dlpack) of the `datatype`
        tensor of `shape` at `offset`. The device memory stays allocated while a consumer
        holds the view, even after the region is closed."""
        shape = check_shape(shape, "shape")
        nbytes = ELEMENT_SIZE.get(datatype, 0) * int(np.prod(shape, dtype=np.int64))
        check_span(self._name, self.byte_size, count(offset, "offset"), nbytes)
        memory = self._live()
        return DLPackView(memory.device_pointer + offset, (_DLPACK_CUDA, memory.device), datatype, shape, memory)

    def close(self) -> None:
        self._memory = None  # the compiled object frees the device memory


def create_region(name: str, byte_size: int, device_id: int = 0) -> CudaSharedMemoryRegion:
    """Allocates `byte_size` bytes on device `device_id`."""
    name = check_region_name(name)
    memory = _runtime().CudaSharedMemory(count(device_id, "device_id"), count(byte_size, "byte_size"))
    return CudaSharedMemoryRegion(name, memory)
