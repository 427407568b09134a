"""tritonlink: a native, zero-copy, GIL-free client for Triton Inference Server's gRPC protocol."""

from . import _core, aio, cuda_shared_memory, shared_memory, testing
from ._client import Client, InferHandle
from ._headers import basic_auth_headers
from ._result import InferResult
from ._stream import Stream
from ._tensors import InferInput, InferRequestedOutput
from .retry import NO_RETRY, RetryPolicy
from .errors import (
    CancelledError,
    DeadlineExceededError,
    InferenceServerError,
    InferenceServerException,
    InFlightLimitError,
    InternalError,
    InvalidArgumentError,
    MissingOutputError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    ServerUnavailableError,
    StatusCode,
    UnimplementedError,
    error_from_status,
)

_core.set_error_factory(error_from_status)


def release_idle_buffers() -> int:
    """Frees the receive buffers kept for reuse and returns how many bytes that was.

    A large response (1 MiB or more) is received into one buffer that numpy views; once no
    array uses it, it is kept (up to 256 MiB in all) so that the next large response does not
    fault fresh memory in. Call this to hand that memory back to the system.
    """
    return _core.release_idle_receive_blocks()

__version__ = "0.1.0"

__all__ = [
    "aio",
    "cuda_shared_memory",
    "shared_memory",
    "testing",
    "CancelledError",
    "Client",
    "InFlightLimitError",
    "InferHandle",
    "DeadlineExceededError",
    "InferInput",
    "InferRequestedOutput",
    "InferResult",
    "InferenceServerError",
    "InferenceServerException",
    "InternalError",
    "InvalidArgumentError",
    "MissingOutputError",
    "NO_RETRY",
    "RetryPolicy",
    "NotFoundError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "ServerUnavailableError",
    "StatusCode",
    "Stream",
    "UnimplementedError",
    "basic_auth_headers",
    "release_idle_buffers",
]
