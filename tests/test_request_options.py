"""Request options reach the server: custom parameters, sequence fields, priority, the
server-side timeout (microseconds), compression, class_count and headers (default, auth
plugin, per call), on both servers; and each is checked before anything is sent.

`echo_parameters` returns what its model saw of the request as JSON (see
tests/triton_models/README.md); headers are seen through HEADER_FORWARD_PATTERN; compression
and the headers of control calls through an HTTP/2 tap in front of the server (h2_tap.py).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import tritonlink
import tritonlink.aio
from tritonlink import InferRequestedOutput, _core
from tritonlink._arguments import infer_arguments

from h2_tap import H2Tap

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
    if not server.is_real_triton:  # Triton shows no backend the priority: see the test below
        assert seen["priority"] == 3


# The sleep model with one instance behind a dynamic batcher of two priority levels (1 first).
PRIORITY_QUEUE = {
    "name": "priority_sleep", "backend": "python", "max_batch_size": 1,
    "input": [{"name": "INPUT0", "data_type": "TYPE_FP32", "dims": [1]}],
    "output": [{"name": "OUTPUT0", "data_type": "TYPE_FP32", "dims": [1]}],
    "instance_group": [{"count": 1, "kind": "KIND_CPU"}],
    "dynamic_batching": {"priority_levels": 2, "default_priority_level": 2},
}
TRITON_MODELS = Path(__file__).resolve().parent / "triton_models"


@pytest.mark.real_triton
@pytest.mark.timing
def test_priority_reorders_real_tritons_queue(real_triton_explicit_server):
    # Triton's Python backend is not told a request's priority, but its scheduler obeys it:
    # queued behind two 500 ms sleeps, a priority-1 request sent after a priority-2 one finishes
    # before it (measured: [500, 501, 2, 1]; with equal priorities [500, 501, 1, 2]). Margin:
    # the two are queued 0.1 and 0.2 s in, while the sleeps keep the instance busy for 1 s.
    model_py = (TRITON_MODELS / "sleep" / "1" / "model.py").read_bytes()
    with tritonlink.Client(real_triton_explicit_server.url) as client:
        client.load_model("priority_sleep", config=PRIORITY_QUEUE, files={"file:1/model.py": model_py})
        try:
            finished = []

            def send(ms: float, priority: int):
                future = client.submit("priority_sleep", {"INPUT0": np.array([[ms]], np.float32)}, priority=priority)
                future.add_done_callback(lambda f: finished.append(float(f.result().as_numpy("OUTPUT0")[0, 0])))
                return future

            sent = [send(500.0, 1), send(501.0, 1)]
            for ms, priority in ((1.0, 2), (2.0, 1)):
                time.sleep(0.1)  # each arrives after the one before: they are in the queue in this order
                sent.append(send(ms, priority))
            for future in sent:
                future.result(30)
            assert sorted(finished[:2]) == [500.0, 501.0] and finished[2:] == [2.0, 1.0]
        finally:
            client.unload_model("priority_sleep")


@pytest.mark.parametrize("algorithm", ["gzip", "deflate", "GZIP", None])
def test_compressed_requests_reach_the_server_compressed_and_round_trip(server, algorithm):
    x = np.zeros(1 << 16, np.float32)  # compressible, and large enough to be borrowed
    x[::7] = 1.0
    with H2Tap(server.url) as tap, tritonlink.Client(tap.url) as client:
        out = client.infer("identity", {"INPUT0": x}, compression_algorithm=algorithm).as_numpy("OUTPUT0")
        np.testing.assert_array_equal(out, x)
        [call] = tap.calls_to("ModelInfer")
    [(compressed, length)] = call.messages
    if algorithm is None:
        assert "grpc-encoding" not in call.headers and not compressed and length > x.nbytes
    else:  # gzip/deflate shrink this tensor about 100-fold; a tenth of it leaves a wide margin
        assert call.headers["grpc-encoding"] == algorithm.lower() and compressed and length < x.nbytes // 10


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


def test_control_calls_carry_default_plugin_and_call_headers(server):
    plugin = iter(["call-1", "call-2"])
    with H2Tap(server.url) as tap, tritonlink.Client(
            tap.url, headers={"x-default": "d", "x-over": "default"},
            auth_plugin=lambda: {"x-plugin": next(plugin)}) as client:
        assert client.is_server_live()
        assert client.get_model_metadata("identity", headers={"x-over": "call"})["name"] == "identity"
        [live], [metadata] = tap.calls_to("ServerLive"), tap.calls_to("ModelMetadata")
    assert {k: live.headers.get(k) for k in ("x-default", "x-over", "x-plugin")} == {
        "x-default": "d", "x-over": "default", "x-plugin": "call-1"}
    assert {k: metadata.headers.get(k) for k in ("x-default", "x-over", "x-plugin")} == {
        "x-default": "d", "x-over": "call", "x-plugin": "call-2"}


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
        done, called = [], threading.Event()
        client.async_infer("echo_parameters", X, lambda r, e: (done.append((r, e)), called.set()), **options)
        results = client.infer_many([dict(model_name="echo_parameters", inputs=X, **options)] * 3)
        for result in results:
            check(result)
        assert called.wait(30)  # closing first would cancel it: infer_many may end before it
        assert done[0][1] is None
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
