"""Validation of the arguments every call shares, shared by Client and AsyncClient."""

from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Iterable, Mapping, Optional, TypeVar, Union

from ._request_options import request_parameters
from ._tensors import InferRequestedOutput, InputsArg, core_inputs, core_outputs
from .retry import RetryPolicy, core_retry

# gRPC metadata keys: lowercase letters, digits and -_. ; "grpc-" is reserved for gRPC itself.
_HEADER_KEY = re.compile(r"^[0-9a-z_.\-]+$")


def check_text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    return value


def core_headers(headers: Optional[Mapping[str, str]]) -> Optional[list[tuple[str, str]]]:
    if headers is None:
        return None
    if not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping of str to str, not {type(headers).__name__}")
    prepared = []
    for key, value in headers.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"header {key!r} must map a str to a str")
        key = key.lower()
        if not _HEADER_KEY.match(key) or key.startswith("grpc-"):
            raise ValueError(f"header name {key!r} is not a valid gRPC metadata key")
        if not key.endswith("-bin") and not all(" " <= c <= "~" for c in value):
            raise ValueError(f"header {key!r} must be printable ASCII (or use a name ending in -bin)")
        prepared.append((key, value))
    return prepared


def core_timeout(client_timeout: Optional[float]) -> Optional[float]:
    if client_timeout is None:
        return None
    if isinstance(client_timeout, bool) or not isinstance(client_timeout, (int, float)):
        raise TypeError(f"client_timeout must be a number of seconds, not {type(client_timeout).__name__}")
    if not client_timeout > 0:
        raise ValueError(f"client_timeout must be positive, got {client_timeout}")
    return float(client_timeout)


# gRPC's own metadata key for the request's compression: the compiled core turns it into
# ClientContext::set_compression_algorithm (see csrc/core/call_options.h).
_COMPRESSION_KEY = "grpc-internal-encoding-request"
_COMPRESSION_ALGORITHMS = ("gzip", "deflate")


def compression_header(compression_algorithm: Optional[str]) -> list[tuple[str, str]]:
    if compression_algorithm is None:
        return []
    if not isinstance(compression_algorithm, str):
        raise TypeError(f"compression_algorithm must be str or None, not {type(compression_algorithm).__name__}")
    name = compression_algorithm.lower()
    if name not in _COMPRESSION_ALGORITHMS:
        raise ValueError(f"compression_algorithm must be 'gzip', 'deflate' or None, not {compression_algorithm!r}")
    return [(_COMPRESSION_KEY, name)]


def infer_arguments(
    model_name: str,
    inputs: InputsArg,
    outputs: Optional[Iterable[InferRequestedOutput]] = None,
    model_version: str = "",
    request_id: str = "",
    parameters: Optional[Mapping[str, Any]] = None,
    client_timeout: Optional[float] = None,
    headers: Optional[Mapping[str, str]] = None,
    sequence_id: Union[int, str] = 0,
    sequence_start: bool = False,
    sequence_end: bool = False,
    priority: int = 0,
    timeout: Optional[int] = None,
    compression_algorithm: Optional[str] = None,
    retry: Optional[RetryPolicy] = None,
    *,
    call_headers: Optional[Any] = None,
    client_retry: Optional[RetryPolicy] = None,
) -> tuple[Any, ...]:
    """infer()'s arguments, validated, in the order the compiled core takes them.

    Its signature is the one definition of an infer call's options: every method that starts one
    is made from it by takes_infer_options. `call_headers` is the client's CallHeaders (its
    default headers and auth plugin), `client_retry` its retry policy.
    """
    # Every call runs this: the common case (no options) takes the fewest Python steps.
    if type(model_name) is not str or type(model_version) is not str or type(request_id) is not str:
        check_text(model_name, "model_name")
        check_text(model_version, "model_version")
        check_text(request_id, "request_id")
    if call_headers is None:
        metadata = core_headers(headers)
    else:  # a client without default headers or auth plugin adds nothing to a call without headers
        metadata = None if headers is None and call_headers.adds_nothing else call_headers.for_call(headers)
    if compression_algorithm is not None:
        metadata = (metadata or []) + compression_header(compression_algorithm)
    return (
        model_name,
        inputs if type(inputs) is dict else core_inputs(inputs),  # see core_inputs
        [] if outputs is None else core_outputs(outputs),
        model_version,
        request_id,
        request_parameters(parameters, sequence_id, sequence_start, sequence_end, priority, timeout),
        None if client_timeout is None else core_timeout(client_timeout),
        metadata or None,
        None if retry is None and client_retry is None else core_retry(retry, client_retry),
    )


INFER_OPTIONS_DOC = """
``inputs`` is a list of :class:`InferInput` or a mapping ``{name: ndarray}`` (datatype and
shape taken from each array). Input arrays are sent from their own memory when they are
C-contiguous and little-endian. ``client_timeout`` is a deadline in seconds, enforced by
this client; ``timeout`` is the server's own timeout for the request, in MICROSECONDS
(Triton's ``timeout`` parameter). ``sequence_id`` (int or str; 0 or "" for none),
``sequence_start`` and ``sequence_end`` address a sequence (stateful) model; ``priority``
is the request's scheduling priority (0: the model's default). ``parameters`` are custom
request parameters (str, int, bool or float); the protocol's own names are refused.
``compression_algorithm`` ("gzip", "deflate" or None) compresses the request message.
``retry`` (a :class:`tritonlink.RetryPolicy`) replaces the client's policy for this call;
``tritonlink.NO_RETRY`` makes it one attempt.
"""

_Result = TypeVar("_Result")

_INFER_OPTIONS = {
    name: p for name, p in inspect.signature(infer_arguments).parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD
}

def takes_infer_options(*leading: str, without: Iterable[str] = (),
                        name: Optional[str] = None) -> Callable[[Callable[..., _Result]], Callable[..., _Result]]:
    """Makes an infer method from `wait(self, arguments, *leading, *, extra...)`, which says how
    a call waits once infer_arguments has validated its options.

    The method takes infer_arguments' options by their names, defaults and annotations (so
    inspect.signature, help() and editors that read signatures show them), with `wait`'s
    `leading` arguments after ``inputs`` (async_infer's callback) and its keyword-only ones last
    (a stream's extra option). Options named in `without` are left out, at their defaults (a
    stream's requests share the stream's deadline and headers). It is compiled from that
    signature, as dataclasses compiles __init__, because a ``*args, **kwargs`` forwarder costs
    the 64 B sync infer about 0.17 us. `name` names the method when `wait` is defined under
    another name, so that the class's attribute of that name is the method for mypy too.
    """

    def decorate(wait: Callable[..., _Result]) -> Callable[..., _Result]:
        method_name = name or wait.__name__
        own = inspect.signature(wait).parameters
        options = [p for name, p in _INFER_OPTIONS.items() if name not in without]
        positional = options[:2] + [own[name].replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in leading]
        positional += options[2:]
        keyword_only = [p for p in own.values() if p.kind is p.KEYWORD_ONLY]
        declared = ", ".join(["self", *(p.name for p in positional), *(["*"] if keyword_only else []),
                              *(p.name for p in keyword_only)])
        # Positional when none is left out: the hot path's call costs less that way.
        taken = ", ".join(p.name if not without else f"{p.name}={p.name}" for p in options)
        client_options = "call_headers=self._call_headers" + (
            "" if "retry" in without else ", client_retry=self._retry")
        passed = ", ".join(["self", f"infer_arguments({taken}, {client_options})",
                            *leading, *(f"{p.name}={p.name}" for p in keyword_only)])
        namespace: dict[str, Any] = {"wait": wait, "infer_arguments": infer_arguments}
        exec(f"def {method_name}({declared}):\n    return wait({passed})\n", namespace)
        method: Callable[..., _Result] = namespace[method_name]
        method.__defaults__ = tuple(p.default for p in positional if p.default is not p.empty)
        method.__kwdefaults__ = {p.name: p.default for p in keyword_only if p.default is not p.empty} or None
        method.__annotations__ = {p.name: p.annotation for p in positional + keyword_only
                                  if p.annotation is not p.empty}
        if "return" in wait.__annotations__:
            method.__annotations__["return"] = wait.__annotations__["return"]
        method.__qualname__ = wait.__qualname__[:-len(wait.__name__)] + method_name
        method.__module__ = wait.__module__
        method.__doc__ = inspect.cleandoc(wait.__doc__ or "") + "\n" + INFER_OPTIONS_DOC
        return method

    return decorate


def check_max_in_flight(value: Any, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        allowed = "a positive int or None" if optional else "a positive int"
        raise ValueError(f"max_in_flight must be {allowed}, got {value!r}")


def check_url(url: Any) -> str:
    target = check_text(url, "url")
    if "://" in target and not target.startswith(("dns:", "unix:", "ipv4:", "ipv6:")):
        raise ValueError(f"url must be host:port (a gRPC target), not {target!r}")
    return target


def split_channel_args(channel_args: Optional[Mapping[str, Any]]) -> tuple[dict[str, int], dict[str, str]]:
    int_args: dict[str, int] = {}
    string_args: dict[str, str] = {}
    for key, value in (channel_args or {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise TypeError(f"channel argument {key!r} must be int or str, not {type(value).__name__}")
        if isinstance(value, int):
            int_args[key] = value
        else:
            string_args[key] = value
    return int_args, string_args
