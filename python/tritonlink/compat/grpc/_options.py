"""What the sync and asyncio InferenceServerClient share, written once: the constructor's
channel options, the auth plugin, and the arguments of one infer request, each mapped onto
tritonlink's own names."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping, Optional, Union

from ...errors import InferenceServerException

Headers = Optional[Mapping[str, str]]


class KeepAliveOptions:
    """gRPC keepalive settings, with tritonclient's defaults."""

    def __init__(self, keepalive_time_ms: int = 2**31 - 1, keepalive_timeout_ms: int = 20000,
                 keepalive_permit_without_calls: bool = False, http2_max_pings_without_data: int = 2) -> None:
        self.keepalive_time_ms = keepalive_time_ms
        self.keepalive_timeout_ms = keepalive_timeout_ms
        self.keepalive_permit_without_calls = keepalive_permit_without_calls
        self.http2_max_pings_without_data = http2_max_pings_without_data


class Request:
    """What an auth plugin is called with: it adds to ``headers``."""

    def __init__(self, headers: dict[str, Any]) -> None:
        self.headers = headers


def native_client_options(ssl: bool, root_certificates: Optional[str], private_key: Optional[str],
                          certificate_chain: Optional[str], creds: Any, keepalive_options: Optional[KeepAliveOptions],
                          channel_args: Any, auth_plugin: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The keyword arguments of tritonlink's Client (or AsyncClient) for tritonclient's."""
    if creds is not None:
        raise NotImplementedError("creds (a grpc.ChannelCredentials) cannot be used by tritonlink's gRPC C++ "
                                  "channel: pass ssl=True with root_certificates, private_key, certificate_chain")
    keepalive = keepalive_options or KeepAliveOptions()
    return {
        "ssl": ssl,
        # tritonclient reads the certificate files as given; so does tritonlink (paths or PEM bytes).
        "root_certificates": root_certificates if ssl else None,
        "private_key": private_key if ssl else None,
        "certificate_chain": certificate_chain if ssl else None,
        "keepalive_time_ms": keepalive.keepalive_time_ms,
        "keepalive_timeout_ms": keepalive.keepalive_timeout_ms,
        "keepalive_permit_without_calls": keepalive.keepalive_permit_without_calls,
        "http2_max_pings_without_data": keepalive.http2_max_pings_without_data,
        # tritonclient takes a list of (key, value) pairs.
        "channel_args": None if channel_args is None else dict(channel_args),
        "auth_plugin": auth_plugin,
    }


class Plugins:
    """register_plugin / plugin / unregister_plugin; the registered plugin's headers go with
    every call (tritonlink's auth_plugin asks for them per call)."""

    _plugin: Optional[Callable[[Request], None]] = None

    def register_plugin(self, plugin: Callable[[Request], None]) -> None:
        if self._plugin is not None:
            raise InferenceServerException("a plugin is already registered: unregister_plugin() first")
        self._plugin = plugin

    def plugin(self) -> Optional[Callable[[Request], None]]:
        return self._plugin

    def unregister_plugin(self) -> None:
        self._plugin = None

    def _plugin_headers(self) -> dict[str, Any]:
        request = Request({})
        if self._plugin is not None:
            self._plugin(request)
        return request.headers


def infer_request(model_name: str, inputs: Any, model_version: str = "", outputs: Any = None, request_id: str = "",
                  sequence_id: Union[int, str] = 0, sequence_start: bool = False, sequence_end: bool = False,
                  priority: int = 0, timeout: Optional[int] = None, client_timeout: Optional[float] = None,
                  headers: Headers = None, compression_algorithm: Optional[str] = None,
                  parameters: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """tritonclient's infer() arguments as tritonlink's infer() keywords: the same names."""
    return dict(model_name=model_name, inputs=inputs, model_version=model_version, outputs=outputs,
                request_id=request_id, sequence_id=sequence_id, sequence_start=sequence_start,
                sequence_end=sequence_end, priority=priority, timeout=timeout, client_timeout=client_timeout,
                headers=headers, compression_algorithm=compression_algorithm, parameters=parameters)


def stream_request(model_name: str, inputs: Any, model_version: str = "", outputs: Any = None, request_id: str = "",
                   sequence_id: Union[int, str] = 0, sequence_start: bool = False, sequence_end: bool = False,
                   enable_empty_final_response: bool = False, priority: int = 0, timeout: Optional[int] = None,
                   parameters: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """tritonclient's async_stream_infer() arguments (and the aio stream's request dicts) as
    tritonlink's Stream.send() keywords: the same names."""
    return dict(model_name=model_name, inputs=inputs, model_version=model_version, outputs=outputs,
                request_id=request_id, sequence_id=sequence_id, sequence_start=sequence_start,
                sequence_end=sequence_end, enable_empty_final_response=enable_empty_final_response,
                priority=priority, timeout=timeout, parameters=parameters)


def takes(arguments: Callable[..., Any], *leading: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Gives a ``method(self, *args, **kwargs)`` the signature of `arguments` (with `leading`
    parameters after ``inputs``), so help() and editors show tritonclient's."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        params = list(inspect.signature(arguments).parameters.values())
        extra = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in leading]
        self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        method.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # inspect reads it
            [self_param, *params[:2], *extra, *params[2:]])
        return method

    return decorate
