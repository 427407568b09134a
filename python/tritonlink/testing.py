"""The embedded Triton-protocol test server, for tests, demos and benchmarks.

    with tritonlink.testing.Server() as server:
        client = tritonlink.Client(server.url)

Models: ``identity`` (OUTPUT0 = INPUT0, any datatype and shape), ``identity_<dtype>`` for
every datatype (``identity_bool`` ... ``identity_bytes``, ``identity_bf16``: that datatype,
rank 1, checked as Triton checks a config), ``add_sub`` (FP32 [16]: OUTPUT0 = INPUT0 + INPUT1,
OUTPUT1 = INPUT0 - INPUT1), ``echo_parameters`` (OUTPUT0 = INPUT0, and PARAMETERS: the
request's options as JSON in one BYTES element), ``sleep`` (FP32 [1]: waits that many
milliseconds without holding a server thread, then echoes it), ``repeat`` (decoupled, reached
through the gRPC stream only: IN INT32 [N] gives N responses OUT = [IN[i]], IDX = [i], each
after an optional DELAY_MS[i] milliseconds, then the final flag) and ``accumulate`` (a
sequence model: OUT = running sum of IN over the request's sequence id, an integer or a
string). Every model is reachable through ModelStreamInfer. Requested outputs honour
``class_count`` (Triton's classification extension).
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

from . import _core, _lifecycle
from ._channel_options import Pem, read_pem


class ServerTls(NamedTuple):
    """The embedded server's TLS material, each a PEM file path or PEM bytes. With
    ``client_ca``, clients must present a certificate it signed (mutual TLS)."""

    certificate_chain: Pem
    private_key: Pem
    client_ca: Optional[Pem] = None

    def pems(self) -> tuple[Any, ...]:
        return (read_pem(self.certificate_chain, "tls.certificate_chain"),
                read_pem(self.private_key, "tls.private_key"), read_pem(self.client_ca, "tls.client_ca"))


class Server:
    """The embedded server, run in this process on its own C++ threads (no GIL involved).

    ``tls`` (a :class:`ServerTls`) makes it serve TLS only. Request headers whose whole name
    matches ``header_forward_pattern`` (a regular expression) reach the models as string
    request parameters, as Triton's ``--grpc-header-forward-pattern`` does.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, tls: Optional[ServerTls] = None,
                 header_forward_pattern: Optional[str] = None) -> None:
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int from 0 to 65535, got {port!r}")
        if tls is not None and not isinstance(tls, ServerTls):
            raise TypeError(f"tls must be a tritonlink.testing.ServerTls, not {type(tls).__name__}")
        if header_forward_pattern is not None and not isinstance(header_forward_pattern, str):
            raise TypeError(f"header_forward_pattern must be str, not {type(header_forward_pattern).__name__}")
        self._address = f"{host}:{port}"
        self._host = host
        self._tls = tls.pems() if tls is not None else None  # unreadable files fail here
        self._header_forward_pattern = header_forward_pattern or ""
        self._server: Optional[_core.EmbeddedServer] = None
        _lifecycle.track(self)

    def start(self) -> "Server":
        if self._server is None:
            self._server = _core.EmbeddedServer(self._address, self._tls, self._header_forward_pattern)
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

    def peers(self) -> set[Any]:
        """The client connections ("ipv4:127.0.0.1:41234") that have sent it inference
        requests (ModelInfer or ModelStreamInfer) since it started."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        return set(self._server.peers())

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
