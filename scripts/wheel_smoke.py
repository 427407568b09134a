"""Smoke test of an installed wheel, run by scripts/smoke_wheels.sh with each fresh virtual
environment's interpreter: the embedded server, then a sync, a callback, a future, an asyncio and
a streamed call, each checked against the values sent; the metadata's version is the package's,
and the gRPC, protobuf and abseil libraries mapped are the wheel's own. Prints the extension's path.
Also run by tests/test_wheel.py."""

import asyncio
import importlib.metadata
import sys
import threading
from pathlib import Path

import numpy as np

import tritonlink
from tritonlink.aio import AsyncClient
from tritonlink.testing import Server

sys.path.append(str(Path(__file__).resolve().parents[1] / "tests"))
from native_libraries import foreign_grpc_family_libraries, grpc_family_libraries  # noqa: E402

SENT = np.arange(4, dtype=np.float32)


def check(result: tritonlink.InferResult) -> None:
    assert result.as_numpy("OUTPUT0").tolist() == SENT.tolist(), result.as_numpy("OUTPUT0")


async def infer_with_asyncio(url: str) -> None:
    async with AsyncClient(url) as aclient:
        check(await aclient.infer("identity", {"INPUT0": SENT}))


def main() -> None:
    assert importlib.metadata.version("tritonlink") == tritonlink.__version__
    with Server() as server, tritonlink.Client(server.url) as client:
        check(client.infer("identity", {"INPUT0": SENT}))

        called = threading.Event()
        outcome = []

        def on_done(result: tritonlink.InferResult, error: Exception) -> None:
            outcome.append((result, error))
            called.set()

        client.async_infer("identity", {"INPUT0": SENT}, on_done)
        assert called.wait(30), "the callback was not called"
        (result, error), = outcome
        assert error is None, error
        check(result)

        check(client.submit("identity", {"INPUT0": SENT}).result(timeout=30))
        asyncio.run(infer_with_asyncio(server.url))

        tokens = [int(r["OUT"][0]) for r in client.infer_stream("repeat", {"IN": np.arange(10, dtype=np.int32)})]
        assert tokens == list(range(10)), tokens
    assert grpc_family_libraries(), "no gRPC library is mapped at all"
    assert not foreign_grpc_family_libraries(), foreign_grpc_family_libraries()
    print(tritonlink._core.__file__)


if __name__ == "__main__":
    main()
