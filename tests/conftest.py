"""Fixtures: the two servers every integration test runs against, and clients for them.

`server` is parametrized over the embedded C++ test server and a real Triton Inference Server
(tritonserver from the nvidia-pytriton wheel; see real_triton.py). The real server must start:
a failure to start it is a test error, never a skip.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest

import tritonlink
from tritonlink.testing import Server

import triton_crash_reruns
from native_libraries import foreign_grpc_family_libraries
from real_triton import RealTritonServer


@dataclass(frozen=True)
class ServerUnderTest:
    kind: str  # "embedded" or "triton"
    url: str

    @property
    def is_real_triton(self) -> bool:
        return self.kind == "triton"


# Request headers that both servers hand to their models as request parameters (Triton's
# --grpc-header-forward-pattern), so that tests can see which headers arrived.
HEADER_FORWARD_PATTERN = "authorization|x-forwarded-.*|traceparent|tracestate"


def pytest_sessionstart(session):
    # scripts/asan_suite.sh (a sanitizer build) and scripts/wheel_suite.sh (an installed wheel) run the
    # suite against another build of tritonlink: make sure it is the one imported.
    expected = os.environ.get("TRITONLINK_EXPECT_BUILD")
    if expected and not tritonlink.__file__.startswith(expected):
        raise pytest.UsageError(f"tritonlink was imported from {tritonlink.__file__}, not from {expected}")
    foreign = foreign_libraries_mapped()
    if foreign:
        raise pytest.UsageError(foreign)


def pytest_sessionfinish(session):
    # Again once every test's imports are done.
    foreign = foreign_libraries_mapped()
    if foreign:
        print(f"\nerror: after the tests, {foreign}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def foreign_libraries_mapped() -> str | None:
    # scripts/wheel_suite.sh runs the suite against an installed wheel, which must load its own
    # copies of gRPC, protobuf and abseil, never the build machine's.
    if not os.environ.get("TRITONLINK_EXPECT_BUNDLED_LIBRARIES"):
        return None
    foreign = foreign_grpc_family_libraries()
    return f"libraries outside the wheel's tritonlink.libs are mapped: {foreign}" if foreign else None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    if item.get_closest_marker("real_triton") is None:
        return None
    return triton_crash_reruns.run_test(item, nextitem)


def pytest_terminal_summary(terminalreporter):
    triton_crash_reruns.summarize(terminalreporter)


@pytest.fixture(scope="session")
def embedded_server():
    with Server(header_forward_pattern=HEADER_FORWARD_PATTERN) as server:
        yield ServerUnderTest("embedded", server.url)


@pytest.fixture(scope="session")
def real_triton_process():
    with RealTritonServer(extra_args=[f"--grpc-header-forward-pattern={HEADER_FORWARD_PATTERN}"]) as server:
        yield triton_crash_reruns.watch(server)


@pytest.fixture
def real_triton_server(real_triton_process):
    # A server that aborted during an earlier test (see restart_if_dead) is replaced.
    real_triton_process.restart_if_dead()
    return ServerUnderTest("triton", real_triton_process.grpc_url)


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
def real_triton_explicit_process():
    with RealTritonServer(model_control_mode="explicit", load_models=MODEL_CONTROL_MODELS) as server:
        yield triton_crash_reruns.watch(server)


@pytest.fixture
def real_triton_explicit_server(real_triton_explicit_process):
    real_triton_explicit_process.restart_if_dead()
    return ServerUnderTest("triton", real_triton_explicit_process.grpc_url)


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


@pytest.fixture(scope="session")
def subprocess_server():
    """The embedded server in a child process (`python -m tritonlink serve --port 0`), for tests
    that measure this process alone. Yields (process, url)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tritonlink", "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        assert match, f"unexpected first line from the server: {line!r}"
        yield proc, match.group(1)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()


@pytest.fixture(params=["embedded", pytest.param("triton", marks=pytest.mark.real_triton)])
def server_in_another_process(request) -> ServerUnderTest:
    """Each server, the embedded one in a child process: CUDA IPC handles open only in a process
    other than the one that exported them."""
    if request.param == "triton":
        return request.getfixturevalue("real_triton_server")
    _, url = request.getfixturevalue("subprocess_server")
    return ServerUnderTest("embedded", url)


@pytest.fixture(scope="session", autouse=True)
def dev_shm_is_clean_after_the_suite():
    """Every POSIX shared-memory object a test creates is gone once the whole suite has run."""
    from shm_keys import leftover_objects

    yield
    import gc

    gc.collect()
    left = leftover_objects()
    assert not left, f"shared memory objects left in /dev/shm: {left}"
