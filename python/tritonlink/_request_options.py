"""The request options Triton takes as ModelInferRequest parameters (sequence, priority,
server-side timeout) and the caller's own parameters, checked and merged for the wire.

Names and types follow tritonclient's ``_get_inference_request``: sequence_id as int64 or
string, sequence_start/sequence_end as bool (sent only with a sequence_id), priority as
uint64, timeout as int64 microseconds.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

import numpy as np

# Parameters the protocol gives a meaning of its own; callers set them through arguments.
RESERVED_PARAMETERS = frozenset({
    "sequence_id", "sequence_start", "sequence_end", "priority", "timeout", "headers", "binary_data_output",
    "shared_memory_region", "shared_memory_offset", "shared_memory_byte_size", "classification",
})
RESERVED_PREFIX = "triton_"

_INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1


def _check_int(value: Any, what: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value <= maximum:
        raise ValueError(f"{what} must be from 0 to {maximum}, got {value}")
    return int(value)


def _check_bool(value: Any, what: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be a bool, not {type(value).__name__}")
    return bool(value)


def check_user_parameters(parameters: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    """The caller's custom parameters; reserved names are refused (their arguments set them)."""
    if parameters is None:
        return {}
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a mapping, not {type(parameters).__name__}")
    for key in parameters:
        if not isinstance(key, str):
            raise TypeError(f"parameter names must be str, got {key!r}")
        if key in RESERVED_PARAMETERS or key.startswith(RESERVED_PREFIX):
            raise ValueError(
                f"parameter '{key}' is reserved by the Triton protocol and cannot be set through parameters"
                + ("" if key.startswith(RESERVED_PREFIX) else f" (use the {key} argument where there is one)")
            )
    return dict(parameters)


def request_parameters(
    parameters: Optional[Mapping[str, Any]],
    sequence_id: Union[int, str] = 0,
    sequence_start: bool = False,
    sequence_end: bool = False,
    priority: int = 0,
    timeout: Optional[int] = None,
) -> Optional[dict[str, Any]]:
    """Every request-level parameter of one request, or None when there is none."""
    if (parameters is None and timeout is None and sequence_start is False and sequence_end is False
            and type(sequence_id) is int and sequence_id == 0 and type(priority) is int and priority == 0):
        return None  # the common case, answered without the checks below
    merged = check_user_parameters(parameters)
    sequence_start = _check_bool(sequence_start, "sequence_start")
    sequence_end = _check_bool(sequence_end, "sequence_end")
    if isinstance(sequence_id, str):
        in_sequence = sequence_id != ""
    else:
        in_sequence = _check_int(sequence_id, "sequence_id", _INT64_MAX) != 0
    if in_sequence:
        merged["sequence_id"] = sequence_id if isinstance(sequence_id, str) else int(sequence_id)
        merged["sequence_start"] = sequence_start
        merged["sequence_end"] = sequence_end
    elif sequence_start or sequence_end:
        raise ValueError("sequence_start and sequence_end need a sequence_id")
    if _check_int(priority, "priority", _UINT64_MAX):
        merged["priority"] = np.uint64(priority)  # uint64_param, as tritonclient sends it
    if timeout is not None:
        merged["timeout"] = _check_int(timeout, "timeout (microseconds)", _INT64_MAX)
    return merged or None
