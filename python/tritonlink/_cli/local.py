"""``serve`` and ``demo``: the commands that run the embedded server in this process."""

from __future__ import annotations

import argparse
import signal
import threading


def _serve(args: argparse.Namespace) -> int:
    from ..testing import Server

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with Server(args.host, args.port) as server:
        print(f"tritonlink embedded server listening on {server.url}", flush=True)
        while not stop.wait(0.5):
            pass
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .. import _demo

    _demo.run(iterations=args.iterations)
    return 0


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    serve = commands.add_parser("serve", help="run the embedded Triton-protocol test server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo", help="infer on the embedded server and print a latency figure")
    demo.add_argument("--iterations", type=int, default=1000)
    demo.set_defaults(run=_demo)
