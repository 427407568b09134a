"""Bad arguments fail in Python with a clear ValueError/TypeError before anything is sent.

The client here points at a port nobody listens on: had a request been sent, the error would be
ServerUnavailableError, so a ValueError/TypeError proves validation ran first.
"""

from __future__ import annotations

import numpy as np
import pytest

import tritonlink
from tritonlink import InferInput, InferRequestedOutput


@pytest.fixture
def offline_client():
    with tritonlink.Client("127.0.0.1:1") as c:
        yield c


def test_unknown_datatype_is_rejected_when_the_input_is_declared():
    with pytest.raises(ValueError, match="FP33"):
        InferInput("INPUT0", [1], "FP33")


def test_unicode_arrays_have_no_datatype(offline_client):
    with pytest.raises(TypeError, match="INPUT0.*<U1.*object array"):
        offline_client.infer("identity", {"INPUT0": np.array(["a"])})


def test_complex_arrays_have_no_triton_datatype(offline_client):
    with pytest.raises(TypeError, match="complex64"):
        offline_client.infer("identity", {"INPUT0": np.ones(2, np.complex64)})


def test_dtype_that_does_not_match_the_declared_datatype():
    with pytest.raises(ValueError, match="INPUT0.*FP32.*int32"):
        InferInput("INPUT0", [2], "FP32").set_data_from_numpy(np.ones(2, np.int32))


def test_shape_that_does_not_match_the_data():
    with pytest.raises(ValueError, match=r"\[3\].*\[2\]"):
        InferInput("INPUT0", [3], "FP32").set_data_from_numpy(np.ones(2, np.float32))


@pytest.mark.parametrize("data", [[1.0, 2.0], (1.0,), b"\x00\x00\x80?", 3.0])
def test_non_numpy_data_is_refused(data):
    with pytest.raises(TypeError, match="numpy.ndarray"):
        InferInput("INPUT0", [1], "FP32").set_data_from_numpy(data)


def test_non_numpy_value_in_the_inputs_mapping(offline_client):
    with pytest.raises(TypeError, match="INPUT0.*list"):
        offline_client.infer("identity", {"INPUT0": [1.0, 2.0]})


def test_input_without_data(offline_client):
    with pytest.raises(ValueError, match="set_data_from_numpy"):
        offline_client.infer("identity", [InferInput("INPUT0", [1], "FP32")])


@pytest.mark.parametrize("inputs", ["INPUT0", np.ones(2, np.float32), 5, [np.ones(2)]])
def test_inputs_must_be_infer_inputs_or_a_mapping(offline_client, inputs):
    with pytest.raises(TypeError, match="inputs"):
        offline_client.infer("identity", inputs)


@pytest.mark.parametrize("shape", [[-1], [2, -3]])
def test_negative_dimensions_are_refused(shape):
    with pytest.raises(ValueError, match="negative"):
        InferInput("INPUT0", shape, "FP32")


def test_shape_must_hold_ints():
    with pytest.raises(TypeError, match="shape"):
        InferInput("INPUT0", [1.5], "FP32")
    with pytest.raises(TypeError, match="shape"):
        InferInput("INPUT0", "12", "FP32")


def test_names_must_be_non_empty_strings(offline_client):
    with pytest.raises(TypeError, match="name"):
        InferInput(7, [1], "FP32")
    with pytest.raises(ValueError, match="empty"):
        InferRequestedOutput("")
    with pytest.raises(TypeError, match="model_name"):
        offline_client.infer(None, {"INPUT0": np.ones(1, np.float32)})


@pytest.mark.parametrize(
    "timeout, error", [(0, ValueError), (-1.0, ValueError), ("1", TypeError), (True, TypeError)]
)
def test_client_timeout_must_be_a_positive_number(offline_client, timeout, error):
    with pytest.raises(error, match="client_timeout"):
        offline_client.infer("identity", {"INPUT0": np.ones(1, np.float32)}, client_timeout=timeout)


@pytest.mark.parametrize(
    "headers, error",
    [({"bad key": "v"}, ValueError), ({"grpc-timeout": "1"}, ValueError), ({"k": "caf\u00e9"}, ValueError),
     ({"k": 1}, TypeError), (["k", "v"], TypeError)],
)
def test_headers_are_checked(offline_client, headers, error):
    with pytest.raises(error, match="header"):
        offline_client.infer("identity", {"INPUT0": np.ones(1, np.float32)}, headers=headers)


@pytest.mark.parametrize("value", [None, [1], {"a": 1}, object()])
def test_parameter_values_must_be_scalars(offline_client, value):
    with pytest.raises(TypeError, match="parameter 'p'"):
        offline_client.infer("identity", {"INPUT0": np.ones(1, np.float32)}, parameters={"p": value})


def test_parameter_ints_must_fit_64_bits(offline_client):
    with pytest.raises(ValueError, match="64 bits"):
        offline_client.infer("identity", {"INPUT0": np.ones(1, np.float32)}, parameters={"p": 1 << 64})


def test_outputs_must_be_requested_outputs_or_names(offline_client):
    with pytest.raises(TypeError, match="outputs"):
        offline_client.infer("identity", {"INPUT0": np.ones(1, np.float32)}, outputs="OUTPUT0")
    with pytest.raises(TypeError, match="outputs"):
        offline_client.infer("identity", {"INPUT0": np.ones(1, np.float32)}, outputs=[3])


def test_url_must_be_a_grpc_target():
    with pytest.raises(ValueError, match="url"):
        tritonlink.Client("http://localhost:8001")
    with pytest.raises(TypeError, match="url"):
        tritonlink.Client(8001)
