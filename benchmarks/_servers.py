"""The servers benchmarks run against, each in a process of its own.

The embedded server runs as ``python -m tritonlink serve --port 0`` in a child process, so
the benchmarking process measures only the client. A real Triton comes from
tests/real_triton.py.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent
TESTS_DIR = REPO / "tests"

_STOP_GRACE_SECONDS = 10


def _tests_module(name: str):
    if str(TESTS_DIR) not in sys.path:
        sys.path.insert(0, str(TESTS_DIR))
    return __import__(name)


@contextlib.contextmanager
def embedded_server() -> Iterator[str]:
    """Starts the embedded server in a child process; yields its URL ("127.0.0.1:PORT")."""
    real_triton = _tests_module("real_triton")
    process = subprocess.Popen(
        [sys.executable, "-m", "tritonlink", "serve", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
        # The kernel stops the server if we die without cleaning up.
        preexec_fn=real_triton.parent_death_signal_setter(),
    )
    try:
        # "tritonlink embedded server listening on 127.0.0.1:PORT"
        first_line = process.stdout.readline()
        if not first_line:
            raise RuntimeError(f"the embedded server exited (code {process.wait()}) before it listened")
        yield first_line.split()[-1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@contextlib.contextmanager
def real_triton_server() -> Iterator[str]:
    """Starts a real Triton (tests/real_triton.py; sets it up on first use); yields its gRPC URL."""
    with _tests_module("real_triton").RealTritonServer() as server:
        yield server.grpc_url
