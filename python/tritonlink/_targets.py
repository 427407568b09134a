"""Where a client connects: one server (``host:port`` or any gRPC target), or several replicas
(a list of addresses, a ``dns:///`` name) that gRPC's own ``round_robin`` policy balances."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any, Sequence, Tuple, Union

from ._arguments import check_url

Url = Union[str, Sequence[str]]

# gRPC's client-side balancing, asked for through the service config: each request goes to the
# next replica whose connection is ready, and a replica that goes away drops out of rotation.
ROUND_ROBIN_SERVICE_CONFIG = '{"loadBalancingConfig": [{"round_robin": {}}]}'
_BALANCED_SCHEMES = ("dns:", "ipv4:", "ipv6:")
MAX_CHANNELS = 64
DEFAULT_CHANNELS = 1  # more measured no steady gain on 2 cores: see README, bench_channels.py


def check_channels(channels: Any) -> int:
    if isinstance(channels, bool) or not isinstance(channels, int) or not 1 <= channels <= MAX_CHANNELS:
        raise ValueError(f"channels must be an int from 1 to {MAX_CHANNELS}, got {channels!r}")
    return channels


def _split_address(address: Any) -> Tuple[str, str]:
    if not isinstance(address, str) or not address:
        raise TypeError(f"each address must be a non-empty 'host:port' str, got {address!r}")
    host, colon, port = address.rpartition(":")
    if not colon or not host or not port.isdigit():
        raise ValueError(f"each address must be 'host:port', not {address!r}")
    return host.strip("[]"), port


def _ip_of(host: str, port: str) -> str:
    """The host's address: itself if an IP literal, else its first resolved address."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return str(socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)[0][4][0])
    except socket.gaierror as error:
        raise ValueError(f"cannot resolve {host!r}: {error}") from error


def replicas_target(addresses: Sequence[str]) -> str:
    """The ``ipv4:`` (or ``ipv6:``) target listing every address; names are resolved now."""
    if not addresses:
        raise ValueError("the list of addresses is empty")
    resolved = [(_ip_of(host, port), port) for host, port in map(_split_address, addresses)]
    families = {ipaddress.ip_address(ip).version for ip, _ in resolved}
    if len(families) > 1:
        raise ValueError("the addresses mix IPv4 and IPv6: give one family (or a dns:/// name)")
    if families == {4}:
        return "ipv4:" + ",".join(f"{ip}:{port}" for ip, port in resolved)
    return "ipv6:" + ",".join(f"[{ip}]:{port}" for ip, port in resolved)


def grpc_target(url: Url) -> str:
    """The gRPC target of a url: as given, or the target listing a list's addresses."""
    if isinstance(url, (list, tuple)):
        return replicas_target(url)
    return check_url(url)


def is_balanced(target: str) -> bool:
    """Whether the target names replicas to balance over (a plain host:port stays pick_first:
    one server, whose several addresses are tried in turn)."""
    return target.startswith(_BALANCED_SCHEMES)
