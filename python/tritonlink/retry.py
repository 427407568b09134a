"""Retries of failed calls: :class:`RetryPolicy`, given to a client for all its calls or to
one infer call.

The attempts run in the compiled core, on the thread that waits for the call (sync infer) or on
the engine's completion queue (async calls, whose backoff waits are alarms there, so no Python
thread sleeps). They share the call's ``client_timeout``: no attempt starts that the deadline
would not leave time for.

Why not gRPC's own retries (a service-config ``retryPolicy``)? They are set per channel, not
per call; they cap attempts at 5, have no jitter setting and cannot tell "never sent" from
"may have run": they retry a listed code whether or not the server may have executed the
request. ``wait_for_ready`` would also make every call to a server that is down wait for its
whole deadline. gRPC's transparent retries (of calls that never left the client for a
connection that was going away) stay on underneath, as gRPC has them by default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Tuple

from . import _core
from ._core import RetryPolicy as CompiledPolicy
from .errors import InferenceServerError, StatusCode


def _positive_number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")
    if not value > 0:
        raise ValueError(f"{what} must be positive, got {value}")
    return float(value)


def _status_codes(codes: Iterable[Any]) -> Tuple[StatusCode, ...]:
    if isinstance(codes, (str, bytes)) or not isinstance(codes, Iterable):
        raise TypeError(f"retry_on must be an iterable of StatusCode, not {type(codes).__name__}")
    checked = []
    for code in codes:
        if isinstance(code, str):
            if code.upper() not in StatusCode.__members__:
                raise ValueError(f"retry_on: {code!r} is not a gRPC status code name")
            code = StatusCode[code.upper()]
        elif isinstance(code, bool) or not isinstance(code, int):
            raise TypeError(f"retry_on takes StatusCode values, not {type(code).__name__}")
        checked.append(StatusCode(code))
    if StatusCode.OK in checked:
        raise ValueError("retry_on cannot hold OK: a successful call is never retried")
    return tuple(checked)


@dataclass(frozen=True)
class RetryPolicy:
    """When and how soon a failed call is sent again.

    A call makes at most ``max_attempts`` attempts (the first included). After attempt n fails
    it waits ``min(initial_backoff * multiplier ** (n - 1), max_backoff)`` seconds, scaled by a
    random factor in ``[1 - jitter, 1 + jitter]`` so that many clients do not retry in step.

    Which failures: a request that never left the client (no connection could be made) is
    always retried, whatever its code. Other failures are retried when their code is in
    ``retry_on`` and the request cannot have run (see :mod:`tritonlink.errors`: e.g.
    NOT_FOUND while a model loads); with ``retry_after_send=True`` also when it may have run,
    which is right only for idempotent requests (a stateless model, not a sequence step).
    DEADLINE_EXCEEDED is never retried: the deadline is the whole call's. CANCELLED is, when
    listed, only if the server sent it (a server shutting down cancels the requests it had
    not started), never after the caller's own cancel or Ctrl-C.
    The error raised at the end is the last attempt's, its message saying how many were made.
    """

    max_attempts: int = 3
    initial_backoff: float = 0.05
    max_backoff: float = 1.0
    multiplier: float = 2.0
    jitter: float = 0.2
    retry_on: Tuple[StatusCode, ...] = (StatusCode.UNAVAILABLE,)
    retry_after_send: bool = False
    _core: CompiledPolicy = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise TypeError(f"max_attempts must be an int, not {type(self.max_attempts).__name__}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        initial = _positive_number(self.initial_backoff, "initial_backoff")
        maximum = _positive_number(self.max_backoff, "max_backoff")
        if maximum < initial:
            raise ValueError(f"max_backoff ({maximum}) must not be less than initial_backoff ({initial})")
        multiplier = _positive_number(self.multiplier, "multiplier")
        if multiplier < 1:
            raise ValueError(f"multiplier must be at least 1, got {multiplier}")
        if isinstance(self.jitter, bool) or not isinstance(self.jitter, (int, float)) or not 0 <= self.jitter < 1:
            raise ValueError(f"jitter must be a number from 0 up to (not including) 1, got {self.jitter!r}")
        if not isinstance(self.retry_after_send, bool):
            raise TypeError(f"retry_after_send must be a bool, not {type(self.retry_after_send).__name__}")
        codes = _status_codes(self.retry_on)
        object.__setattr__(self, "retry_on", codes)
        object.__setattr__(self, "_core", _core.RetryPolicy(
            self.max_attempts, initial, maximum, multiplier, float(self.jitter), [int(c) for c in codes],
            self.retry_after_send))

    def backoff(self, attempt: int) -> float:
        """Seconds waited after attempt ``attempt`` (1 for the first) fails, before jitter."""
        return self._core.backoff(attempt)

    def retries(self, error: InferenceServerError) -> bool:
        """Whether an attempt that failed with ``error`` is tried again (attempts left)."""
        return self._core.covers(int(error.code), error.message())


NO_RETRY = RetryPolicy(max_attempts=1)


def core_retry(retry: Optional[RetryPolicy], client_retry: Optional[RetryPolicy]) -> Any:
    """The compiled policy a call runs under: its own, else its client's; None for none."""
    chosen = client_retry if retry is None else retry
    if chosen is None:
        return None
    if not isinstance(chosen, RetryPolicy):
        raise TypeError(f"retry must be a tritonlink.RetryPolicy or None, not {type(chosen).__name__}")
    return chosen._core
