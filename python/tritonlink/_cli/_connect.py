"""What the commands that talk to a server share: the URL argument and the client."""

from __future__ import annotations

import argparse

from .._client import Client


class UsageError(Exception):
    """Raised by a command for arguments argparse cannot check (a file, a tensor's value)."""


def add_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help="the server's gRPC address, host:port")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="deadline of each control-plane call (default: 10)")


def client(args: argparse.Namespace) -> Client:
    return Client(args.url)
