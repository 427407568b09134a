"""tritonclient.utils.cuda_shared_memory over tritonlink.cuda_shared_memory: device regions.

tritonlink loads libcudart itself (no cuda-python); without a CUDA runtime or a GPU every call
that touches the device raises CudaSharedMemoryException saying what was looked for.
"""

from __future__ import annotations

import base64
from typing import Any, Optional

import numpy as np

from ... import cuda_shared_memory as _cuda
from ._region_values import bytes_elements, is_bytes, wire_arrays

__all__ = ["CudaSharedMemoryException", "CudaSharedMemoryRegion", "allocated_shared_memory_regions",
           "as_shared_memory_tensor", "create_shared_memory_region", "destroy_shared_memory_region",
           "get_contents_as_numpy", "get_raw_handle", "set_shared_memory_region",
           "set_shared_memory_region_from_dlpack"]

class CudaSharedMemoryException(Exception):
    """Exception indicating non-Success status."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self._msg = msg

    def __str__(self) -> str:
        return self._msg


class CudaSharedMemoryRegion:
    """The handle of a CUDA shared-memory region, as create_shared_memory_region returns it."""

    def __init__(self, triton_shm_name: str, region: _cuda.CudaSharedMemoryRegion) -> None:
        self._triton_shm_name = triton_shm_name
        self._region: Optional[_cuda.CudaSharedMemoryRegion] = region  # None once destroyed
        self._byte_size = region.byte_size
        self._device_id = region.device_id


_allocated: list[CudaSharedMemoryRegion] = []


class _Failing:
    """Turns what tritonlink raises into CudaSharedMemoryException, prefixed with what failed."""

    def __init__(self, doing: str) -> None:
        self._doing = doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if isinstance(error, (_cuda.CudaUnavailableError, _cuda.CudaError, ValueError, TypeError)):
            raise CudaSharedMemoryException(f"unable to {self._doing}: {error}") from error


def create_shared_memory_region(triton_shm_name: str, byte_size: int, device_id: int) -> CudaSharedMemoryRegion:
    """Allocates `byte_size` bytes on GPU `device_id`, to register as `triton_shm_name`."""
    with _Failing(f"create the cuda shared memory region '{triton_shm_name}'"):
        handle = CudaSharedMemoryRegion(triton_shm_name, _cuda.create_region(triton_shm_name, byte_size, device_id))
    _allocated.append(handle)
    return handle


def _region(cuda_shm_handle: CudaSharedMemoryRegion) -> _cuda.CudaSharedMemoryRegion:
    region = cuda_shm_handle._region
    if region is None:
        raise CudaSharedMemoryException(f"cuda shared memory region '{cuda_shm_handle._triton_shm_name}' was destroyed")
    return region


def get_raw_handle(cuda_shm_handle: CudaSharedMemoryRegion) -> bytes:
    """The region's cudaIpcMemHandle_t, base64-encoded, as register_cuda_shared_memory takes it."""
    with _Failing("get the cuda IPC handle"):
        return base64.b64encode(_region(cuda_shm_handle).raw_handle)


def set_shared_memory_region(cuda_shm_handle: CudaSharedMemoryRegion, input_values: Any) -> None:
    """Copies the numpy arrays in `input_values` (host to device) one after another from the
    region's start. A BYTES tensor goes in serialized (see serialize_byte_tensor)."""
    arrays = wire_arrays(input_values, CudaSharedMemoryException)
    with _Failing("set the cuda shared memory region"):
        _region(cuda_shm_handle).write(arrays)


def set_shared_memory_region_from_dlpack(cuda_shm_handle: CudaSharedMemoryRegion, input_values: Any) -> None:
    """Copies DLPack tensors one after another from the region's start: device to device for
    tensors on a GPU (after the work their producer queued), host to device for host ones."""
    if not isinstance(input_values, (list, tuple)):
        raise CudaSharedMemoryException("input_values must be specified as a list/tuple of DLPack tensors")
    for value in input_values:
        if not hasattr(value, "__dlpack__"):
            raise CudaSharedMemoryException(f"each element of input_values must support DLPack, not "
                                            f"{type(value).__name__}")
    with _Failing("set the cuda shared memory region"):
        _region(cuda_shm_handle).write(list(input_values))


def get_contents_as_numpy(cuda_shm_handle: CudaSharedMemoryRegion, datatype: Any, shape: Any) -> np.ndarray:
    """A host copy of the region's contents as an array of `datatype` and `shape`; for an
    object (BYTES) datatype, the deserialized elements."""
    region = _region(cuda_shm_handle)
    with _Failing("read the cuda shared memory region"):
        if is_bytes(datatype):
            payload = region.as_numpy(np.uint8, [region.byte_size])
            return bytes_elements(payload, shape, f"cuda shared memory region '{cuda_shm_handle._triton_shm_name}'",
                                  CudaSharedMemoryException)
        return region.as_numpy(datatype, shape)


def as_shared_memory_tensor(cuda_shm_handle: CudaSharedMemoryRegion, datatype: str, shape: Any) -> Any:
    """A DLPack view, no copy, of the region's start as a tensor of `datatype` (a Triton name)
    and `shape`, for torch.from_dlpack or cupy.from_dlpack."""
    region = _region(cuda_shm_handle)
    with _Failing("view the cuda shared memory region"):
        return region.as_dlpack(datatype, shape)


def allocated_shared_memory_regions() -> list[CudaSharedMemoryRegion]:
    """The handles of the regions allocated and not yet destroyed."""
    return list(_allocated)


def destroy_shared_memory_region(cuda_shm_handle: CudaSharedMemoryRegion) -> None:
    """Frees the region's device memory."""
    _region(cuda_shm_handle).close()
    cuda_shm_handle._region = None
    _allocated.remove(cuda_shm_handle)
