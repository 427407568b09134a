"""The compat suite is written against tritonclient's API and runs, unchanged, against
tritonclient 2.73 itself and against tritonlink.compat: `api` is one of the two imports."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

TARGETS = {
    "tritonclient": ("tritonclient.grpc", "tritonclient.grpc.aio", "tritonclient.grpc.auth", "tritonclient.utils"),
    "tritonlink.compat": ("tritonlink.compat.grpc", "tritonlink.compat.grpc.aio", "tritonlink.compat.grpc.auth",
                          "tritonlink.compat.utils"),
}


@pytest.fixture(params=sorted(TARGETS))
def api(request) -> SimpleNamespace:
    """`api.grpc` is what a program would `import tritonclient.grpc as grpcclient`."""
    grpc, aio, auth, utils = (importlib.import_module(name) for name in TARGETS[request.param])
    return SimpleNamespace(grpc=grpc, aio=aio, auth=auth, utils=utils, target=request.param)
