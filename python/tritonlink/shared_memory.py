"""System shared memory: POSIX regions mapped into this process, for tensors that skip the socket.

    with tritonlink.shared_memory.create_region("in", "/my_in", 1 << 20) as region:
        client.register(region)
        region.write([array])
        result = client.infer("identity", {"INPUT0": region.tensor("FP32", array.shape)})

``create_region`` makes (and, on close or garbage collection, unlinks) a new object;
``open_region`` maps one another process made. ``as_numpy`` views a region's bytes without a
copy. The mapping itself lasts while any view of it does, so closing a region never leaves a
view pointing at unmapped memory.
"""

from __future__ import annotations

import warnings
import weakref
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

from . import _core
from ._core import wire_payload
from ._datatypes import ELEMENT_SIZE, numpy_dtype, triton_datatype

__all__ = ["SharedMemoryRegion", "SharedMemoryTensor", "create_region", "open_region"]

# Regions (system and CUDA) open in this process by name, so that a tensor placed by name is
# checked against its region and an output placed in one is viewed through it.
_open_regions: "weakref.WeakValueDictionary[str, Region]" = weakref.WeakValueDictionary()


def check_region_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"shared memory region name must be str, not {type(name).__name__}")
    if not name or not name.isprintable():
        raise ValueError(f"shared memory region name must be non-empty printable text, not {name!r}")
    return name


def check_key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"shared memory key must be str, not {type(key).__name__}")
    _core.SystemSharedMemory.check_key(key)
    return key


def count(value: Any, what: str) -> int:
    """A non-negative int (an offset, a size, a device), or the TypeError/ValueError saying why not."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what} must not be negative, got {value}")
    return int(value)


def check_shape(shape: Any, what: str) -> tuple[int, ...]:
    """A shape of non-negative ints: a negative or fractional dimension would otherwise slip
    through the element count (two negatives make a positive) to the server."""
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Iterable):
        raise TypeError(f"{what} must be a sequence of ints, not {type(shape).__name__}")
    return tuple(count(dim, f"{what} dimension") for dim in shape)


def check_span(name: str, region_size: int, offset: int, byte_size: int) -> None:
    if offset + byte_size > region_size:
        raise ValueError(f"shared memory region '{name}' holds {region_size} bytes: offset {offset} "
                         f"and size {byte_size} do not fit in it")


class Region:
    """What system and CUDA regions share: a name servers know it by, the compiled object that
    holds its memory (None once closed), its size, the clients' books it is registered in, and
    closing as a context manager. An open region is listed by name, so that a tensor placed by
    name is checked against it."""

    __slots__ = ("_name", "_memory", "_registered_with", "__weakref__")

    def __init__(self, name: str, memory: Any, listed: bool = True) -> None:
        self._name = name
        self._memory: Any = memory  # the compiled SystemSharedMemory or CudaSharedMemory
        self._registered_with: "weakref.WeakSet[RegionBook]" = weakref.WeakSet()  # the clients' books
        if listed:
            _open_regions[name] = self

    @property
    def name(self) -> str:
        return self._name

    @property
    def byte_size(self) -> int:
        return self._live().byte_size

    @property
    def closed(self) -> bool:
        return self._memory is None

    def _live(self) -> Any:
        if self._memory is None:
            raise ValueError(f"shared memory region '{self._name}' is closed")
        return self._memory

    def check_span(self, offset: Any, byte_size: Any) -> None:
        """ValueError unless `byte_size` bytes at `offset` lie inside this region."""
        check_span(self._name, self.byte_size, count(offset, "offset"), count(byte_size, "byte_size"))

    def tensor(self, datatype: Any, shape: Sequence[int], offset: int = 0,
               byte_size: Optional[int] = None) -> "SharedMemoryTensor":
        """The tensor lying at `offset` in this region, to pass as a value of ``{name: ...}``
        inputs. `datatype` is a Triton name or a numpy dtype; `byte_size` is needed for BYTES."""
        if not isinstance(datatype, str):
            datatype = triton_datatype(np.dtype(datatype))
        return SharedMemoryTensor(self, datatype, shape, offset, byte_size)

    def read_tensor(self, datatype: str, shape: Sequence[int], offset: int, byte_size: int, what: str) -> np.ndarray:
        """The tensor at `offset` as numpy (see _read_fixed for each kind); for BYTES, a new
        array of its elements."""
        if ELEMENT_SIZE.get(datatype) == 0:
            self.check_span(offset, byte_size)
            return _core.deserialize_bytes_tensor(self._span_bytes(offset, byte_size), list(shape))
        return self._read_fixed(numpy_dtype(datatype, what), shape, offset)

    def _span_bytes(self, offset: int, byte_size: int) -> bytes:
        """A copy of `byte_size` bytes at `offset`, already checked against the region."""
        raise NotImplementedError

    def _read_fixed(self, dtype: np.dtype, shape: Sequence[int], offset: int) -> np.ndarray:
        raise NotImplementedError

    def close(self) -> None:
        """Releases the region's memory (see each kind). Warns when a server still has it
        registered. Closing twice is harmless."""
        if self._memory is None:
            return
        if len(self._registered_with):
            warnings.warn(f"shared memory region '{self._name}' is closed while a server still has it registered; "
                          "unregister it first", ResourceWarning, stacklevel=2)
        self._release()
        self._memory = None
        if _open_regions.get(self._name) is self:
            del _open_regions[self._name]

    def _release(self) -> None:
        """What closing does to the memory beyond dropping the compiled object."""

    def __enter__(self) -> "Region":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class SharedMemoryRegion(Region):
    """A mapped system shared-memory region: ``name`` (what servers know it by), ``key`` (the
    POSIX object's name) and ``byte_size``. A context manager; closing unlinks what it created,
    and the mapping goes once no view uses it."""

    __slots__ = ("_bytes",)

    def __init__(self, name: str, mapping: Any, listed: bool = True) -> None:
        # The one array every view slices: numpy keeps it (and so the mapping) alive per view.
        self._bytes: Optional[np.ndarray] = np.frombuffer(mapping, dtype=np.uint8) if mapping.byte_size else \
            np.empty(0, np.uint8)
        super().__init__(name, mapping, listed)

    @property
    def key(self) -> str:
        return self._live().key

    def as_numpy(self, dtype: Any, shape: Sequence[int], offset: int = 0) -> np.ndarray:
        """A writable view (no copy) of the region's bytes at `offset` as an array."""
        dtype = np.dtype(dtype)
        shape = check_shape(shape, "shape")
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        self.check_span(offset, nbytes)
        assert self._bytes is not None  # check_span raised if the region is closed
        return self._bytes[offset:offset + nbytes].view(dtype).reshape(shape)

    def write(self, arrays: Union[np.ndarray, Iterable[np.ndarray]], offset: int = 0) -> int:
        """Copies the arrays' wire bytes one after another from `offset`; returns the offset after
        the last. BYTES arrays (object or S) are written serialized, as Triton reads them."""
        if isinstance(arrays, np.ndarray):
            arrays = [arrays]
        payloads = []
        for array in arrays:
            if not isinstance(array, np.ndarray):
                raise TypeError(f"write() takes numpy arrays, not {type(array).__name__}")
            payloads.append(wire_payload("region write", triton_datatype(array.dtype), array))
        end = count(offset, "offset")
        self.check_span(end, sum(p.nbytes for p in payloads))
        assert self._bytes is not None  # check_span raised if the region is closed
        for payload in payloads:
            self._bytes[end:end + payload.nbytes] = payload.reshape(-1).view(np.uint8)
            end += payload.nbytes
        return end

    def _span_bytes(self, offset: int, byte_size: int) -> bytes:
        assert self._bytes is not None  # check_span raised if the region is closed
        return self._bytes[offset:offset + byte_size].tobytes()

    def _read_fixed(self, dtype: np.dtype, shape: Sequence[int], offset: int) -> np.ndarray:
        """A read-only view of the region's bytes."""
        view = self.as_numpy(dtype, shape, offset)
        view.flags.writeable = False
        return view

    def _release(self) -> None:
        """Unlinks a region this process created; views keep the mapping until they go."""
        self._memory.unlink()
        self._bytes = None

    def __repr__(self) -> str:
        if self._memory is None:
            return f"SharedMemoryRegion({self._name!r}, closed)"
        return f"SharedMemoryRegion({self._name!r}, key={self.key!r}, byte_size={self.byte_size})"


def create_region(name: str, key: str, byte_size: int) -> SharedMemoryRegion:
    """Creates the POSIX shared-memory object `key` (FileExistsError if it exists) of `byte_size`
    zeroed bytes, mapped; it is unlinked when the region is closed or collected."""
    name, key = check_region_name(name), check_key(key)
    return SharedMemoryRegion(name, _core.SystemSharedMemory.create(key, count(byte_size, "byte_size")))


def open_region(name: str, key: str, byte_size: int) -> SharedMemoryRegion:
    """Maps the first `byte_size` bytes of the existing object `key` (made by another process)."""
    name, key = check_region_name(name), check_key(key)
    return SharedMemoryRegion(name, _core.SystemSharedMemory.open(key, count(byte_size, "byte_size")))


def placement(region: Any, byte_size: Any, offset: Any, what: str) -> dict[str, Any]:
    """The tensor parameters that place a tensor at `offset` in `region` (an object or a name),
    checked against the region when it is open in this process."""
    name = region.name if isinstance(region, Region) else check_region_name(region)
    byte_size = count(byte_size, f"byte_size of {what}")
    offset = count(offset, f"offset of {what}")
    known = region if isinstance(region, Region) else _open_regions.get(name)
    if known is not None:
        known.check_span(offset, byte_size)
    parameters = {"shared_memory_region": name, "shared_memory_byte_size": byte_size}
    if offset:
        parameters["shared_memory_offset"] = offset
    return parameters


def tensor_byte_size(datatype: str, shape: Sequence[int], byte_size: Optional[int], what: str) -> int:
    """A tensor's size in bytes: from its shape when its datatype has a fixed size (a given
    `byte_size` must agree), else `byte_size`, which must then be given."""
    element = ELEMENT_SIZE[datatype]
    if element == 0:
        if byte_size is None:
            raise ValueError(f"{what} is BYTES: its byte_size in shared memory must be given")
        return count(byte_size, f"byte_size of {what}")
    size = element * int(np.prod(shape, dtype=np.int64))
    if byte_size is not None and count(byte_size, f"byte_size of {what}") != size:
        raise ValueError(f"{what} has {size} bytes ({datatype} {list(shape)}), not the byte_size {byte_size} given")
    return size


class SharedMemoryTensor:
    """A tensor in a shared-memory region (system or CUDA), as a value of ``{name: ...}`` inputs
    (the compiled core reads ``_tritonlink_placement``). ``as_numpy()`` reads it: a view of a
    system region, a copy to the host from a CUDA one."""

    __slots__ = ("region", "datatype", "shape", "offset", "byte_size", "_tritonlink_placement")

    def __init__(self, region: Region, datatype: str, shape: Sequence[int], offset: int,
                 byte_size: Optional[int]) -> None:
        self.region, self.datatype, self.offset = region, datatype, offset
        self.shape = check_shape(shape, f"shape of the tensor in region '{region.name}'")
        self.byte_size = tensor_byte_size(datatype, self.shape, byte_size, f"tensor in region '{region.name}'")
        parameters = placement(region, self.byte_size, offset, f"tensor in region '{region.name}'")
        self._tritonlink_placement = (datatype, list(self.shape), parameters)

    def as_numpy(self) -> np.ndarray:
        return self.region.read_tensor(self.datatype, self.shape, self.offset, self.byte_size, "the tensor")


class _Registration:
    """One region a client registered: a system one by key (and offset), or a CUDA one; the
    region object when the client was given one or opened it itself (`opened`)."""

    __slots__ = ("cuda", "key", "byte_size", "offset", "region", "opened")

    def __init__(self, cuda: bool, key: str, byte_size: int, offset: int, region: Optional[Region]) -> None:
        self.cuda, self.key, self.byte_size, self.offset = cuda, key, byte_size, offset
        self.region, self.opened = region, False


class RegionBook:
    """The regions one client registered, by name (Triton keeps one namespace for both kinds):
    the region objects it was given, which then warn when closed while registered, and the
    keys of system regions, so that outputs placed in them can be viewed through a mapping."""

    def __init__(self) -> None:
        self._entries: dict[str, _Registration] = {}

    def registered(self, name: str, key: str, byte_size: int, offset: int, region: Optional[Region],
                   cuda: bool = False) -> None:
        self._drop(name)
        self._entries[name] = _Registration(cuda, key, byte_size, offset, region)
        if region is not None:
            region._registered_with.add(self)  # the book lives as long as its client

    def forget(self, name: str, cuda: bool = False) -> None:
        """Drops one registration of that kind, or all of them when `name` is empty; closes the
        mappings it opened."""
        names = [name] if name else list(self._entries)
        for entry_name in names:
            entry = self._entries.get(entry_name)
            if entry is not None and entry.cuda == cuda:
                self._drop(entry_name)

    def _drop(self, name: str) -> None:
        entry = self._entries.pop(name, None)
        if entry is not None and entry.region is not None:
            entry.region._registered_with.discard(self)
            if entry.opened:
                entry.region.close()

    def region(self, name: str) -> Region:
        """A mapping of the registered region `name` in this process; ValueError when there is none."""
        entry = self._entries.get(name)
        known = _open_regions.get(name)
        if entry is None:
            if known is not None:
                return known
            raise ValueError(f"an output is placed in shared memory region '{name}', which this client did not "
                             "register and which is not open in this process: open it to read the output")
        if entry.region is not None and not entry.region.closed:
            return entry.region
        if entry.cuda:
            raise ValueError(f"an output is placed in CUDA shared memory region '{name}', which this client "
                             "registered by its handle and which is not open in this process")
        if isinstance(known, SharedMemoryRegion) and not known.closed and known.key == entry.key:
            return known
        try:
            mapping = _core.SystemSharedMemory.open(entry.key, entry.offset + entry.byte_size)
        except OSError as error:
            raise ValueError(f"cannot map shared memory region '{name}' (key {entry.key!r}) to read an output: "
                             f"{error}") from error
        entry.region, entry.opened = SharedMemoryRegion(name, mapping, listed=False), True
        return entry.region

    def view(self, name: str, datatype: str, shape: Sequence[int], offset: int, byte_size: int) -> np.ndarray:
        """The output written at (region `name`, `offset`) as a view of this process's mapping."""
        region = self.region(name)
        if not isinstance(region, SharedMemoryRegion):
            raise ValueError(f"an output is placed in CUDA shared memory region '{name}', in device memory that "
                             "numpy cannot view: read it with the region's as_dlpack() (no copy) or as_numpy()")
        entry = self._entries.get(name)
        start = entry.offset if entry is not None else 0  # tensor offsets count from the registered offset
        return region.read_tensor(datatype, shape, start + offset, byte_size, f"output in region '{name}'")
