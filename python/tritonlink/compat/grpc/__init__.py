"""tritonclient.grpc's API over tritonlink: ``import tritonlink.compat.grpc as grpcclient``."""

from ...errors import InferenceServerException
from ..utils import (deserialize_bytes_tensor, np_to_triton_dtype, serialize_byte_tensor, serialized_byte_size,
                     triton_to_np_dtype)
from . import auth
from ._client import InferenceServerClient
from ._options import KeepAliveOptions, Request
from ._tensors import InferInput, InferRequestedOutput, InferResult

__all__ = [
    "InferenceServerClient",
    "InferenceServerException",
    "InferInput",
    "InferRequestedOutput",
    "InferResult",
    "KeepAliveOptions",
    "Request",
    "auth",
    "deserialize_bytes_tensor",
    "np_to_triton_dtype",
    "serialize_byte_tensor",
    "serialized_byte_size",
    "triton_to_np_dtype",
]
