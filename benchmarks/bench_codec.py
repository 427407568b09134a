"""The ModelInfer codec alone, no transport: tritonlink's hand-written encoder and decoder
(tritonlink._core.encode_infer_request / decode_infer_response) against what tritonclient does
with protobuf's classes (InferInput + request message + SerializeToString; FromString +
InferResult.as_numpy).

Mind what the sans-IO entry points add: encode_infer_request returns the message flattened
into one bytes object (infer() sends the payload from the array's own memory instead), and
decode_infer_response first copies the bytes it is given (infer() decodes the received buffer
in place). Both extra copies count against tritonlink here.
"""

from __future__ import annotations

import numpy as np
import pytest
from tritonclient.grpc import InferResult as TritonclientResult
from tritonclient.grpc import _utils as tc_utils
from tritonclient.grpc import service_pb2 as pb

from tritonlink import _core
from tritonlink._arguments import infer_arguments
from tritonlink._result import InferResult

from _workloads import INPUT, MODEL, OUTPUT, KiB, MiB, identity_payload, size_label, tritonclient_inputs

SIZES = [64, 64 * KiB, MiB]
sizes = pytest.mark.parametrize("nbytes", SIZES, ids=size_label)


def tritonlink_encode(array: np.ndarray) -> bytes:
    model_name, inputs, outputs, version, request_id, parameters = infer_arguments(MODEL, {INPUT: array})[:6]
    return _core.encode_infer_request(model_name, inputs, outputs, version, request_id, parameters)[0]


def tritonclient_encode(array: np.ndarray) -> bytes:
    request = tc_utils._get_inference_request(
        model_name=MODEL, inputs=tritonclient_inputs(array), model_version="", request_id="", outputs=None,
        sequence_id=0, sequence_start=False, sequence_end=False, priority=0, timeout=None, parameters=None)
    return request.SerializeToString()


def response_bytes(array: np.ndarray) -> bytes:
    """An identity model's response, serialized by protobuf."""
    response = pb.ModelInferResponse(model_name=MODEL, model_version="1", id="")
    response.outputs.add(name=OUTPUT, datatype="FP32", shape=list(array.shape))
    response.raw_output_contents.append(array.tobytes())
    return response.SerializeToString()


def tritonlink_decode(message: bytes) -> np.ndarray:
    return InferResult(_core.decode_infer_response(message)).as_numpy(OUTPUT)


def tritonclient_decode(message: bytes) -> np.ndarray:
    return TritonclientResult(pb.ModelInferResponse.FromString(message)).as_numpy(OUTPUT)


def test_both_encoders_produce_the_same_message():
    array = identity_payload(64)
    assert pb.ModelInferRequest.FromString(tritonlink_encode(array)) == \
        pb.ModelInferRequest.FromString(tritonclient_encode(array))


@sizes
@pytest.mark.parametrize("encode", [tritonlink_encode, tritonclient_encode], ids=["tritonlink", "tritonclient"])
def test_encode_request(time_calls, encode, nbytes):
    array = identity_payload(nbytes)
    time_calls(lambda: encode(array))


@sizes
@pytest.mark.parametrize("decode", [tritonlink_decode, tritonclient_decode], ids=["tritonlink", "tritonclient"])
def test_decode_response(time_calls, decode, nbytes):
    message = response_bytes(identity_payload(nbytes))
    assert decode(message).nbytes == nbytes
    time_calls(lambda: decode(message))
