"""tritonclient's InferInput, InferRequestedOutput and InferResult, over tritonlink's.

The inputs and outputs are tritonlink's own classes (so tritonlink's core reads them as
they are) with tritonclient's shared-memory methods; a result answers with protobuf messages
where tritonclient's does.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ... import _core, _result, _tensors
from ...errors import InferenceServerException
from .. import _protocol

_SHARED_MEMORY_KEYS = ("shared_memory_region", "shared_memory_byte_size", "shared_memory_offset")


def _shared_memory(region_name: str, byte_size: int, offset: int) -> dict[str, Any]:
    placement = {"shared_memory_region": region_name, "shared_memory_byte_size": byte_size}
    if offset:
        placement["shared_memory_offset"] = offset
    return placement


def _drop_shared_memory(parameters: dict[str, Any]) -> None:
    for key in _SHARED_MEMORY_KEYS:
        parameters.pop(key, None)


class InferInput(_tensors.InferInput):
    """An input tensor: ``set_data_from_numpy`` or ``set_shared_memory`` gives its contents."""

    __slots__ = ()

    def set_data_from_numpy(self, input_tensor: np.ndarray) -> "InferInput":
        try:
            super().set_data_from_numpy(input_tensor)
        except (TypeError, ValueError) as error:  # tritonclient reports these as its own error
            raise InferenceServerException(str(error)) from None
        _drop_shared_memory(self._parameters)
        return self

    # tritonclient's signature: a region's name only (so are the output's, which returns nothing).
    def set_shared_memory(self, region_name: str, byte_size: int,  # type: ignore[override]
                          offset: int = 0) -> "InferInput":
        """The tensor's bytes are ``byte_size`` bytes at ``offset`` of a registered region."""
        self._data = None
        self._parameters.update(_shared_memory(region_name, byte_size, offset))
        return self

    def core_input(self) -> tuple[Any, ...]:
        if self._data is None and "shared_memory_region" in self._parameters:
            return (self._name, self._datatype, self._shape, None, dict(self._parameters))
        return super().core_input()


class InferRequestedOutput(_tensors.InferRequestedOutput):
    """An output to return, optionally its top ``class_count`` classes, or into shared memory."""

    __slots__ = ()

    def set_shared_memory(self, region_name: str, byte_size: int, offset: int = 0) -> None:  # type: ignore[override]
        self._parameters.update(_shared_memory(region_name, byte_size, offset))

    def unset_shared_memory(self) -> None:
        _drop_shared_memory(self._parameters)


def _output_fields(description: dict[str, Any]) -> dict[str, Any]:
    return dict(description, parameters=_protocol.parameters(description.get("parameters") or {}))


class InferResult:
    """One response: ``as_numpy(name)`` (None when absent), ``get_output``, ``get_response``."""

    __slots__ = ("_result",)

    def __init__(self, result: _result.InferResult) -> None:
        self._result = result

    def as_numpy(self, name: str) -> Optional[np.ndarray]:
        return self._result.as_numpy(name) if name in self._result else None

    def get_output(self, name: str, as_json: bool = False) -> Any:
        """The output's ModelInferResponse.InferOutputTensor (its JSON with as_json), or None."""
        description = self._result.get_output(name)
        if description is None:
            return None
        return _protocol.reply("ModelInferResponse.InferOutputTensor", as_json)(_output_fields(description))

    def get_response(self, as_json: bool = False) -> Any:
        """The ModelInferResponse (its JSON with as_json). Its raw_output_contents are copies
        of the outputs' bytes, made here: as_numpy views them without a copy."""
        response = self._result.get_response()
        fields = dict(response, parameters=_protocol.parameters(response["parameters"]),
                      outputs=[_output_fields(output) for output in response["outputs"]])
        message = _protocol.to_message("ModelInferResponse", fields)
        message.raw_output_contents.extend(self._raw_contents(output) for output in response["outputs"])
        return _protocol.to_json(message) if as_json else message

    def _raw_contents(self, output: dict[str, Any]) -> bytes:
        array = self._result.as_numpy(output["name"])
        if output["datatype"] == "BYTES":
            return _core.serialize_bytes_tensor(output["name"], np.ascontiguousarray(array)).tobytes()
        return array.tobytes()
