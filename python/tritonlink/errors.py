"""Exceptions raised by tritonlink.

Every failed call raises an :class:`InferenceServerError` (also importable as
``InferenceServerException``, the name tritonclient uses) carrying the gRPC status code, the
server's message, and the model and request it concerns. Each error also says

- ``retryable``: the failure is transient, so the same request may succeed if sent again later;
- ``may_have_executed``: the request may have reached the server and run, so sending it again
  could run it twice;
- ``safe_to_retry``: both together, ``retryable and not may_have_executed``: resending cannot
  run the request twice. Retry errors that are ``retryable`` but may have executed only when the
  request is idempotent.

Each status code maps to one class and one pair of flags:

======================  ========================  =========  =================
code                    class                     retryable  may_have_executed
======================  ========================  =========  =================
CANCELLED               CancelledError            no         yes
UNKNOWN                 InferenceServerError      no         yes
INVALID_ARGUMENT        InvalidArgumentError      no         no
DEADLINE_EXCEEDED       DeadlineExceededError     no         yes
NOT_FOUND               NotFoundError             no         no
ALREADY_EXISTS          InferenceServerError      no         no
PERMISSION_DENIED       PermissionDeniedError     no         no
RESOURCE_EXHAUSTED      ResourceExhaustedError    yes        yes
FAILED_PRECONDITION     InferenceServerError      no         no
ABORTED                 InferenceServerError      yes        yes
OUT_OF_RANGE            InferenceServerError      no         no
UNIMPLEMENTED           UnimplementedError        no         no
INTERNAL                InternalError             no         yes
UNAVAILABLE             ServerUnavailableError    yes        yes (no if never connected)
DATA_LOSS               InternalError             no         yes
UNAUTHENTICATED         PermissionDeniedError     no         no
======================  ========================  =========  =================

The flags come from the compiled core (csrc/core/status_classes.*), whose retry policy reads
the same table; a test checks that this one agrees. RESOURCE_EXHAUSTED may have executed
because gRPC also reports a response too large to receive with it. UNAVAILABLE is the one code
whose message decides: when gRPC says it never connected
(``failed to connect``, ``Connection refused``, ``DNS resolution failed``), the request was not
sent and the error is safe to retry; otherwise (a connection reset, a server shutting down) the
server may have run it. A response that the client cannot decode is INTERNAL: it executed.
"""

from __future__ import annotations

import enum
from typing import NamedTuple, Optional

from . import _core
from ._tls_hints import with_tls_hint


class StatusCode(enum.IntEnum):
    """gRPC status codes, with the numbers gRPC uses on the wire."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


class InferenceServerError(Exception):
    """A call to the server failed. ``code`` is the gRPC status code; ``retryable``,
    ``may_have_executed`` and ``safe_to_retry`` are explained in the module's docstring."""

    def __init__(
        self,
        msg: str,
        status: Optional[str] = None,
        debug_details: Optional[str] = None,
        *,
        code: StatusCode = StatusCode.UNKNOWN,
        model_name: str = "",
        request_id: str = "",
        retryable: Optional[bool] = None,
        may_have_executed: Optional[bool] = None,
    ) -> None:
        self.code = StatusCode(code)
        default = _MAPPING[self.code]
        self.retryable = default.retryable if retryable is None else retryable
        self.may_have_executed = default.may_have_executed if may_have_executed is None else may_have_executed
        self.model_name = model_name
        self.request_id = request_id
        self._msg = msg
        self._status = status if status is not None else f"StatusCode.{self.code.name}"
        self._debug_details = debug_details
        super().__init__(self._describe())

    def _describe(self) -> str:
        context = []
        if self.model_name:
            context.append(f"model '{self.model_name}'")
        if self.request_id:
            context.append(f"request id '{self.request_id}'")
        where = f" ({', '.join(context)})" if context else ""
        return f"[{self._status}]{where} {self._msg}"

    @property
    def safe_to_retry(self) -> bool:
        """Whether sending the same request again may succeed and cannot run it twice."""
        return self.retryable and not self.may_have_executed

    # The accessors tritonclient's exception has, for code written against it.
    def message(self) -> str:
        return self._msg

    def status(self) -> str:
        return self._status

    def debug_details(self) -> Optional[str]:
        return self._debug_details


InferenceServerException = InferenceServerError


class ServerUnavailableError(InferenceServerError):
    """The server could not be reached or is shutting down (UNAVAILABLE)."""


class DeadlineExceededError(InferenceServerError, TimeoutError):
    """The call's deadline (``client_timeout``) passed first (DEADLINE_EXCEEDED)."""


class NotFoundError(InferenceServerError):
    """The model (or version) is unknown to the server (NOT_FOUND)."""


class InvalidArgumentError(InferenceServerError):
    """The server rejected the request's contents (INVALID_ARGUMENT)."""


class CancelledError(InferenceServerError):
    """The call was cancelled before it completed (CANCELLED)."""


class ResourceExhaustedError(InferenceServerError):
    """The server (or this client) ran out of a resource: a full queue, a rate limit, or a
    message over the size limit (RESOURCE_EXHAUSTED)."""


class PermissionDeniedError(InferenceServerError):
    """The server refused the caller's credentials (PERMISSION_DENIED, UNAUTHENTICATED)."""


class UnimplementedError(InferenceServerError):
    """The server does not offer the call, e.g. infer() on a decoupled model (UNIMPLEMENTED)."""


class InternalError(InferenceServerError):
    """The server failed inside, or sent a response this client cannot decode (INTERNAL,
    DATA_LOSS)."""


class MissingOutputError(KeyError, ValueError):
    """The response has no output of the name asked for."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class _Mapping(NamedTuple):
    error_class: type[InferenceServerError]
    retryable: bool
    may_have_executed: bool


_ERROR_CLASSES = {
    StatusCode.CANCELLED: CancelledError,
    StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    StatusCode.NOT_FOUND: NotFoundError,
    StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    StatusCode.UNIMPLEMENTED: UnimplementedError,
    StatusCode.INTERNAL: InternalError,
    StatusCode.UNAVAILABLE: ServerUnavailableError,
    StatusCode.DATA_LOSS: InternalError,
    StatusCode.UNAUTHENTICATED: PermissionDeniedError,
}

# The module docstring's table (OK is never raised; it makes the table total).
_MAPPING = {
    code: _Mapping(_ERROR_CLASSES.get(code, InferenceServerError), *_core.status_class(int(code)))
    for code in StatusCode
}


def error_from_status(code: int, message: str, model_name: str = "", request_id: str = "") -> InferenceServerError:
    """The exception for a failed call; the compiled core calls this for every error status."""
    try:
        status_code = StatusCode(code)
    except ValueError:
        status_code = StatusCode.UNKNOWN
    mapping = _MAPPING[status_code]
    may_have_executed = False if _core.never_sent(int(status_code), message) else None
    return mapping.error_class(with_tls_hint(message), code=status_code, model_name=model_name, request_id=request_id,
                               may_have_executed=may_have_executed)


class InFlightLimitError(RuntimeError):
    """The client's max_in_flight is reached and it was told to raise rather than wait."""
