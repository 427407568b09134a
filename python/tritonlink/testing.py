"""The embedded Triton-protocol test server, for tests, demos and benchmarks.

    with tritonlink.testing.Server() as server:
        client = tritonlink.Client(server.url)

Models: ``identity`` (OUTPUT0 = INPUT0, any datatype and shape), ``add_sub`` (FP32 [16]:
OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1) and ``sleep`` (FP32 [1]: waits that many
milliseconds without holding a server thread, then echoes it).
"""

from __future__ import annotations

from typing import Any, Optional

from . import _core, _lifecycle


class Server:
    """The embedded server, run in this process on its own C++ threads (no GIL involved)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int from 0 to 65535, got {port!r}")
        self._address = f"{host}:{port}"
        self._host = host
        self._server: Optional[Any] = None
        _lifecycle.track(self)

    def start(self) -> "Server":
        if self._server is None:
            self._server = _core.EmbeddedServer(self._address)
        return self

    def stop(self) -> None:
        """Finishes in-flight requests and stops listening. Stopping twice is harmless."""
        if self._server is not None:
            server, self._server = self._server, None
            server.shutdown()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return self._server.port

    @property
    def url(self) -> str:
        return f"{self._host}:{self.port}"

    def _close_at_exit(self) -> None:
        self.stop()

    def _disown_after_fork(self) -> Optional[Any]:
        inherited, self._server = self._server, None
        return inherited

    def wait(self) -> None:
        """Blocks until the server stops."""
        if self._server is not None:
            self._server.wait()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
