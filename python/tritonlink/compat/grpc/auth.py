"""tritonclient's auth plugins: ``client.register_plugin(BasicAuth(username, password))``."""

from __future__ import annotations

from ..._headers import basic_auth_headers
from ._options import Request


class BasicAuth:
    """Adds HTTP Basic authentication's ``authorization`` header to every request."""

    def __init__(self, username: str, password: str) -> None:
        self._headers = basic_auth_headers(username, password)

    def __call__(self, request: Request) -> None:
        request.headers.update(self._headers)


__all__ = ["BasicAuth"]
