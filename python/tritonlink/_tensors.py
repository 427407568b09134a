"""Request tensors: InferInput, InferRequestedOutput, and their validation.

Everything here runs before a request is sent, so bad input fails with a clear
ValueError/TypeError naming the tensor, and nothing reaches the wire.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

# wire_payload converts (one copy, made explicit) or serializes; wire_ready is its fixed-size part.
from ._core import wire_payload, wire_ready  # noqa: F401
from ._datatypes import check_datatype, matches
from .shared_memory import Region, placement, tensor_byte_size

# What the compiled core takes for one input: (name, datatype, shape, array or None, parameters).
CoreInput = tuple[Any, ...]


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} name must be str, not {type(name).__name__}")
    if not name:
        raise ValueError(f"{what} name must not be empty")
    return name


def _check_shape(shape: Any, name: str) -> tuple[Any, ...]:
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Iterable):
        raise TypeError(f"shape of input '{name}' must be a sequence of ints, not {type(shape).__name__}")
    dims = tuple(shape)
    for dim in dims:
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            raise TypeError(f"shape of input '{name}' must hold ints, got {dim!r}")
        if dim < 0:
            raise ValueError(f"shape of input '{name}' has a negative dimension: {list(dims)}")
    return tuple(int(d) for d in dims)


class InferInput:
    """One input tensor of a request, as in tritonclient: name, shape, datatype, then data."""

    __slots__ = ("_name", "_shape", "_datatype", "_data", "_parameters")

    def __init__(self, name: str, shape: Sequence[int], datatype: str) -> None:
        self._name = _check_name(name, "input")
        self._shape = _check_shape(shape, name)
        if not isinstance(datatype, str):
            raise TypeError(f"datatype of input '{name}' must be str, not {type(datatype).__name__}")
        check_datatype(datatype, f"input '{name}'")  # fails now rather than at send time
        self._datatype = datatype
        self._data: Optional[np.ndarray] = None
        self._parameters: dict[str, Any] = {}

    def name(self) -> str:
        return self._name

    def datatype(self) -> str:
        return self._datatype

    def shape(self) -> list[Any]:
        return list(self._shape)

    def set_shape(self, shape: Sequence[int]) -> "InferInput":
        self._shape = _check_shape(shape, self._name)
        return self

    def set_data_from_numpy(self, input_tensor: np.ndarray) -> "InferInput":
        """Attaches the array; its memory is sent as it is when C-contiguous and little-endian.

        BYTES inputs take an object array of bytes/str (str is sent as UTF-8) or a bytes_ (S)
        array; their elements are serialized now, into one buffer.
        """
        if not isinstance(input_tensor, np.ndarray):
            raise TypeError(f"input '{self._name}' needs a numpy.ndarray, not {type(input_tensor).__name__}")
        if not matches(input_tensor.dtype, self._datatype):
            raise ValueError(
                f"input '{self._name}' is declared {self._datatype} but the array's dtype is {input_tensor.dtype}"
            )
        if tuple(input_tensor.shape) != self._shape:
            raise ValueError(
                f"input '{self._name}' is declared with shape {list(self._shape)} "
                f"but the array's shape is {list(input_tensor.shape)}"
            )
        self._data = wire_payload(self._name, self._datatype, input_tensor)
        self._parameters = {}
        return self

    def set_shared_memory(self, region: Union[str, Region], byte_size: int,
                          offset: int = 0) -> "InferInput":
        """Places the input's data at `offset` in a registered shared-memory region, system or
        CUDA (an object, or its name), instead of sending it. The size must fit the shape and datatype,
        and the bytes must lie inside the region when it is open in this process."""
        what = f"input '{self._name}'"
        self._parameters = placement(region, tensor_byte_size(self._datatype, self._shape, byte_size, what),
                                     offset, what)
        self._data = None
        return self

    def core_input(self) -> CoreInput:
        if self._data is None and not self._parameters:
            raise ValueError(f"input '{self._name}' has no data: call set_data_from_numpy() first")
        return (self._name, self._datatype, self._shape, self._data, self._parameters or None)


class InferRequestedOutput:
    """An output the request asks for; without any, the server returns every output.

    ``class_count`` > 0 asks the server for the output's top ``class_count`` classes instead of
    its values (Triton's ``classification`` parameter): a BYTES tensor of "value:index[:label]".
    """

    __slots__ = ("_name", "_parameters")

    def __init__(self, name: str, class_count: int = 0) -> None:
        self._name = _check_name(name, "output")
        if isinstance(class_count, bool) or not isinstance(class_count, (int, np.integer)):
            raise TypeError(f"class_count of output '{name}' must be an int, not {type(class_count).__name__}")
        if class_count < 0:
            raise ValueError(f"class_count of output '{name}' must not be negative, got {class_count}")
        self._parameters: dict[str, Any] = {"classification": int(class_count)} if class_count else {}

    def name(self) -> str:
        return self._name

    def set_shared_memory(self, region: Union[str, Region], byte_size: int,
                          offset: int = 0) -> "InferRequestedOutput":
        """Asks the server to write the output at `offset` in a registered shared-memory region
        (an object, or its name). ``InferResult.as_numpy`` then views it in a system region; one
        in a CUDA region is read with that region's ``as_dlpack`` or ``as_numpy``."""
        self._parameters.update(placement(region, byte_size, offset, f"output '{self._name}'"))
        return self

    def core_output(self) -> tuple[Any, ...]:
        return (self._name, self._parameters or None)

    def placed(self) -> Optional[tuple[Any, ...]]:
        """(region name, offset, byte_size) when the output is placed in shared memory."""
        region = self._parameters.get("shared_memory_region")
        if region is None:
            return None
        return (region, self._parameters.get("shared_memory_offset", 0), self._parameters["shared_memory_byte_size"])


InputsArg = Union[Sequence[InferInput], Mapping[str, np.ndarray]]


def core_inputs(inputs: InputsArg) -> Union[dict[str, Any], list[Any]]:
    """Validates `inputs` (InferInputs or a mapping of name to ndarray) into what the compiled
    core takes. A plain dict goes as it is, and infer_arguments does not even call this for one:
    the core checks and reads its entries itself (converting or serializing an array the wire
    cannot take as it is), so the commonest call skips the Python steps.
    """
    if isinstance(inputs, Mapping):
        return dict(inputs)
    if isinstance(inputs, (str, bytes, np.ndarray)) or not isinstance(inputs, Iterable):
        raise TypeError(
            f"inputs must be a list of InferInput or a mapping of name to numpy array, not {type(inputs).__name__}"
        )
    prepared = []
    for item in inputs:
        if not isinstance(item, InferInput):
            raise TypeError(f"inputs must hold InferInput objects, got {type(item).__name__}")
        prepared.append(item.core_input())
    return prepared


class PlacedOutputs(list[Any]):
    """Requested outputs of which some are placed in shared memory: ``placements`` maps each such
    output's name to (region name, offset, byte_size), for the result to view them there."""

    placements: dict[str, Any]


def core_outputs(outputs: Optional[Iterable[Union[InferRequestedOutput, str]]]) -> list[Any]:
    """Validates requested outputs (InferRequestedOutput or plain names) for the compiled core."""
    if outputs is None:
        return []
    if isinstance(outputs, (str, bytes)):
        raise TypeError("outputs must be a list of InferRequestedOutput or names, not a single string")
    prepared: list[Any] = []
    for item in outputs:
        if isinstance(item, InferRequestedOutput):
            prepared.append(item.core_output())
            placed = item.placed()
            if placed is not None:
                if not isinstance(prepared, PlacedOutputs):
                    prepared = PlacedOutputs(prepared)
                    prepared.placements = {}
                prepared.placements[item.name()] = placed
        elif isinstance(item, str):
            prepared.append((_check_name(item, "output"), None))
        else:
            raise TypeError(f"outputs must hold InferRequestedOutput objects or names, got {type(item).__name__}")
    return prepared
