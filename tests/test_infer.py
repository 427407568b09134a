"""Sync inference against both servers: results, metadata, options and server-side errors."""

from __future__ import annotations

import gc
import json
import time

import numpy as np
import pytest

import tritonlink
from tritonlink import InferInput, InferRequestedOutput

from h2_tap import H2Tap


@pytest.mark.parametrize("size", [0, 1, 16, 1000, 1 << 20])
def test_identity_returns_the_input_bit_for_bit(client, size):
    x = np.random.default_rng(size).standard_normal(size).astype(np.float32)
    result = client.infer("identity", {"INPUT0": x})
    out = result.as_numpy("OUTPUT0")
    assert out.dtype == np.float32
    assert out.shape == (size,)
    assert out.tobytes() == x.tobytes()


def test_add_sub_computes_sum_and_difference(client):
    a = np.random.default_rng(1).standard_normal(16).astype(np.float32)
    b = np.random.default_rng(2).standard_normal(16).astype(np.float32)
    result = client.infer("add_sub", {"INPUT0": a, "INPUT1": b})
    np.testing.assert_array_equal(result["OUTPUT0"], a + b)
    np.testing.assert_array_equal(result["OUTPUT1"], a - b)


def test_infer_input_objects_work_like_tritonclient(client):
    a = np.arange(16, dtype=np.float32)
    b = np.ones(16, dtype=np.float32)
    inputs = [InferInput("INPUT0", [16], "FP32"), InferInput("INPUT1", [16], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    result = client.infer("add_sub", inputs, outputs=[InferRequestedOutput("OUTPUT1")])
    assert result.keys() == ["OUTPUT1"]
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)


def test_requested_outputs_keep_the_model_order(client):
    a = np.arange(16, dtype=np.float32)
    outputs = [InferRequestedOutput("OUTPUT1"), InferRequestedOutput("OUTPUT0")]
    result = client.infer("add_sub", {"INPUT0": a, "INPUT1": a}, outputs=outputs)
    assert result.keys() == ["OUTPUT0", "OUTPUT1"]


def test_unknown_requested_output_is_rejected_by_the_server(client):
    with pytest.raises(tritonlink.InferenceServerError, match="OUTPUT7"):
        client.infer("identity", {"INPUT0": np.ones(2, np.float32)}, outputs=["OUTPUT7"])


def test_result_carries_model_name_version_and_request_id(client):
    result = client.infer("identity", {"INPUT0": np.ones(4, np.float32)}, request_id="req-42")
    assert result.model_name == "identity"
    assert result.model_version == "1"
    assert result.id == "req-42"
    response = result.get_response()
    assert response["model_name"] == "identity"
    assert response["id"] == "req-42"
    assert response["outputs"] == [{"name": "OUTPUT0", "datatype": "FP32", "shape": [4], "parameters": {}}]
    assert result.get_output("OUTPUT0")["shape"] == [4]
    assert result.get_output("NOPE") is None


def test_explicit_model_version_is_accepted(client):
    result = client.infer("identity", {"INPUT0": np.ones(2, np.float32)}, model_version="1")
    assert result.model_version == "1"


def test_output_is_a_read_only_view_that_keeps_the_response_alive(client):
    x = np.arange(1000, dtype=np.float32)
    out = client.infer("identity", {"INPUT0": x}).as_numpy("OUTPUT0")
    gc.collect()
    assert not out.flags.writeable
    assert out.base is not None and type(out.base).__name__ == "InferResponse"
    np.testing.assert_array_equal(out, x)


def test_result_behaves_as_a_mapping_of_outputs(client):
    a = np.ones(16, np.float32)
    result = client.infer("add_sub", {"INPUT0": a, "INPUT1": a})
    assert len(result) == 2
    assert set(result) == {"OUTPUT0", "OUTPUT1"}
    assert "OUTPUT0" in result and "OUTPUT9" not in result


def test_missing_output_name_raises_a_clear_error(client):
    result = client.infer("identity", {"INPUT0": np.ones(2, np.float32)})
    with pytest.raises(tritonlink.MissingOutputError, match="OUTPUT9"):
        result.as_numpy("OUTPUT9")
    with pytest.raises(KeyError):
        result["OUTPUT9"]
    with pytest.raises(ValueError):
        result.as_numpy("OUTPUT9")


@pytest.mark.timing
def test_sleep_model_waits_then_echoes(client):
    # Lower bound: a 50 ms sleep, less 5 ms for the two clocks (measured 0.055-0.061 s).
    start = time.perf_counter()
    result = client.infer("sleep", {"INPUT0": np.array([50.0], np.float32)})
    assert time.perf_counter() - start >= 0.045
    np.testing.assert_array_equal(result["OUTPUT0"], [50.0])


def test_client_timeout_raises_deadline_exceeded(client):
    with pytest.raises(tritonlink.DeadlineExceededError) as info:
        client.infer("sleep", {"INPUT0": np.array([2000.0], np.float32)}, client_timeout=0.2)
    assert info.value.code == tritonlink.StatusCode.DEADLINE_EXCEEDED
    assert info.value.model_name == "sleep"


def test_unknown_model_raises_a_server_error_naming_it(client):
    with pytest.raises(tritonlink.InferenceServerError, match="no_such_model") as info:
        client.infer("no_such_model", {"INPUT0": np.ones(1, np.float32)}, request_id="r1")
    error = info.value
    assert error.code != tritonlink.StatusCode.OK
    assert error.model_name == "no_such_model" and error.request_id == "r1"
    assert "no_such_model" in error.message()
    assert error.status().startswith("StatusCode.")


def test_missing_model_input_is_rejected_by_the_server(client):
    with pytest.raises(tritonlink.InferenceServerError):
        client.infer("add_sub", {"INPUT0": np.ones(16, np.float32)})


def test_headers_and_parameters_reach_the_server(server):
    parameters = {"custom_flag": True, "custom_count": 3, "custom_name": "x"}
    with H2Tap(server.url) as tap, tritonlink.Client(tap.url) as client:
        result = client.infer("echo_parameters", {"INPUT0": np.ones(3, np.float32)},
                              headers={"x-trace-id": "abc", "x-forwarded-id": "def"}, parameters=parameters)
        [call] = tap.calls_to("ModelInfer")
    assert call.headers["x-trace-id"] == "abc" and call.headers["x-forwarded-id"] == "def"
    # What the model saw: the parameters, and the header its server forwards as one.
    seen = json.loads(result.as_numpy("PARAMETERS")[0])["parameters"]
    assert seen == {**parameters, "x-forwarded-id": "def"}


def test_health_and_metadata(client, server):
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready("identity")
    assert not client.is_model_ready("no_such_model")
    metadata = client.get_server_metadata()
    assert metadata["name"] and metadata["version"]
    model = client.get_model_metadata("add_sub")
    assert model["name"] == "add_sub"
    assert [t["name"] for t in model["inputs"]] == ["INPUT0", "INPUT1"]
    assert [t["datatype"] for t in model["outputs"]] == ["FP32", "FP32"]
    assert [t["shape"] for t in model["inputs"]] == [[16], [16]]  # int64 as int, not "16"
    config = client.get_model_config("add_sub")["config"]
    assert config["name"] == "add_sub"
    assert [t["data_type"] for t in config["input"]] == ["TYPE_FP32", "TYPE_FP32"]
    assert [t["dims"] for t in config["input"]] == [[16], [16]]


def test_metadata_of_unknown_model_raises(client):
    with pytest.raises(tritonlink.InferenceServerError):
        client.get_model_metadata("no_such_model")


def test_unreachable_server_raises_unavailable():
    with tritonlink.Client("127.0.0.1:1") as c:
        with pytest.raises(tritonlink.ServerUnavailableError):
            c.infer("identity", {"INPUT0": np.ones(1, np.float32)}, client_timeout=5)


def test_closed_client_refuses_calls(server):
    c = tritonlink.Client(server.url)
    c.close()
    c.close()
    with pytest.raises(RuntimeError, match="closed"):
        c.infer("identity", {"INPUT0": np.ones(1, np.float32)})
