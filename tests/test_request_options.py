"""Request options reach the server: custom parameters, sequence fields, priority, the
server-side timeout (microseconds), compression, class_count and headers (default, auth
plugin, per call), on both servers; and each is checked before anything is sent.

`echo_parameters` returns what its model saw of the request as JSON (see
tests/triton_models/README.md); headers are seen through HEADER_FORWARD_PATTERN.
"""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

import tritonlink
import tritonlink.aio
from tritonlink import InferRequestedOutput, _core
from tritonlink._arguments import infer_arguments

X = {"INPUT0": np.array([1.0, 5.0, 3.0], np.float32)}


def echoed(result) -> dict:
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), X["INPUT0"])
    return json.loads(result.as_numpy("PARAMETERS")[0])


def test_custom_parameters_reach_the_model_with_their_types(client):
    parameters = {"flag": True, "count": -3, "name": "caf\u00e9", "ratio": 1.5, "empty": ""}
    seen = echoed(client.infer("echo_parameters", X, parameters=parameters))
    assert seen["parameters"] == parameters


@pytest.mark.parametrize("sequence_id", [42, "session-7"])
def test_sequence_fields_reach_the_server(client, sequence_id):
    seen = echoed(client.infer("echo_parameters", X, sequence_id=sequence_id, sequence_start=True))
    assert (seen["sequence_id"], seen["sequence_start"], seen["sequence_end"]) == (sequence_id, True, False)
    seen = echoed(client.infer("echo_parameters", X, sequence_id=sequence_id, sequence_end=True))
    assert (seen["sequence_start"], seen["sequence_end"]) == (False, True)


def test_no_sequence_by_default(client):
    seen = echoed(client.infer("echo_parameters", X))
    assert seen == {"parameters": seen["parameters"], "sequence_id": 0, "sequence_start": False,
                    "sequence_end": False, "timeout_us": 0, **({"priority": 0} if "priority" in seen else {})}
    assert seen["parameters"] == {}


def test_server_timeout_is_in_microseconds(client):
    assert echoed(client.infer("echo_parameters", X, timeout=2_500_000))["timeout_us"] == 2_500_000


def test_priority_is_accepted_and_reaches_the_embedded_model(client, server):
    seen = echoed(client.infer("echo_parameters", X, priority=3))
    if not server.is_real_triton:  # Triton does not show priority to its backends
        assert seen["priority"] == 3


@pytest.mark.parametrize("algorithm", ["gzip", "deflate", "GZIP", None])
def test_compressed_requests_round_trip(client, algorithm):
    x = np.zeros(1 << 16, np.float32)  # compressible, and large enough to be borrowed
    x[::7] = 1.0
    out = client.infer("identity", {"INPUT0": x}, compression_algorithm=algorithm).as_numpy("OUTPUT0")
    np.testing.assert_array_equal(out, x)


def test_class_count_returns_the_top_classes(client):
    result = client.infer("identity", X, outputs=[InferRequestedOutput("OUTPUT0", class_count=2)])
    assert result.get_output("OUTPUT0")["datatype"] == "BYTES"
    assert list(result.as_numpy("OUTPUT0")) == [b"5.000000:1", b"3.000000:2"]


def test_class_count_larger_than_the_output(client):
    result = client.infer("identity", X, outputs=[InferRequestedOutput("OUTPUT0", class_count=10)])
    assert list(result.as_numpy("OUTPUT0")) == [b"5.000000:1", b"3.000000:2", b"1.000000:0"]


def test_integer_classes_are_formatted_as_integers(client):
    result = client.infer("identity_int32", {"INPUT0": np.array([4, 9, -2], np.int32)},
                          outputs=[InferRequestedOutput("OUTPUT0", class_count=1)])
    assert list(result.as_numpy("OUTPUT0")) == [b"9:1"]


def test_default_headers_auth_plugin_and_call_headers_are_merged(server):
    calls = []

    def plugin():
        calls.append(1)
        return {"x-forwarded-plugin": f"call-{len(calls)}"}

    defaults = {"x-forwarded-default": "d", "X-Forwarded-Over": "default", **tritonlink.basic_auth_headers("ann", "pw")}
    with tritonlink.Client(server.url, headers=defaults, auth_plugin=plugin) as client:
        seen = echoed(client.infer("echo_parameters", X, headers={"x-forwarded-over": "call"}))["parameters"]
        assert seen == {"x-forwarded-default": "d", "x-forwarded-over": "call", "x-forwarded-plugin": "call-1",
                        "authorization": "Basic YW5uOnB3"}
        seen = echoed(client.infer("echo_parameters", X))["parameters"]
        assert seen["x-forwarded-plugin"] == "call-2" and seen["x-forwarded-over"] == "default"
        assert client.is_server_live() and len(calls) == 3  # control-plane calls carry them too


def test_every_way_to_infer_carries_the_options(server):
    options = {"parameters": {"k": "v"}, "sequence_id": 9, "sequence_start": True, "timeout": 7,
               "compression_algorithm": "gzip", "headers": {"x-forwarded-h": "1"}}

    def check(result):
        seen = echoed(result)
        assert seen["parameters"] == {"k": "v", "x-forwarded-h": "1"}
        assert (seen["sequence_id"], seen["sequence_start"], seen["timeout_us"]) == (9, True, 7)

    with tritonlink.Client(server.url) as client:
        check(client.infer("echo_parameters", X, **options))
        check(client.submit("echo_parameters", X, **options).result(30))
        done = []
        client.async_infer("echo_parameters", X, lambda r, e: done.append((r, e)), **options)
        results = client.infer_many([dict(model_name="echo_parameters", inputs=X, **options)] * 3)
        for result in results:
            check(result)
        client.close()
        assert done and done[0][1] is None
        check(done[0][0])

    async def via_asyncio():
        async with tritonlink.aio.AsyncClient(server.url) as aclient:
            check(await aclient.infer("echo_parameters", X, **options))

    asyncio.run(via_asyncio())


# ---- on the wire ----


def encoded_request(**options):
    import tritonclient.grpc.service_pb2 as pb

    arguments = infer_arguments("m", {"INPUT0": np.ones(1, np.float32)}, **options)
    encoded, _ = _core.encode_infer_request(*arguments[:6])
    return pb.ModelInferRequest.FromString(encoded), arguments[7]


def test_options_are_encoded_with_tritonclients_types():
    request, _ = encoded_request(sequence_id=5, sequence_start=True, priority=2, timeout=100,
                                 outputs=[InferRequestedOutput("OUTPUT0", class_count=3)])
    p = request.parameters
    assert p["sequence_id"].WhichOneof("parameter_choice") == "int64_param" and p["sequence_id"].int64_param == 5
    assert p["sequence_start"].bool_param is True and p["sequence_end"].WhichOneof("parameter_choice") == "bool_param"
    assert p["priority"].WhichOneof("parameter_choice") == "uint64_param" and p["priority"].uint64_param == 2
    assert p["timeout"].WhichOneof("parameter_choice") == "int64_param" and p["timeout"].int64_param == 100
    classification = request.outputs[0].parameters["classification"]
    assert classification.WhichOneof("parameter_choice") == "int64_param" and classification.int64_param == 3


def test_string_sequence_id_is_a_string_param_and_zero_priority_is_not_sent():
    request, _ = encoded_request(sequence_id="abc", priority=0)
    assert request.parameters["sequence_id"].string_param == "abc"
    assert "priority" not in request.parameters and "timeout" not in request.parameters


def test_numpy_scalar_parameters_keep_their_kind():
    request, _ = encoded_request(parameters={"u": np.uint32(7), "i": np.int8(-1), "f": np.float32(0.5),
                                             "b": np.bool_(True)})
    kinds = {k: v.WhichOneof("parameter_choice") for k, v in request.parameters.items()}
    assert kinds == {"u": "uint64_param", "i": "int64_param", "f": "double_param", "b": "bool_param"}


def test_compression_travels_as_grpcs_own_request_key():
    _, metadata = encoded_request(compression_algorithm="Deflate")
    assert metadata == [("grpc-internal-encoding-request", "deflate")]


# ---- checked before anything is sent (nobody listens on port 1) ----


@pytest.fixture
def offline_client():
    with tritonlink.Client("127.0.0.1:1") as c:
        yield c


@pytest.mark.parametrize("name", ["sequence_id", "sequence_start", "sequence_end", "priority", "timeout",
                                  "binary_data_output", "shared_memory_region", "shared_memory_offset",
                                  "shared_memory_byte_size", "classification", "headers", "triton_enable_x"])
def test_reserved_parameter_names_are_refused(offline_client, name):
    with pytest.raises(ValueError, match=f"parameter '{name}' is reserved"):
        offline_client.infer("identity", X, parameters={name: 1})


@pytest.mark.parametrize("options, error, named", [
    ({"sequence_start": True}, ValueError, "sequence_id"),
    ({"sequence_id": -1}, ValueError, "sequence_id"),
    ({"sequence_id": 1.5}, TypeError, "sequence_id"),
    ({"sequence_id": 1, "sequence_end": "yes"}, TypeError, "sequence_end"),
    ({"priority": -2}, ValueError, "priority"),
    ({"priority": True}, TypeError, "priority"),
    ({"timeout": 1.5}, TypeError, "timeout"),
    ({"timeout": -1}, ValueError, "timeout"),
    ({"compression_algorithm": "zstd"}, ValueError, "compression_algorithm"),
    ({"compression_algorithm": 1}, TypeError, "compression_algorithm"),
    ({"parameters": {1: "x"}}, TypeError, "parameter names"),
    ({"parameters": ["x"]}, TypeError, "parameters"),
])
def test_bad_request_options_are_refused(offline_client, options, error, named):
    with pytest.raises(error, match=named):
        offline_client.infer("identity", X, **options)
    with pytest.raises(error, match=named):
        offline_client.infer_many([dict(model_name="identity", inputs=X, **options)])


def test_bad_class_count_is_refused():
    with pytest.raises(ValueError, match="class_count.*OUTPUT0"):
        InferRequestedOutput("OUTPUT0", class_count=-1)
    with pytest.raises(TypeError, match="class_count"):
        InferRequestedOutput("OUTPUT0", class_count="2")


def test_bad_headers_and_auth_plugin_are_refused():
    with pytest.raises(ValueError, match="header"):
        tritonlink.Client("127.0.0.1:1", headers={"bad key": "v"})
    with pytest.raises(TypeError, match="auth_plugin"):
        tritonlink.Client("127.0.0.1:1", auth_plugin="token")
    with tritonlink.Client("127.0.0.1:1", auth_plugin=lambda: {"k": 5}) as client:
        with pytest.raises(TypeError, match="auth_plugin"):
            client.infer("identity", X)


def test_basic_auth_headers():
    assert tritonlink.basic_auth_headers("Aladdin", "open sesame") == {
        "authorization": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}
    with pytest.raises(ValueError, match="username"):
        tritonlink.basic_auth_headers("a:b", "c")
    with pytest.raises(TypeError, match="password"):
        tritonlink.basic_auth_headers("a", None)
