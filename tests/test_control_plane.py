"""The control plane on both servers, through both clients: repository index, load and unload,
statistics, trace and log settings, system and CUDA shared-memory registration.

Every check runs through tritonlink.Client and, unchanged, through tritonlink.aio.AsyncClient
(driven by BlockingAsyncClient). Where the real Triton server answers differently from the
embedded one, the test says so and asserts what each does.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import time
from multiprocessing import shared_memory
from pathlib import Path

import numpy as np
import pytest

import tritonlink
from tritonlink import StatusCode

from h2_tap import H2Tap

INFERENCE_PHASES = {"success", "fail", "queue", "compute_input", "compute_infer", "compute_output", "cache_hit",
                    "cache_miss"}
TRACE_DEFAULTS = {"trace_level": ["OFF"], "trace_rate": ["1000"], "trace_count": ["-1"], "log_frequency": ["0"],
                  "trace_file": [""], "trace_mode": ["triton"]}
LOG_DEFAULTS = {"log_file": {"string_param": ""}, "log_info": {"bool_param": True},
                "log_warning": {"bool_param": True}, "log_error": {"bool_param": True},
                "log_verbose_level": {"uint32_param": 0}, "log_format": {"string_param": "default"}}
CUDA_IPC_HANDLE = bytes(range(64))  # never opened: the embedded server only keeps it
TRITON_MODELS = Path(__file__).resolve().parent / "triton_models"


class BlockingAsyncClient:
    """An AsyncClient whose coroutines run to completion one at a time on a private event loop,
    so the same checks drive both clients."""

    def __init__(self, url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._client = tritonlink.aio.AsyncClient(url)

    def __getattr__(self, name: str):
        method = getattr(self._client, name)
        return lambda *args, **kwargs: self._loop.run_until_complete(method(*args, **kwargs))

    def close(self) -> None:
        self._loop.run_until_complete(self._client.close())
        self._loop.close()


@pytest.fixture(params=["sync", "async"])
def open_client(request):
    opened = []

    def open_for(url: str):
        client = tritonlink.Client(url) if request.param == "sync" else BlockingAsyncClient(url)
        opened.append(client)
        return client

    yield open_for
    for client in opened:
        client.close()


@pytest.fixture
def control(open_client, server):
    return open_client(server.url)


@pytest.fixture
def model_control(open_client, model_control_server):
    return open_client(model_control_server.url)


def infer_identity(url: str, count: int) -> None:
    with tritonlink.Client(url) as client:
        for _ in range(count):
            client.infer("identity", {"INPUT0": np.ones(4, np.float32)})


def model_states(client) -> dict:
    return {m["name"]: (m.get("state"), m.get("reason", "")) for m in client.get_model_repository_index()["models"]}


def wait_for_state(client, model: str, state: str, timeout: float = 20.0) -> tuple:
    """Triton unloads in the background: the index says UNLOADING for a moment."""
    deadline = time.monotonic() + timeout
    while model_states(client)[model][0] != state and time.monotonic() < deadline:
        time.sleep(0.05)
    return model_states(client)[model]


def assert_code(info, code: StatusCode) -> None:
    assert info.value.code == code, info.value


@contextlib.contextmanager
def shm_object(size: int):
    """A POSIX shared-memory object of `size` bytes; yields its key ("/name")."""
    region = shared_memory.SharedMemory(create=True, size=size)
    try:
        yield "/" + region.name
    finally:
        region.close()
        region.unlink()


# ---- repository index, statistics ----

def test_repository_index_lists_each_model_with_version_and_state(control):
    models = {m["name"]: m for m in control.get_model_repository_index()["models"]}
    for name in ("identity", "add_sub", "sleep"):
        assert models[name] == {"name": name, "version": "1", "state": "READY"}


def test_statistics_count_n_inferences_as_ints(control, server):
    n = 5
    before = control.get_inference_statistics("identity")["model_stats"][0]
    infer_identity(server.url, n)
    # Triton counts a request once its response is on the way, so the last one may land a
    # moment after the client has it.
    deadline = time.monotonic() + 5
    while True:
        stats = control.get_inference_statistics("identity", "1")["model_stats"]
        counted = min(stats[0].get(f, 0) - before.get(f, 0) for f in ("inference_count", "execution_count"))
        if counted >= n or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert len(stats) == 1
    after = stats[0]
    assert after["name"] == "identity" and after["version"] == "1"
    for field in ("inference_count", "execution_count"):
        assert isinstance(after[field], int)
        assert after[field] - before.get(field, 0) == n
    phases = after["inference_stats"]
    assert set(phases) == INFERENCE_PHASES
    for phase in ("success", "queue", "compute_input", "compute_infer", "compute_output"):
        assert phases[phase]["count"] - before["inference_stats"][phase].get("count", 0) == n
    assert phases["success"]["ns"] > before["inference_stats"]["success"].get("ns", 0)
    assert abs(after["last_inference"] - time.time() * 1000) < 60_000  # milliseconds since the epoch
    assert [b["batch_size"] for b in after["batch_stats"]] == [1]
    assert after["batch_stats"][0]["compute_infer"]["count"] == phases["compute_infer"]["count"]


def test_statistics_of_every_model_without_a_name(control):
    names = [s["name"] for s in control.get_inference_statistics()["model_stats"]]
    assert {"identity", "add_sub", "sleep"} <= set(names)
    assert names == sorted(names)


def test_statistics_of_unknown_model_or_version_are_invalid_arguments(control):
    with pytest.raises(tritonlink.InvalidArgumentError, match="no_such_model"):
        control.get_inference_statistics("no_such_model")
    with pytest.raises(tritonlink.InvalidArgumentError, match="version"):
        control.get_inference_statistics("identity", "7")


def test_failed_inference_in_statistics(control, server):
    before = control.get_inference_statistics("add_sub")["model_stats"][0]["inference_stats"]["fail"]
    with tritonlink.Client(server.url) as client, pytest.raises(tritonlink.InvalidArgumentError):
        client.infer("add_sub", {"INPUT0": np.ones(16, np.float32)})  # INPUT1 missing
    after = control.get_inference_statistics("add_sub")["model_stats"][0]["inference_stats"]["fail"]
    # Triton rejects the request before it reaches the model and does not count it; the
    # embedded server counts every failed request of a loaded model.
    expected = 0 if server.is_real_triton else 1
    assert after.get("count", 0) - before.get("count", 0) == expected


# ---- trace settings ----

def values(settings: dict) -> dict:
    return {key: setting.get("value", []) for key, setting in settings["settings"].items()}


def test_trace_settings_are_triton_defaults_as_lists_of_strings(control):
    assert values(control.get_trace_settings()) == TRACE_DEFAULTS
    assert values(control.get_trace_settings("identity")) == TRACE_DEFAULTS


def test_trace_settings_update_globally_and_per_model(control):
    try:
        updated = control.update_trace_settings(settings={"trace_rate": 5, "trace_count": "10"})
        assert values(updated) == {**TRACE_DEFAULTS, "trace_rate": ["5"], "trace_count": ["10"]}
        assert values(control.get_trace_settings()) == values(updated)

        model = control.update_trace_settings("identity", {"trace_rate": ["7"]})
        assert values(model)["trace_rate"] == ["7"] and values(model)["trace_count"] == ["10"]
        assert values(control.get_trace_settings("identity"))["trace_rate"] == ["7"]
        assert values(control.get_trace_settings())["trace_rate"] == ["5"]

        # A setting sent without a value is cleared: a model's falls back to the global one,
        # a global one to its default.
        assert values(control.update_trace_settings("identity", {"trace_rate": None}))["trace_rate"] == ["5"]
        cleared = control.update_trace_settings(settings={"trace_rate": None, "trace_count": None})
        assert values(cleared) == TRACE_DEFAULTS
    finally:
        control.update_trace_settings("identity", {"trace_rate": None})
        control.update_trace_settings(settings={"trace_rate": None, "trace_count": None})


def test_trace_settings_the_server_refuses(control):
    with pytest.raises(tritonlink.InferenceServerError) as info:
        control.update_trace_settings(settings={"trace_file": "/tmp/trace.json"})
    assert_code(info, StatusCode.UNIMPLEMENTED)  # not through the network protocol
    with pytest.raises(tritonlink.InvalidArgumentError, match="trace_rate"):
        control.update_trace_settings(settings={"trace_rate": "often"})
    with pytest.raises(tritonlink.InvalidArgumentError, match="trace_count"):
        control.update_trace_settings(settings={"trace_count": -5})
    with pytest.raises(tritonlink.InvalidArgumentError, match="trace file"):  # tracing needs a trace file
        control.update_trace_settings(settings={"trace_level": ["TIMESTAMPS"]})
    with pytest.raises(tritonlink.InvalidArgumentError, match="no_such_model"):
        control.get_trace_settings("no_such_model")
    assert values(control.get_trace_settings()) == TRACE_DEFAULTS


# ---- log settings ----

def test_log_settings_are_triton_defaults_as_typed_values(control):
    assert control.get_log_settings()["settings"] == LOG_DEFAULTS


def test_log_settings_update_returns_every_setting(control):
    try:
        updated = control.update_log_settings({"log_verbose_level": 1, "log_info": False, "log_format": "ISO8601"})
        assert updated["settings"] == {**LOG_DEFAULTS, "log_verbose_level": {"uint32_param": 1},
                                       "log_info": {"bool_param": False}, "log_format": {"string_param": "ISO8601"}}
        assert control.get_log_settings() == updated
    finally:
        control.update_log_settings({"log_verbose_level": 0, "log_info": True, "log_format": "default"})
    assert control.get_log_settings()["settings"] == LOG_DEFAULTS


def test_log_settings_the_server_refuses(control):
    with pytest.raises(tritonlink.InferenceServerError) as info:
        control.update_log_settings({"log_file": "/tmp/server.log"})
    assert_code(info, StatusCode.UNIMPLEMENTED)  # not through the network protocol
    with pytest.raises(tritonlink.InvalidArgumentError, match="log_format"):
        control.update_log_settings({"log_format": "fancy"})
    with pytest.raises(tritonlink.InvalidArgumentError, match="log_info"):
        control.update_log_settings({"log_info": 1})  # an int goes as uint32, log_info takes a bool
    assert control.get_log_settings()["settings"] == LOG_DEFAULTS


# ---- system shared memory ----

def test_system_shared_memory_register_status_unregister(control):
    # One object per region: Triton 2.51 cannot register a second region of the same object.
    with shm_object(64) as key1, shm_object(8192) as key2:
        assert control.get_system_shared_memory_status() == {}
        control.register_system_shared_memory("tl_region_a", key1, 64, headers={"x-test": "1"}, client_timeout=10)
        control.register_system_shared_memory("tl_region_b", key2, 100, offset=4096)
        region_a = {"name": "tl_region_a", "key": key1, "byte_size": 64}  # offset 0: left out, as proto3 does
        region_b = {"name": "tl_region_b", "key": key2, "offset": 4096, "byte_size": 100}
        try:
            assert control.get_system_shared_memory_status() == {"regions": {"tl_region_a": region_a,
                                                                             "tl_region_b": region_b}}
            assert control.get_system_shared_memory_status("tl_region_b") == {"regions": {"tl_region_b": region_b}}
            assert control.unregister_system_shared_memory("tl_region_a") is None
            assert control.get_system_shared_memory_status() == {"regions": {"tl_region_b": region_b}}
        finally:
            control.unregister_system_shared_memory()  # every region
        assert control.get_system_shared_memory_status() == {}


def test_system_shared_memory_registrations_the_server_refuses(control):
    with shm_object(64) as key, shm_object(64) as small, shm_object(64) as other:
        with pytest.raises(tritonlink.InferenceServerError, match="/tl_no_such_object") as info:
            control.register_system_shared_memory("tl_missing", "/tl_no_such_object", 8)
        assert_code(info, StatusCode.INTERNAL)
        with pytest.raises(tritonlink.InvalidArgumentError, match="tl_too_big"):
            control.register_system_shared_memory("tl_too_big", small, 65)
        control.register_system_shared_memory("tl_taken", key, 64)
        try:
            with pytest.raises(tritonlink.InferenceServerError, match="tl_taken") as info:
                control.register_system_shared_memory("tl_taken", other, 64)
            assert_code(info, StatusCode.ALREADY_EXISTS)
        finally:
            control.unregister_system_shared_memory("tl_taken")
    with pytest.raises(tritonlink.NotFoundError, match="tl_nowhere"):
        control.get_system_shared_memory_status("tl_nowhere")
    assert control.unregister_system_shared_memory("tl_nowhere") is None  # not an error, as in Triton


# ---- CUDA shared memory ----

@pytest.mark.parametrize("handle", [CUDA_IPC_HANDLE, base64.b64encode(CUDA_IPC_HANDLE).decode(),
                                    base64.b64encode(CUDA_IPC_HANDLE)], ids=["raw", "base64-str", "base64-bytes"])
def test_cuda_shared_memory_register_status_unregister(control, server, handle):
    assert control.get_cuda_shared_memory_status() == {}
    with pytest.raises(tritonlink.NotFoundError, match="tl_cuda"):
        control.get_cuda_shared_memory_status("tl_cuda")
    if server.is_real_triton:
        # Triton opens the IPC handle with the CUDA runtime; without a GPU (or with a handle
        # no process exported) it refuses the region.
        with pytest.raises(tritonlink.InvalidArgumentError, match="invalid args"):
            control.register_cuda_shared_memory("tl_cuda", handle, 0, 1024)
        assert control.get_cuda_shared_memory_status() == {}
    else:
        control.register_cuda_shared_memory("tl_cuda", handle, 0, 1024, headers={"x-test": "1"}, client_timeout=10)
        region = {"name": "tl_cuda", "byte_size": 1024}  # device 0: left out, as proto3 does
        assert control.get_cuda_shared_memory_status() == {"regions": {"tl_cuda": region}}
        assert control.get_cuda_shared_memory_status("tl_cuda") == {"regions": {"tl_cuda": region}}
        with pytest.raises(tritonlink.InferenceServerError, match="tl_cuda") as info:
            control.register_cuda_shared_memory("tl_cuda", handle, 1, 8)
        assert_code(info, StatusCode.ALREADY_EXISTS)
    assert control.unregister_cuda_shared_memory("tl_cuda") is None
    assert control.unregister_cuda_shared_memory() is None
    assert control.get_cuda_shared_memory_status() == {}


# ---- load and unload (servers of their own) ----

def test_unload_makes_a_model_unavailable_and_load_makes_it_ready(model_control, model_control_server):
    url = model_control_server.url
    infer_identity(url, 2)
    try:
        assert model_control.unload_model("identity") is None
        assert not model_control.is_model_ready("identity")
        assert wait_for_state(model_control, "identity", "UNAVAILABLE") == ("UNAVAILABLE", "unloaded")
        with pytest.raises(tritonlink.NotFoundError, match="identity"):
            infer_identity(url, 1)
        with pytest.raises(tritonlink.InvalidArgumentError, match="identity"):
            model_control.get_inference_statistics("identity")
        assert "identity" not in {s["name"] for s in model_control.get_inference_statistics()["model_stats"]}
    finally:
        assert model_control.load_model("identity", headers={"x-test": "1"}, client_timeout=60) is None
    assert model_control.is_model_ready("identity")
    assert model_states(model_control)["identity"] == ("READY", "")
    stats = model_control.get_inference_statistics("identity")["model_stats"][0]
    assert "inference_count" not in stats  # a freshly loaded model starts from zero
    infer_identity(url, 1)


def test_loading_a_loaded_model_keeps_it_ready(model_control):
    model_control.load_model("add_sub")
    assert model_control.is_model_ready("add_sub")


def test_unload_with_dependents_and_of_unknown_models(model_control):
    try:
        model_control.unload_model("add_sub", unload_dependents=True)
        assert not model_control.is_model_ready("add_sub")
    finally:
        model_control.load_model("add_sub")
    model_control.unload_model("no_such_model")  # not an error, as in Triton


def test_loading_an_unknown_model_fails(model_control):
    with pytest.raises(tritonlink.InferenceServerError, match="no_such_model") as info:
        model_control.load_model("no_such_model")
    assert_code(info, StatusCode.INTERNAL)
    assert info.value.model_name == "no_such_model"


def test_load_with_config_and_files(model_control, model_control_server):
    config = {
        "name": "identity", "backend": "python", "max_batch_size": 0,
        "input": [{"name": "INPUT0", "data_type": "TYPE_FP32", "dims": [-1]}],
        "output": [{"name": "OUTPUT0", "data_type": "TYPE_FP32", "dims": [-1]}],
        "parameters": {"loaded_by": {"string_value": "test_load_with_config_and_files"}},
    }
    model_py = (TRITON_MODELS / "identity" / "1" / "model.py").read_bytes()
    if not model_control_server.is_real_triton:
        # The embedded server's models are built in: it has nothing to load a config into.
        with pytest.raises(tritonlink.InferenceServerError, match="built in") as info:
            model_control.load_model("identity", config=config, files={"file:1/model.py": model_py})
        assert_code(info, StatusCode.UNIMPLEMENTED)
        return
    try:
        model_control.load_model("identity", config=config, files={"file:1/model.py": model_py})
        loaded = model_control.get_model_config("identity")["config"]
        assert loaded["parameters"] == config["parameters"] and loaded["input"][0]["dims"] == [-1]
        infer_identity(model_control_server.url, 1)
    finally:
        model_control.load_model("identity")  # back to the repository's own files
    assert "parameters" not in model_control.get_model_config("identity")["config"]


# ---- every call: options and arguments ----

def test_control_calls_send_their_headers(open_client, server):
    with H2Tap(server.url) as tap:
        control = open_client(tap.url)  # sync and asyncio alike
        assert control.get_log_settings(headers={"x-test": "1", "authorization": "Bearer t"}, client_timeout=10)
        [call] = tap.calls_to("LogSettings")
    assert call.headers["x-test"] == "1" and call.headers["authorization"] == "Bearer t"


@pytest.mark.timing
def test_control_calls_end_at_their_client_timeout(open_client):
    # Measured: 0.30-0.31 s for a 0.3 s deadline; 5 s allowed.
    with socket.socket() as silent:  # takes TCP connections (the kernel does) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        client = open_client(f"127.0.0.1:{silent.getsockname()[1]}")
        start = time.monotonic()
        with pytest.raises(tritonlink.DeadlineExceededError):
            client.get_model_repository_index(client_timeout=0.3)
        assert time.monotonic() - start < 5


BAD_ARGUMENTS = [
    ("load_model", ("",), {}, ValueError, "model_name"),
    ("load_model", (3,), {}, TypeError, "model_name"),
    ("load_model", ("identity",), {"config": "{not json"}, ValueError, "config"),
    ("load_model", ("identity",), {"config": "[1]"}, ValueError, "config"),
    ("load_model", ("identity",), {"config": 7}, TypeError, "config"),
    ("load_model", ("identity",), {"files": {"file:1/model.py": b""}}, ValueError, "config"),
    ("load_model", ("identity",), {"config": "{}", "files": {"1/model.py": b""}}, ValueError, "files"),
    ("load_model", ("identity",), {"config": "{}", "files": {"file:1/model.py": "text"}}, TypeError, "files"),
    ("unload_model", ("identity",), {"unload_dependents": "yes"}, TypeError, "unload_dependents"),
    ("get_inference_statistics", (None,), {}, TypeError, "model_name"),
    ("get_inference_statistics", ("identity", 1), {}, TypeError, "model_version"),
    ("get_trace_settings", (5,), {}, TypeError, "model_name"),
    ("update_trace_settings", (None, {"trace_rate": 1.5}), {}, TypeError, "trace_rate"),
    ("update_trace_settings", (None, ["trace_rate"]), {}, TypeError, "settings"),
    ("update_log_settings", ({"log_info": None},), {}, TypeError, "log_info"),
    ("update_log_settings", ({"log_verbose_level": -1},), {}, ValueError, "log_verbose_level"),
    ("update_log_settings", (None,), {}, TypeError, "settings"),
    ("get_system_shared_memory_status", (None,), {}, TypeError, "region_name"),
    ("register_system_shared_memory", ("", "/key", 8), {}, ValueError, "name"),
    ("register_system_shared_memory", ("region", "", 8), {}, ValueError, "key"),
    ("register_system_shared_memory", ("region", "/key", -1), {}, ValueError, "byte_size"),
    ("register_system_shared_memory", ("region", "/key", 1 << 64), {}, ValueError, "byte_size"),
    ("register_system_shared_memory", ("region", "/key", 8.0), {}, TypeError, "byte_size"),
    ("register_system_shared_memory", ("region", "/key", 8), {"offset": True}, TypeError, "offset"),
    ("unregister_system_shared_memory", (None,), {}, TypeError, "name"),
    ("get_cuda_shared_memory_status", (1,), {}, TypeError, "region_name"),
    ("register_cuda_shared_memory", ("region", CUDA_IPC_HANDLE[:63], 0, 8), {}, ValueError, "raw_handle"),
    ("register_cuda_shared_memory", ("region", "not base64!", 0, 8), {}, ValueError, "raw_handle"),
    ("register_cuda_shared_memory", ("region", 12345, 0, 8), {}, TypeError, "raw_handle"),
    ("register_cuda_shared_memory", ("region", CUDA_IPC_HANDLE, -1, 8), {}, ValueError, "device_id"),
    ("register_cuda_shared_memory", ("region", CUDA_IPC_HANDLE, 0, None), {}, TypeError, "byte_size"),
    ("unregister_cuda_shared_memory", (b"region",), {}, TypeError, "name"),
    ("get_model_repository_index", (), {"client_timeout": -1}, ValueError, "client_timeout"),
    ("get_log_settings", (), {"headers": {"Bad Key": "x"}}, ValueError, "header"),
]


@pytest.mark.parametrize("method, args, kwargs, error, named", BAD_ARGUMENTS,
                         ids=[f"{case[0]}-{case[4]}-{i}" for i, case in enumerate(BAD_ARGUMENTS)])
def test_bad_arguments_raise_before_anything_is_sent(open_client, method, args, kwargs, error, named):
    client = open_client("127.0.0.1:1")  # nothing listens: a call that went out would be UNAVAILABLE
    with pytest.raises(error, match=named):
        getattr(client, method)(*args, **kwargs)
