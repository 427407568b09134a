"""The synchronous client."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping, Optional

from . import _core
from ._result import InferResult
from ._tensors import InferRequestedOutput, InputsArg, core_inputs, core_outputs

# gRPC metadata keys: lowercase letters, digits and -_. ; "grpc-" is reserved for gRPC itself.
_HEADER_KEY = re.compile(r"^[0-9a-z_.\-]+$")


def _core_headers(headers: Optional[Mapping[str, str]]) -> Optional[list]:
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


def _core_timeout(client_timeout: Optional[float]) -> Optional[float]:
    if client_timeout is None:
        return None
    if isinstance(client_timeout, bool) or not isinstance(client_timeout, (int, float)):
        raise TypeError(f"client_timeout must be a number of seconds, not {type(client_timeout).__name__}")
    if not client_timeout > 0:
        raise ValueError(f"client_timeout must be positive, got {client_timeout}")
    return float(client_timeout)


def _check_text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    return value


class Client:
    """A client of one Triton Inference Server over gRPC.

    ``url`` is ``host:port`` (or any gRPC target such as ``dns:///name:port``). Every call
    releases the GIL while it waits for the server.
    """

    def __init__(self, url: str, *, channel_args: Optional[Mapping[str, Any]] = None) -> None:
        _check_text(url, "url")
        if "://" in url and not url.startswith(("dns:", "unix:", "ipv4:", "ipv6:")):
            raise ValueError(f"url must be host:port (a gRPC target), not {url!r}")
        int_args, string_args = {}, {}
        for key, value in (channel_args or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise TypeError(f"channel argument {key!r} must be int or str, not {type(value).__name__}")
            (int_args if isinstance(value, int) else string_args)[key] = value
        self._url = url
        self._core: Optional[Any] = _core.Client(url, int_args, string_args)

    @property
    def url(self) -> str:
        return self._url

    def _client(self) -> Any:
        if self._core is None:
            raise RuntimeError("this tritonlink.Client is closed")
        return self._core

    # ---- inference ----

    def infer(
        self,
        model_name: str,
        inputs: InputsArg,
        outputs: Optional[Iterable[InferRequestedOutput]] = None,
        model_version: str = "",
        request_id: str = "",
        parameters: Optional[Mapping[str, Any]] = None,
        client_timeout: Optional[float] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> InferResult:
        """Runs one inference and returns its result.

        ``inputs`` is a list of :class:`InferInput` or a mapping ``{name: ndarray}`` (datatype and
        shape taken from each array). Input arrays are sent from their own memory when they are
        C-contiguous and little-endian. ``client_timeout`` is a deadline in seconds.
        """
        _check_text(model_name, "model_name")
        _check_text(model_version, "model_version")
        _check_text(request_id, "request_id")
        if parameters is not None and not isinstance(parameters, Mapping):
            raise TypeError(f"parameters must be a mapping, not {type(parameters).__name__}")
        response = self._client().infer(
            model_name,
            core_inputs(inputs),
            core_outputs(outputs),
            model_version,
            request_id,
            dict(parameters) if parameters is not None else None,
            _core_timeout(client_timeout),
            _core_headers(headers),
        )
        return InferResult(response)

    # ---- health and metadata ----

    def _call(self, method: str, request: dict, client_timeout, headers, model_name: str = "") -> dict:
        reply = self._client().call_json(
            method, json.dumps(request), _core_timeout(client_timeout), _core_headers(headers), model_name
        )
        return json.loads(reply)

    def is_server_live(self, headers=None, client_timeout=None) -> bool:
        return bool(self._call("ServerLive", {}, client_timeout, headers).get("live", False))

    def is_server_ready(self, headers=None, client_timeout=None) -> bool:
        return bool(self._call("ServerReady", {}, client_timeout, headers).get("ready", False))

    def is_model_ready(self, model_name: str, model_version: str = "", headers=None, client_timeout=None) -> bool:
        request = {"name": _check_text(model_name, "model_name"), "version": _check_text(model_version, "model_version")}
        return bool(self._call("ModelReady", request, client_timeout, headers, model_name).get("ready", False))

    def get_server_metadata(self, headers=None, client_timeout=None) -> dict:
        return self._call("ServerMetadata", {}, client_timeout, headers)

    def get_model_metadata(self, model_name: str, model_version: str = "", headers=None, client_timeout=None) -> dict:
        request = {"name": _check_text(model_name, "model_name"), "version": _check_text(model_version, "model_version")}
        return self._call("ModelMetadata", request, client_timeout, headers, model_name)

    def get_model_config(self, model_name: str, model_version: str = "", headers=None, client_timeout=None) -> dict:
        request = {"name": _check_text(model_name, "model_name"), "version": _check_text(model_version, "model_version")}
        return self._call("ModelConfig", request, client_timeout, headers, model_name)

    # ---- lifetime ----

    def close(self) -> None:
        """Releases the channel. Closing twice is harmless."""
        self._core = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._core is None else "open"
        return f"tritonlink.Client({self._url!r}, {state})"
