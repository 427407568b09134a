"""Exceptions raised by tritonlink.

Every failed call raises an :class:`InferenceServerError` (also importable as
``InferenceServerException``, the name tritonclient uses) carrying the gRPC status code, the
server's message, and the model and request it concerns.
"""

from __future__ import annotations

import enum
from typing import Optional


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
    """A call to the server failed. ``code`` is the gRPC status code."""

    def __init__(
        self,
        msg: str,
        status: Optional[str] = None,
        debug_details: Optional[str] = None,
        *,
        code: StatusCode = StatusCode.UNKNOWN,
        model_name: str = "",
        request_id: str = "",
    ) -> None:
        self.code = StatusCode(code)
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


class MissingOutputError(KeyError, ValueError):
    """The response has no output of the name asked for."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


_ERROR_FOR_CODE = {
    StatusCode.UNAVAILABLE: ServerUnavailableError,
    StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    StatusCode.NOT_FOUND: NotFoundError,
    StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    StatusCode.CANCELLED: CancelledError,
}


def error_from_status(code: int, message: str, model_name: str = "", request_id: str = "") -> InferenceServerError:
    """The exception for a failed call; the compiled core calls this for every error status."""
    try:
        status_code = StatusCode(code)
    except ValueError:
        status_code = StatusCode.UNKNOWN
    cls = _ERROR_FOR_CODE.get(status_code, InferenceServerError)
    return cls(message, code=status_code, model_name=model_name, request_id=request_id)


class InFlightLimitError(RuntimeError):
    """The client's max_in_flight is reached and it was told to raise rather than wait."""
