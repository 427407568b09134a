"""Fixtures: the two servers every integration test runs against, and clients for them.

`server` is parametrized over the embedded C++ test server and a real Triton Inference Server
(tritonserver from the nvidia-pytriton wheel; see real_triton.py). The real server must start:
a failure to start it is a test error, never a skip.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import tritonlink
from tritonlink.testing import Server

from real_triton import RealTritonServer


@dataclass(frozen=True)
class ServerUnderTest:
    kind: str  # "embedded" or "triton"
    url: str

    @property
    def is_real_triton(self) -> bool:
        return self.kind == "triton"


@pytest.fixture(scope="session")
def embedded_server():
    with Server() as server:
        yield ServerUnderTest("embedded", server.url)


@pytest.fixture(scope="session")
def real_triton_server():
    with RealTritonServer() as server:
        yield ServerUnderTest("triton", server.grpc_url)


@pytest.fixture(params=["embedded", pytest.param("triton", marks=pytest.mark.real_triton)])
def server(request) -> ServerUnderTest:
    fixture = "embedded_server" if request.param == "embedded" else "real_triton_server"
    return request.getfixturevalue(fixture)


# Models that tests may unload and load again live on servers of their own, so that no other
# test finds them missing. The real Triton starts in explicit model-control mode with only
# the models those tests use.
MODEL_CONTROL_MODELS = ("identity", "add_sub")


@pytest.fixture(scope="session")
def embedded_model_control_server():
    with Server() as server:
        yield ServerUnderTest("embedded", server.url)


@pytest.fixture(scope="session")
def real_triton_explicit_server():
    with RealTritonServer(model_control_mode="explicit", load_models=MODEL_CONTROL_MODELS) as server:
        yield ServerUnderTest("triton", server.grpc_url)


@pytest.fixture(params=["embedded", pytest.param("triton", marks=pytest.mark.real_triton)])
def model_control_server(request) -> ServerUnderTest:
    fixture = "embedded_model_control_server" if request.param == "embedded" else "real_triton_explicit_server"
    return request.getfixturevalue(fixture)


@pytest.fixture
def client(server):
    with tritonlink.Client(server.url) as c:
        yield c


@pytest.fixture
def embedded_client(embedded_server):
    with tritonlink.Client(embedded_server.url) as c:
        yield c
