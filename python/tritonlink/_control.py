"""The control-plane RPCs, described once for Client and AsyncClient: which RPC, the request
as proto3 JSON, and how the response (a dict of the message's fields, ints as ints) becomes
the value returned. Arguments are checked here, before anything is sent."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Callable, Mapping, NamedTuple, Optional

from ._arguments import check_text

_UINT32_LIMIT = 1 << 32
_INT64_LIMIT = 1 << 63
_UINT64_LIMIT = 1 << 64
_CUDA_IPC_HANDLE_SIZE = 64  # bytes in a cudaIpcMemHandle_t


class Rpc(NamedTuple):
    method: str  # RPC name in inference.GRPCInferenceService
    request: dict[str, Any]
    result: Callable[[dict[str, Any]], Any]
    model_name: str = ""  # named in errors

    @property
    def request_json(self) -> str:
        return json.dumps(self.request)


# ---- what a response becomes ----

def _whole(response: dict[str, Any]) -> dict[str, Any]:
    return response


def _nothing(response: dict[str, Any]) -> None:
    return None


def _flag(field: str) -> Callable[[dict[str, Any]], bool]:
    # Fields left at their default (false) are not in the response.
    return lambda response: bool(response.get(field, False))


# ---- argument checks ----

def _name(value: Any, what: str) -> str:
    name = check_text(value, what)
    if not name:
        raise ValueError(f"{what} must not be empty")
    return name


def _optional_name(value: Any, what: str) -> str:
    return "" if value is None else check_text(value, what)


def _json_int(value: Any, what: str, limit: int) -> str:
    """A non-negative int below `limit`, as proto3 JSON writes 64-bit integers (a string)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value < limit:
        raise ValueError(f"{what} must be from 0 to {limit - 1}, got {value}")
    return str(value)


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, not {type(value).__name__}")
    return value


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a mapping, not {type(value).__name__}")
    for key in value:
        check_text(key, f"each key of {what}")
    return value


def _bytes_json(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")  # proto3 JSON carries bytes as base64


def _model(model_name: str, model_version: str) -> dict[str, Any]:
    return {"name": check_text(model_name, "model_name"), "version": check_text(model_version, "model_version")}


def _model_config(config: Any) -> str:
    if isinstance(config, Mapping):
        try:
            return json.dumps(dict(config))
        except (TypeError, ValueError) as error:
            raise TypeError(f"config must be JSON-serializable: {error}") from None
    if not isinstance(config, str):
        raise TypeError(f"config must be a JSON str or a dict, not {type(config).__name__}")
    try:
        parsed = json.loads(config)
    except ValueError as error:
        raise ValueError(f"config is not valid JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ValueError("config must be a JSON object (a model configuration)")
    return config


def _override_files(files: Any) -> dict[str, Any]:
    parameters = {}
    for path, content in _mapping(files, "files").items():
        if not path.startswith("file:"):
            raise ValueError(f"each key of files must be 'file:<path in the model directory>', got {path!r}")
        if not isinstance(content, (bytes, bytearray, memoryview)):
            raise TypeError(f"files[{path!r}] must be bytes, not {type(content).__name__}")
        parameters[path] = {"bytes_param": _bytes_json(bytes(content))}
    return parameters


def _trace_value(value: Any, key: str) -> dict[str, Any]:
    # The protocol carries every trace setting as a list of strings; no value clears it.
    if value is None:
        return {}
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    for item in values:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise TypeError(f"settings[{key!r}] must be a str, an int, a list of them, or None; "
                            f"got {type(item).__name__}")
    return {"value": [str(item) for item in values]}


def _log_value(value: Any, key: str) -> dict[str, Any]:
    # The protocol carries a log setting as one of bool, uint32 or string.
    if isinstance(value, bool):
        return {"bool_param": value}
    if isinstance(value, int):
        if not 0 <= value < _UINT32_LIMIT:
            raise ValueError(f"settings[{key!r}] must be from 0 to {_UINT32_LIMIT - 1}, got {value}")
        return {"uint32_param": value}
    if isinstance(value, str):
        return {"string_param": value}
    raise TypeError(f"settings[{key!r}] must be a bool, an int or a str, not {type(value).__name__}")


def _raw_handle(raw_handle: Any) -> bytes:
    """The CUDA IPC handle's bytes, given raw or as base64 text (a str, or bytes as
    tritonclient's cuda_shared_memory.get_raw_handle returns it)."""
    if isinstance(raw_handle, (bytes, bytearray, memoryview)):
        raw = bytes(raw_handle)
        if len(raw) == _CUDA_IPC_HANDLE_SIZE:
            return raw
    elif not isinstance(raw_handle, str):
        raise TypeError(f"raw_handle must be bytes (the CUDA IPC handle) or its base64 str, "
                        f"not {type(raw_handle).__name__}")
    try:
        decoded = base64.b64decode(raw_handle, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != _CUDA_IPC_HANDLE_SIZE:
        raise ValueError(f"raw_handle must be the {_CUDA_IPC_HANDLE_SIZE} bytes of a cudaIpcMemHandle_t, raw or "
                         f"as base64; got {len(raw_handle)} {'characters' if isinstance(raw_handle, str) else 'bytes'}"
                         f" that are neither")
    return decoded


# ---- health, metadata, configuration, statistics ----

def server_live() -> Rpc:
    return Rpc("ServerLive", {}, _flag("live"))


def server_ready() -> Rpc:
    return Rpc("ServerReady", {}, _flag("ready"))


def model_ready(model_name: str, model_version: str) -> Rpc:
    return Rpc("ModelReady", _model(model_name, model_version), _flag("ready"), model_name)


def server_metadata() -> Rpc:
    return Rpc("ServerMetadata", {}, _whole)


def model_metadata(model_name: str, model_version: str) -> Rpc:
    return Rpc("ModelMetadata", _model(model_name, model_version), _whole, model_name)


def model_config(model_name: str, model_version: str) -> Rpc:
    return Rpc("ModelConfig", _model(model_name, model_version), _whole, model_name)


def inference_statistics(model_name: str, model_version: str) -> Rpc:
    return Rpc("ModelStatistics", _model(model_name, model_version), _whole, model_name)


# ---- model repository ----

def repository_index() -> Rpc:
    return Rpc("RepositoryIndex", {}, _whole)


def load_model(model_name: str, config: Any, files: Any) -> Rpc:
    parameters = {}
    if config is not None:
        parameters["config"] = {"string_param": _model_config(config)}
    if files is not None:
        if config is None:
            raise ValueError("files needs config: the server loads override files only with their model's config")
        parameters.update(_override_files(files))
    request = {"model_name": _name(model_name, "model_name"), "parameters": parameters}
    return Rpc("RepositoryModelLoad", request, _nothing, model_name)


def unload_model(model_name: str, unload_dependents: bool) -> Rpc:
    dependents = {"bool_param": _bool(unload_dependents, "unload_dependents")}
    request = {"model_name": _name(model_name, "model_name"), "parameters": {"unload_dependents": dependents}}
    return Rpc("RepositoryModelUnload", request, _nothing, model_name)


# ---- runtime settings ----

def trace_settings(model_name: Optional[str], settings: Optional[Mapping[str, Any]]) -> Rpc:
    """Applies `settings` (None or empty: only reads) to a model's trace settings, or the global ones."""
    model_name = _optional_name(model_name, "model_name")
    settings = _mapping({} if settings is None else settings, "settings")
    values = {key: _trace_value(value, key) for key, value in settings.items()}
    return Rpc("TraceSetting", {"model_name": model_name, "settings": values}, _whole, model_name)


def log_settings(settings: Mapping[str, Any]) -> Rpc:
    """Applies `settings` (none: only reads) to the log settings."""
    values = {key: _log_value(value, key) for key, value in _mapping(settings, "settings").items()}
    return Rpc("LogSettings", {"settings": values}, _whole)


# ---- shared memory ----

def system_shared_memory_status(region_name: str) -> Rpc:
    return Rpc("SystemSharedMemoryStatus", {"name": check_text(region_name, "region_name")}, _whole)


def register_system_shared_memory(name: str, key: str, byte_size: int, offset: int) -> Rpc:
    request = {
        "name": _name(name, "name"),
        "key": _name(key, "key"),
        "offset": _json_int(offset, "offset", _UINT64_LIMIT),
        "byte_size": _json_int(byte_size, "byte_size", _UINT64_LIMIT),
    }
    return Rpc("SystemSharedMemoryRegister", request, _nothing)


def unregister_system_shared_memory(name: str) -> Rpc:
    return Rpc("SystemSharedMemoryUnregister", {"name": check_text(name, "name")}, _nothing)


def cuda_shared_memory_status(region_name: str) -> Rpc:
    return Rpc("CudaSharedMemoryStatus", {"name": check_text(region_name, "region_name")}, _whole)


def register_cuda_shared_memory(name: str, raw_handle: Any, device_id: int, byte_size: int) -> Rpc:
    request = {
        "name": _name(name, "name"),
        "raw_handle": _bytes_json(_raw_handle(raw_handle)),
        "device_id": _json_int(device_id, "device_id", _INT64_LIMIT),
        "byte_size": _json_int(byte_size, "byte_size", _UINT64_LIMIT),
    }
    return Rpc("CudaSharedMemoryRegister", request, _nothing)


def unregister_cuda_shared_memory(name: str) -> Rpc:
    return Rpc("CudaSharedMemoryUnregister", {"name": check_text(name, "name")}, _nothing)
