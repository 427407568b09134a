"""The headers (gRPC metadata) every call of a client sends: the client's defaults, then what
its auth_plugin returns for this call, then the call's own; a later one wins per key."""

from __future__ import annotations

import base64
from typing import Any, Callable, Mapping, Optional

from ._arguments import core_headers

AuthPlugin = Callable[[], Mapping[str, str]]


def basic_auth_headers(username: str, password: str) -> dict[str, Any]:
    """The ``authorization`` header of HTTP Basic authentication, for ``headers=``."""
    for value, what in ((username, "username"), (password, "password")):
        if not isinstance(value, str):
            raise TypeError(f"{what} must be str, not {type(value).__name__}")
    if ":" in username:
        raise ValueError("username must not contain ':' (Basic authentication separates it from the password)")
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return {"authorization": f"Basic {token}"}


class CallHeaders:
    def __init__(self, headers: Optional[Mapping[str, str]] = None, auth_plugin: Optional[AuthPlugin] = None) -> None:
        if auth_plugin is not None and not callable(auth_plugin):
            raise TypeError(f"auth_plugin must be callable, not {type(auth_plugin).__name__}")
        self._defaults = dict(core_headers(headers) or [])  # checked once, here
        self._auth_plugin = auth_plugin
        # Then for_call(None) is None: the infer hot path asks this rather than call it.
        self.adds_nothing = not self._defaults and auth_plugin is None

    def for_call(self, headers: Optional[Mapping[str, str]]) -> Optional[list[Any]]:
        """The call's metadata as (key, value) pairs for the compiled core, or None."""
        if self.adds_nothing:
            return None if headers is None else core_headers(headers)
        merged = dict(self._defaults)
        if self._auth_plugin is not None:
            try:
                merged.update(core_headers(self._auth_plugin()) or [])
            except (TypeError, ValueError) as error:
                raise type(error)(f"auth_plugin returned bad headers: {error}") from None
        merged.update(core_headers(headers) or [])
        return list(merged.items()) or None

