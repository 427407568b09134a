"""What a client's channel is made of: the target, TLS credentials, keepalive settings and
extra gRPC channel arguments, checked and handed to the compiled core."""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Union

from . import _core
from ._arguments import check_url, split_channel_args
from ._targets import ROUND_ROBIN_SERVICE_CONFIG, check_channels, is_balanced

Pem = Union[str, bytes, "os.PathLike[str]"]

# tritonclient's KeepAliveOptions, as gRPC channel arguments (see gRPC's doc/keepalive.md).
_KEEPALIVE_ARGS = {
    "keepalive_time_ms": "grpc.keepalive_time_ms",
    "keepalive_timeout_ms": "grpc.keepalive_timeout_ms",
    "keepalive_permit_without_calls": "grpc.keepalive_permit_without_calls",
    "http2_max_pings_without_data": "grpc.http2.max_pings_without_data",
}
_INT32_MAX = (1 << 31) - 1


def read_pem(value: Optional[Pem], what: str) -> Optional[bytes]:
    """PEM bytes as given, or read from a path (str or os.PathLike); None stays None."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{what} must be a PEM file path or PEM bytes, not {type(value).__name__}")
    try:
        with open(value, "rb") as pem:
            return pem.read()
    except OSError as error:
        raise ValueError(f"{what}: cannot read {os.fspath(value)!r}: {error.strerror or error}") from error


def tls_credentials(ssl: bool, root_certificates: Optional[Pem], private_key: Optional[Pem],
                    certificate_chain: Optional[Pem]) -> Optional[tuple[Any, ...]]:
    """(root certificates, private key, certificate chain) as PEM bytes or None each, or None
    for a plaintext channel."""
    if not isinstance(ssl, bool):
        raise TypeError(f"ssl must be a bool, not {type(ssl).__name__}")
    given = [name for name, value in (("root_certificates", root_certificates), ("private_key", private_key),
                                      ("certificate_chain", certificate_chain)) if value is not None]
    if not ssl:
        if given:
            raise ValueError(f"{', '.join(given)} given but ssl is False: pass ssl=True to use TLS")
        return None
    if (private_key is None) != (certificate_chain is None):
        raise ValueError("private_key and certificate_chain go together (the client's certificate for mutual TLS)")
    return (read_pem(root_certificates, "root_certificates"), read_pem(private_key, "private_key"),
            read_pem(certificate_chain, "certificate_chain"))


def target_name_args(ssl: bool, name: Optional[str]) -> dict[str, str]:
    """The channel argument that checks the server's certificate against ``name`` instead of
    the host in the url (a certificate issued to a name, reached by address or via a proxy)."""
    if name is None:
        return {}
    if not isinstance(name, str):
        raise TypeError(f"ssl_target_name_override must be str, not {type(name).__name__}")
    if not name or any(c.isspace() for c in name):
        raise ValueError(f"ssl_target_name_override must be a host name, got {name!r}")
    if not ssl:
        raise ValueError("ssl_target_name_override given but ssl is False: pass ssl=True to use TLS")
    return {"grpc.ssl_target_name_override": name}


def keepalive_args(**options: Any) -> dict[str, Any]:
    args = {}
    for name, value in options.items():
        if value is None:
            continue
        if name == "keepalive_permit_without_calls":
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
            value = int(value)
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _INT32_MAX:
            raise ValueError(f"{name} must be an int from 0 to {_INT32_MAX}, got {value!r}")
        args[_KEEPALIVE_ARGS[name]] = value
    return args


def make_core_client(
    url: str,
    channel_args: Optional[Mapping[str, Any]],
    ssl: bool,
    root_certificates: Optional[Pem],
    private_key: Optional[Pem],
    certificate_chain: Optional[Pem],
    keepalive_time_ms: Optional[int],
    keepalive_timeout_ms: Optional[int],
    keepalive_permit_without_calls: Optional[bool],
    http2_max_pings_without_data: Optional[int],
    channels: int = 1,
    metrics: bool = True,
    ssl_target_name_override: Optional[str] = None,
) -> Any:
    """The compiled client over ``channels`` connections, recording metrics unless told not to;
    channel_args win over the keepalive, balancing and TLS name arguments for the same key."""
    if not isinstance(metrics, bool):
        raise TypeError(f"metrics must be a bool, not {type(metrics).__name__}")
    check_url(url)
    if channel_args is not None and not isinstance(channel_args, Mapping):
        raise TypeError(f"channel_args must be a mapping, not {type(channel_args).__name__}")
    merged = keepalive_args(keepalive_time_ms=keepalive_time_ms, keepalive_timeout_ms=keepalive_timeout_ms,
                            keepalive_permit_without_calls=keepalive_permit_without_calls,
                            http2_max_pings_without_data=http2_max_pings_without_data)
    if is_balanced(url):
        merged["grpc.service_config"] = ROUND_ROBIN_SERVICE_CONFIG
    merged.update(target_name_args(ssl, ssl_target_name_override))
    merged.update(channel_args or {})
    tls = tls_credentials(ssl, root_certificates, private_key, certificate_chain)
    return _core.Client(url, *split_channel_args(merged), tls, check_channels(channels), metrics)
