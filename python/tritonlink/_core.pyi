"""
tritonlink's compiled core (gRPC C++). Use the tritonlink package, not this module.
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
import typing_extensions
__all__: list[str] = ['AsyncEngine', 'Client', 'CompletionKind', 'CompletionSink', 'CudaError', 'CudaSharedMemory', 'CudaUnavailableError', 'EmbeddedServer', 'InferResponse', 'RetryPolicy', 'SystemSharedMemory', 'cuda_device_count', 'datatypes', 'decode_infer_response', 'deserialize_bytes_tensor', 'dlpack_byte_size', 'encode_infer_request', 'keep_forever', 'never_sent', 'numpy_dtype', 'release_idle_receive_blocks', 'row_major_byte_size', 'serialize_bytes_tensor', 'set_cudart_search_paths', 'set_error_factory', 'status_class', 'triton_datatype', 'wire_payload', 'wire_ready']
class InferResponse:
    """
    A decoded ModelInferResponse (see tritonlink.InferResult).
    """
    def as_numpy(self, name: str) -> typing.Any:
        """
        The output called name as a numpy array (a read-only view, or for BYTES a new object array); None when absent.
        """
    def describe_output(self, index: typing.SupportsInt | typing.SupportsIndex) -> dict:
        """
        The output's name, datatype, shape and parameters as a dict.
        """
    def output_datatype(self, index: typing.SupportsInt | typing.SupportsIndex) -> str:
        ...
    def output_index(self, name: str) -> int:
        """
        Index of the output called name, or -1.
        """
    def output_view(self, index: typing.SupportsInt | typing.SupportsIndex, dtype: numpy.dtype[typing.Any]) -> numpy.ndarray:
        """
        A read-only numpy view of the output's raw contents; it keeps this response alive.
        """
    @property
    def id(self) -> str:
        ...
    @property
    def is_final(self) -> bool:
        ...
    @property
    def model_name(self) -> str:
        ...
    @property
    def model_version(self) -> str:
        ...
    @property
    def output_count(self) -> int:
        ...
    @property
    def parameters(self) -> dict:
        ...
class RetryPolicy:
    """
    A checked tritonlink.RetryPolicy, as calls take it.
    """
    def __init__(self, max_attempts: typing.SupportsInt | typing.SupportsIndex, initial_backoff_s: typing.SupportsFloat | typing.SupportsIndex, max_backoff_s: typing.SupportsFloat | typing.SupportsIndex, multiplier: typing.SupportsFloat | typing.SupportsIndex, jitter: typing.SupportsFloat | typing.SupportsIndex, retry_on: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], retry_after_send: bool) -> None:
        ...
    def backoff(self, attempt: typing.SupportsInt | typing.SupportsIndex) -> float:
        """
        Seconds waited after attempt `attempt` fails, before jitter.
        """
    def covers(self, code: typing.SupportsInt | typing.SupportsIndex, message: str) -> bool:
        """
        Whether a failed attempt with this status is tried again.
        """
class Client:
    """
    A channel to one Triton-protocol server (see tritonlink.Client).
    """
    def __init__(self, target: str, int_args: dict = {}, string_args: dict = {}, tls: typing.Any = None, channels: typing.SupportsInt | typing.SupportsIndex = 1, metrics: bool = True) -> None:
        ...
    def call_unary(self, method: str, request_json: str, timeout_s: typing.Any, headers: typing.Any, model_name: str = '', retry: typing.Any = None) -> dict:
        ...
    def infer(self, model_name: str, inputs: typing.Any, outputs: typing.Any, model_version: str, request_id: str, parameters: typing.Any, timeout_s: typing.Any, headers: typing.Any, retry: typing.Any = None) -> InferResponse:
        ...
    def metrics(self) -> dict:
        """
        {model: counters and histograms}; empty when metrics are off.
        """
class CompletionSink:
    """
    Finished calls, queued without locks; fd is readable when some may be waiting.
    """
    def __init__(self) -> None:
        ...
    def drain(self, max: typing.SupportsInt | typing.SupportsIndex = 256) -> list:
        """
        Up to max completions as (id, kind, code, message, payload, inputs_released, final) tuples.
        """
    def wait(self, timeout_ms: typing.SupportsInt | typing.SupportsIndex) -> None:
        """
        Blocks (GIL released) until a completion may be waiting or timeout_ms passes.
        """
    def wake(self) -> None:
        """
        Makes a waiting consumer look again.
        """
    @property
    def fd(self) -> int:
        ...
class CompletionKind:
    """
    Members:
    
      INFER
    
      MESSAGE
    
      STREAM
    
      INPUTS_RELEASED
    """
    INFER: typing.ClassVar[CompletionKind]
    INPUTS_RELEASED: typing.ClassVar[CompletionKind]
    MESSAGE: typing.ClassVar[CompletionKind]
    STREAM: typing.ClassVar[CompletionKind]
    __members__: typing.ClassVar[dict[str, CompletionKind]]
    @typing.overload
    def __eq__(self, other: CompletionKind) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: CompletionKind) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class AsyncEngine:
    """
    Calls in flight on a completion queue with its own C++ threads.
    """
    def __init__(self, client: Client, threads: typing.SupportsInt | typing.SupportsIndex = 1) -> None:
        ...
    def cancel(self, id: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def shutdown(self) -> None:
        """
        Cancels what is in flight, waits until each call is delivered, joins the threads.
        """
    def start_infer(self, sink: CompletionSink, lent: list, id: typing.SupportsInt | typing.SupportsIndex, model_name: str, inputs: typing.Any, outputs: typing.Any, model_version: str, request_id: str, parameters: typing.Any, timeout_s: typing.Any, headers: typing.Any, retry: typing.Any = None) -> None:
        ...
    def start_stream(self, sink: CompletionSink, id: typing.SupportsInt | typing.SupportsIndex, timeout_s: typing.Any, headers: typing.Any, max_buffered: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def start_unary(self, sink: CompletionSink, id: typing.SupportsInt | typing.SupportsIndex, method: str, request_json: str, timeout_s: typing.Any, headers: typing.Any, retry: typing.Any = None) -> None:
        ...
    def stream_close(self, stream_id: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def stream_consumed(self, stream_id: typing.SupportsInt | typing.SupportsIndex, count: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def stream_send(self, lent: list, stream_id: typing.SupportsInt | typing.SupportsIndex, send_id: typing.SupportsInt | typing.SupportsIndex, model_name: str, inputs: typing.Any, outputs: typing.Any, model_version: str, request_id: str, parameters: typing.Any) -> bool:
        ...
    @property
    def in_flight(self) -> int:
        ...
class EmbeddedServer:
    """
    The built-in Triton-protocol test server.
    """
    def __init__(self, address: str, tls: typing.Any = None, header_forward_pattern: str = '') -> None:
        """
        tls: None or (certificate chain, private key, client CA or None) as PEM bytes.
        """
    def peers(self) -> list[str]:
        ...
    def shutdown(self) -> None:
        ...
    def wait(self) -> None:
        ...
    @property
    def port(self) -> int:
        ...
class CudaUnavailableError(RuntimeError):
    pass
class CudaError(RuntimeError):
    pass
class CudaSharedMemory:
    """
    Device memory exported as a CUDA IPC handle.
    """
    def __init__(self, device: typing.SupportsInt | typing.SupportsIndex, byte_size: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def copy_from_device(self, offset: typing.SupportsInt | typing.SupportsIndex, pointer: typing.SupportsInt | typing.SupportsIndex, byte_size: typing.SupportsInt | typing.SupportsIndex, stream: typing.SupportsInt | typing.SupportsIndex) -> None:
        """
        Copies byte_size bytes of device memory at pointer on the producer's stream, and waits.
        """
    def copy_from_dlpack(self, offset: typing.SupportsInt | typing.SupportsIndex, capsule: typing_extensions.CapsuleType) -> int:
        """
        Consumes a DLPack capsule, copying its tensor's bytes to offset; returns how many.
        """
    def copy_from_host(self, offset: typing.SupportsInt | typing.SupportsIndex, source: typing_extensions.Buffer) -> None:
        ...
    def copy_to_host(self, offset: typing.SupportsInt | typing.SupportsIndex, byte_size: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.uint8]:
        """
        A new uint8 array with byte_size bytes from offset.
        """
    def dlpack(self, offset: typing.SupportsInt | typing.SupportsIndex, datatype: str, shape: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> typing_extensions.CapsuleType:
        """
        A DLPack capsule over the region's memory at offset (C order), holding the region.
        """
    def ipc_handle(self) -> bytes:
        ...
    @property
    def byte_size(self) -> int:
        ...
    @property
    def device(self) -> int:
        ...
    @property
    def device_pointer(self) -> int:
        ...
class SystemSharedMemory:
    """
    A POSIX shared-memory object mapped read-write (see tritonlink.shared_memory).
    """
    @staticmethod
    def check_key(key: str) -> None:
        """
        ValueError unless key is a portable POSIX shared-memory name.
        """
    @staticmethod
    def create(key: str, byte_size: typing.SupportsInt | typing.SupportsIndex) -> SystemSharedMemory:
        """
        Creates, sizes and maps a new object; unlinked when closed.
        """
    @staticmethod
    def open(key: str, byte_size: typing.SupportsInt | typing.SupportsIndex) -> SystemSharedMemory:
        """
        Maps the first byte_size bytes of an existing object.
        """
    def unlink(self) -> None:
        """
        Removes the name of an object this mapping created; the mapping lasts until it is collected.
        """
    @property
    def byte_size(self) -> int:
        ...
    @property
    def created(self) -> bool:
        ...
    @property
    def is_open(self) -> bool:
        ...
    @property
    def key(self) -> str:
        ...
def cuda_device_count() -> int:
    ...
def datatypes() -> list:
    """
    The Triton datatypes as (name, element size or 0 for BYTES, numpy kind or '', numpy dtype name).
    """
def decode_infer_response(message: bytes) -> InferResponse:
    """
    Decodes serialized ModelInferResponse bytes as infer() would.
    """
def deserialize_bytes_tensor(payload: bytes, shape: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] | None = None) -> numpy.ndarray:
    """
    The elements of a serialized BYTES tensor as an object array (1-d when no shape is given).
    """
def dlpack_byte_size(capsule: typing_extensions.CapsuleType) -> int:
    """
    How many bytes an unconsumed DLPack capsule's C-contiguous tensor holds.
    """
def encode_infer_request(model_name: str, inputs: typing.Any, outputs: typing.Any, model_version: str, request_id: str, parameters: typing.Any, borrow_threshold: typing.SupportsInt | typing.SupportsIndex = 16384) -> tuple[bytes, int]:
    """
    Encodes a ModelInferRequest as infer() would; returns (bytes, number of borrowed payload pieces).
    """
def keep_forever(object: typing.Any) -> None:
    """
    Leaks one reference so the object is never destroyed: for gRPC objects inherited through fork(), whose destructors would wait on threads that do not exist in the child.
    """
def never_sent(code: typing.SupportsInt | typing.SupportsIndex, message: str) -> bool:
    """
    Whether the status says the request never left the client.
    """
def numpy_dtype(datatype: str, what: str) -> numpy.dtype[typing.Any]:
    """
    The numpy dtype for a Triton datatype (object for BYTES); ValueError names an unknown one.
    """
def release_idle_receive_blocks() -> int:
    """
    Frees the pooled receive blocks no response uses now; returns the bytes freed.
    """
def row_major_byte_size(shape: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], byte_strides: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], element_size: typing.SupportsInt | typing.SupportsIndex, what: str) -> int:
    """
    The bytes of a C-order tensor; ValueError naming `what` for other layouts.
    """
def serialize_bytes_tensor(name: str, array: numpy.ndarray) -> numpy.ndarray:
    """
    The wire form of a C-contiguous object (bytes/str) or S array, as a uint8 array.
    """
def set_cudart_search_paths(paths: str) -> None:
    """
    ':'-separated directories searched for libcudart.so.12 before the loader's own names.
    """
def set_error_factory(factory: typing.Any) -> None:
    """
    Registers factory(code, message, model_name, request_id) -> exception for failed calls.
    """
def status_class(code: typing.SupportsInt | typing.SupportsIndex) -> tuple[bool, bool]:
    """
    (retryable, may_have_executed) of a gRPC status code.
    """
def triton_datatype(dtype: numpy.dtype[typing.Any]) -> str:
    """
    The Triton datatype that carries arrays of dtype; TypeError when none does.
    """
def wire_payload(name: str, datatype: str, array: numpy.ndarray) -> numpy.ndarray:
    """
    What is sent for an input: see wire_ready; for BYTES the serialized elements in one buffer.
    """
def wire_ready(array: numpy.ndarray) -> numpy.ndarray:
    """
    The array as the wire wants it: itself when C-contiguous and little-endian, else one converted copy.
    """
