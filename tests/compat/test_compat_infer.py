"""Sync and callback inference in the style of tritonclient's examples (simple_grpc_infer_client,
simple_grpc_async_infer_client, simple_grpc_string_infer_client)."""

from __future__ import annotations

import json
import queue

import numpy as np
import pytest


@pytest.fixture
def triton_client(api, server):
    client = api.grpc.InferenceServerClient(url=server.url, verbose=False)
    yield client
    client.close()


def add_sub_inputs(grpcclient):
    input0 = np.arange(16, dtype=np.float32)
    input1 = np.ones(16, dtype=np.float32)
    inputs = [grpcclient.InferInput("INPUT0", [16], "FP32"), grpcclient.InferInput("INPUT1", [16], "FP32")]
    inputs[0].set_data_from_numpy(input0)
    inputs[1].set_data_from_numpy(input1)
    return inputs, input0, input1


def test_infer_returns_the_requested_outputs(api, triton_client):
    inputs, input0, input1 = add_sub_inputs(api.grpc)
    outputs = [api.grpc.InferRequestedOutput("OUTPUT0"), api.grpc.InferRequestedOutput("OUTPUT1")]
    results = triton_client.infer(model_name="add_sub", inputs=inputs, outputs=outputs, request_id="req-1")
    np.testing.assert_array_equal(results.as_numpy("OUTPUT0"), input0 + input1)
    np.testing.assert_array_equal(results.as_numpy("OUTPUT1"), input0 - input1)
    assert results.get_response().id == "req-1"
    assert results.get_response().model_name == "add_sub"
    output = results.get_output("OUTPUT0")
    assert (output.name, output.datatype, list(output.shape)) == ("OUTPUT0", "FP32", [16])
    assert results.get_response(as_json=True)["id"] == "req-1"
    raw = results.get_response().raw_output_contents
    np.testing.assert_array_equal(np.frombuffer(raw[0], np.float32), input0 + input1)


def test_an_output_not_in_the_response_is_none(api, triton_client):
    inputs, _, _ = add_sub_inputs(api.grpc)
    results = triton_client.infer("add_sub", inputs, outputs=[api.grpc.InferRequestedOutput("OUTPUT1")])
    assert results.as_numpy("OUTPUT0") is None
    assert results.get_output("OUTPUT0") is None


def test_input_accessors(api):
    tensor = api.grpc.InferInput("INPUT0", [2, 3], "INT32")
    assert (tensor.name(), tensor.shape(), tensor.datatype()) == ("INPUT0", [2, 3], "INT32")
    tensor.set_shape([6])
    assert tensor.shape() == [6]


def test_data_of_the_wrong_datatype_raises_inference_server_exception(api):
    tensor = api.grpc.InferInput("INPUT0", [2], "INT32")
    with pytest.raises(api.grpc.InferenceServerException):
        tensor.set_data_from_numpy(np.zeros(2, np.float32))


def test_bytes_tensors_go_both_ways(api, triton_client):
    data = np.array([b"hello", "wörld".encode(), b""], dtype=np.object_)
    tensor = api.grpc.InferInput("INPUT0", [3], "BYTES")
    tensor.set_data_from_numpy(data)
    result = triton_client.infer("identity_bytes", [tensor])
    assert result.as_numpy("OUTPUT0").tolist() == data.tolist()
    raw = result.get_response().raw_output_contents[0]
    assert api.utils.deserialize_bytes_tensor(raw).tolist() == data.tolist()


def test_async_infer_calls_back_with_result_and_error(api, triton_client):
    inputs, input0, input1 = add_sub_inputs(api.grpc)
    done = queue.Queue()
    triton_client.async_infer("add_sub", inputs, lambda result, error: done.put((result, error)), request_id="a1")
    result, error = done.get(timeout=30)
    assert error is None
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), input0 + input1)
    assert result.get_response().id == "a1"


def test_a_failed_call_raises_inference_server_exception(api, triton_client):
    inputs, _, _ = add_sub_inputs(api.grpc)
    with pytest.raises(api.grpc.InferenceServerException) as raised:
        triton_client.infer("no_such_model", inputs)
    assert "no_such_model" in raised.value.message()
    assert raised.value.status().startswith("StatusCode.")


def test_async_infer_reports_a_failure_to_the_callback(api, triton_client):
    inputs, _, _ = add_sub_inputs(api.grpc)
    done = queue.Queue()
    triton_client.async_infer("no_such_model", inputs, lambda result, error: done.put((result, error)))
    result, error = done.get(timeout=30)
    assert result is None and isinstance(error, api.grpc.InferenceServerException)


def test_basic_auth_plugin_sends_the_authorization_header(api, triton_client):
    triton_client.register_plugin(api.auth.BasicAuth("user", "secret"))
    assert triton_client.plugin() is not None
    tensor = api.grpc.InferInput("INPUT0", [1], "FP32")
    tensor.set_data_from_numpy(np.zeros(1, np.float32))
    seen = json.loads(triton_client.infer("echo_parameters", [tensor]).as_numpy("PARAMETERS")[0])
    assert seen["parameters"]["authorization"] == "Basic dXNlcjpzZWNyZXQ="
    with pytest.raises(api.grpc.InferenceServerException):
        triton_client.register_plugin(api.auth.BasicAuth("other", "secret"))
    triton_client.unregister_plugin()
    assert triton_client.plugin() is None


def test_keepalive_options_and_channel_args_are_taken(api, server):
    keepalive = api.grpc.KeepAliveOptions(keepalive_time_ms=10_000, keepalive_timeout_ms=5_000)
    with api.grpc.InferenceServerClient(server.url, keepalive_options=keepalive,
                                        channel_args=[("grpc.primary_user_agent", "compat-test")]) as client:
        assert client.is_server_live()


def test_request_options_reach_the_model(api, triton_client):
    tensor = api.grpc.InferInput("INPUT0", [1], "FP32")
    tensor.set_data_from_numpy(np.zeros(1, np.float32))
    result = triton_client.infer("echo_parameters", [tensor], parameters={"flag": True, "n": 3}, timeout=5_000_000)
    seen = json.loads(result.as_numpy("PARAMETERS")[0])
    assert (seen["parameters"]["flag"], seen["parameters"]["n"], seen["timeout_us"]) == (True, 3, 5_000_000)
