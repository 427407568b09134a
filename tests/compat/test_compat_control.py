"""Health, metadata, configuration, repository, statistics and model control, as programs
written against tritonclient read them (protobuf messages, or JSON with as_json=True)."""

from __future__ import annotations

import time

import numpy as np
import pytest


@pytest.fixture
def triton_client(api, server):
    with api.grpc.InferenceServerClient(server.url) as client:
        yield client


def test_health(triton_client):
    assert triton_client.is_server_live()
    assert triton_client.is_server_ready()
    assert triton_client.is_model_ready("add_sub")
    assert not triton_client.is_model_ready("no_such_model")


def test_server_metadata(triton_client):
    metadata = triton_client.get_server_metadata()
    assert metadata.name and metadata.version
    assert triton_client.get_server_metadata(as_json=True)["name"] == metadata.name


def test_model_metadata(triton_client):
    metadata = triton_client.get_model_metadata("add_sub")
    assert metadata.name == "add_sub"
    assert [(t.name, t.datatype, list(t.shape)) for t in metadata.inputs] == [("INPUT0", "FP32", [16]),
                                                                            ("INPUT1", "FP32", [16])]
    as_json = triton_client.get_model_metadata("add_sub", as_json=True)
    assert as_json["inputs"][0]["shape"] == ["16"]  # int64 as protobuf's JSON writes it


def test_model_config(triton_client):
    config = triton_client.get_model_config("add_sub")
    assert config.config.name == "add_sub"
    assert config.config.max_batch_size == 0
    assert [i.name for i in config.config.input] == ["INPUT0", "INPUT1"]
    assert triton_client.get_model_config("repeat").config.model_transaction_policy.decoupled
    assert triton_client.get_model_config("add_sub", as_json=True)["config"]["name"] == "add_sub"


def test_repository_index(triton_client):
    names = {model.name for model in triton_client.get_model_repository_index().models}
    assert {"add_sub", "identity", "repeat", "accumulate"} <= names
    assert any(m["name"] == "add_sub" for m in triton_client.get_model_repository_index(as_json=True)["models"])


def test_inference_statistics_count_the_calls(api, triton_client):
    before = triton_client.get_inference_statistics("identity").model_stats[0].inference_count
    tensor = api.grpc.InferInput("INPUT0", [4], "FP32")
    tensor.set_data_from_numpy(np.zeros(4, np.float32))
    triton_client.infer("identity", [tensor])
    # A real Triton may answer before it has counted the request: wait a little for the count.
    deadline = time.monotonic() + 10
    while True:
        stats = triton_client.get_inference_statistics("identity")
        if stats.model_stats[0].inference_count > before or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert stats.model_stats[0].name == "identity"
    assert stats.model_stats[0].inference_count == before + 1
    as_json = triton_client.get_inference_statistics("identity", as_json=True)
    assert as_json["model_stats"][0]["inference_count"] == str(before + 1)


def test_unknown_model_metadata_raises(api, triton_client):
    with pytest.raises(api.grpc.InferenceServerException):
        triton_client.get_model_metadata("no_such_model")


def test_log_settings_read_and_update(triton_client):
    settings = triton_client.get_log_settings(as_json=True)["settings"]
    assert "log_verbose_level" in settings
    updated = triton_client.update_log_settings({"log_verbose_level": 0})
    assert updated.settings["log_verbose_level"].uint32_param == 0


def test_unload_and_load_a_model(api, model_control_server):
    with api.grpc.InferenceServerClient(model_control_server.url) as client:
        client.unload_model("identity")
        assert not client.is_model_ready("identity")
        client.load_model("identity")
        assert client.is_model_ready("identity")
        states = {m.name: m.state for m in client.get_model_repository_index().models}
        assert states["identity"] == "READY"
