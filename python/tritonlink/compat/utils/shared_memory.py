"""tritonclient.utils.shared_memory over tritonlink.shared_memory: system regions by POSIX key.

As tritonclient does, this process keeps one mapping per key: creating a region whose key it
already maps (without create_only) hands out another handle to that mapping, and the mapping is
closed when as many handles have been destroyed. A key another process made is mapped whole;
only what this module created is unlinked.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Optional

import numpy as np

from ... import shared_memory as _system
from ._region_values import bytes_elements, is_bytes, wire_arrays

__all__ = ["SharedMemoryException", "SharedMemoryRegion", "create_shared_memory_region",
           "destroy_shared_memory_region", "get_contents_as_numpy", "mapped_shared_memory_regions",
           "set_shared_memory_region"]


class SharedMemoryException(Exception):
    """Exception type for shared memory related error."""


class _NotMapped(SharedMemoryException, KeyError):
    """A key this process does not map (tritonclient raises KeyError there)."""

    __str__ = Exception.__str__


class SharedMemoryRegion:
    """The handle of a mapped system shared-memory region, as create_shared_memory_region returns it."""

    def __init__(self, triton_shm_name: str, shm_key: str) -> None:
        self._triton_shm_name = triton_shm_name
        self._shm_key = shm_key
        self._region: Optional[_system.SharedMemoryRegion] = None  # None once destroyed


class _Mapping:
    def __init__(self, region: _system.SharedMemoryRegion) -> None:
        self.region, self.handles = region, 0


_mapped: dict[str, _Mapping] = {}  # by key, as the caller spelled it


def _posix_key(shm_key: str) -> str:
    # tritonclient takes keys with or without the leading '/' that shm_open names start with.
    return "/" + shm_key.lstrip("/") if isinstance(shm_key, str) else shm_key


def _map(triton_shm_name: str, shm_key: str, byte_size: int, create_only: bool) -> _system.SharedMemoryRegion:
    try:
        if byte_size <= 0:
            raise ValueError(f"byte_size must be positive, got {byte_size}")
        try:
            return _system.create_region(triton_shm_name, _posix_key(shm_key), byte_size)
        except FileExistsError:
            if create_only:
                raise
        # Made by another process: mapped whole, as tritonclient maps it.
        size = os.stat("/dev/shm" + _posix_key(shm_key)).st_size
        return _system.open_region(triton_shm_name, _posix_key(shm_key), size)
    except (OSError, ValueError, TypeError) as error:
        raise SharedMemoryException(f"unable to create the shared memory region '{shm_key}': {error}") from error


def create_shared_memory_region(triton_shm_name: str, shm_key: str, byte_size: int,
                                create_only: bool = False) -> SharedMemoryRegion:
    """A handle of the region `shm_key`, of `byte_size` bytes, created zeroed unless it exists.
    If it exists and `create_only` is false, the handle maps it as it is (whose size may
    differ: a UserWarning says so); with `create_only`, SharedMemoryException."""
    mapping = _mapped.get(shm_key)
    if mapping is None or create_only:
        mapping = _Mapping(_map(triton_shm_name, shm_key, byte_size, create_only))
        _mapped[shm_key] = mapping
    if mapping.region.byte_size != byte_size:
        warnings.warn(f"reusing shared memory region with key '{shm_key}', region size is "
                      f"{mapping.region.byte_size} instead of requested {byte_size}", stacklevel=2)
    handle = SharedMemoryRegion(triton_shm_name, shm_key)
    handle._region = mapping.region
    mapping.handles += 1
    return handle


def _region(shm_handle: SharedMemoryRegion) -> _system.SharedMemoryRegion:
    region = shm_handle._region
    if region is None:
        raise SharedMemoryException(f"shared memory region '{shm_handle._shm_key}' was destroyed")
    return region


def set_shared_memory_region(shm_handle: SharedMemoryRegion, input_values: Any, offset: int = 0) -> None:
    """Copies the numpy arrays in `input_values` one after another into the region from
    `offset`. A BYTES tensor goes in serialized (see serialize_byte_tensor)."""
    arrays = wire_arrays(input_values, SharedMemoryException)
    try:
        _region(shm_handle).write(arrays, offset)
    except (ValueError, TypeError) as error:
        raise SharedMemoryException(f"unable to set the shared memory region: {error}") from error


def get_contents_as_numpy(shm_handle: SharedMemoryRegion, datatype: Any, shape: Any, offset: int = 0) -> np.ndarray:
    """The region's contents at `offset` as an array of `datatype` and `shape`: a view of the
    mapping, or for an object (BYTES) datatype the deserialized elements."""
    region = _region(shm_handle)
    try:
        if is_bytes(datatype):
            payload = region.as_numpy(np.uint8, [region.byte_size - offset], offset)
            return bytes_elements(payload, shape, f"shared memory region '{shm_handle._shm_key}'",
                                  SharedMemoryException)
        return region.as_numpy(datatype, shape, offset)
    except (ValueError, TypeError) as error:
        raise SharedMemoryException(f"unable to read the shared memory region: {error}") from error


def mapped_shared_memory_regions() -> list[str]:
    """The keys of the regions mapped and not yet destroyed."""
    return list(_mapped)


def destroy_shared_memory_region(shm_handle: SharedMemoryRegion) -> None:
    """Releases the handle; the last handle of a key unmaps it, and unlinks it if it was created here."""
    mapping = _mapped.get(shm_handle._shm_key)
    if mapping is None:
        raise _NotMapped(f"shared memory region '{shm_handle._shm_key}' is not mapped (destroyed already?)")
    shm_handle._region = None
    mapping.handles -= 1
    if mapping.handles == 0:
        del _mapped[shm_handle._shm_key]
        mapping.region.close()
