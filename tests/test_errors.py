"""gRPC status codes become tritonlink's exception hierarchy: each mapping, the accessors
tritonclient's exception has, and real failures on both servers."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import tritonlink
from tritonlink import StatusCode, error_from_status

MAPPED = {
    StatusCode.UNAVAILABLE: tritonlink.ServerUnavailableError,
    StatusCode.DEADLINE_EXCEEDED: tritonlink.DeadlineExceededError,
    StatusCode.NOT_FOUND: tritonlink.NotFoundError,
    StatusCode.INVALID_ARGUMENT: tritonlink.InvalidArgumentError,
    StatusCode.CANCELLED: tritonlink.CancelledError,
}


@pytest.mark.parametrize("code", list(StatusCode)[1:], ids=lambda c: c.name)
def test_each_status_code_maps_to_its_exception(code):
    error = error_from_status(int(code), "server says no", "m", "r1")
    assert type(error) is MAPPED.get(code, tritonlink.InferenceServerError)
    assert isinstance(error, tritonlink.InferenceServerException)
    assert error.code == code and error.model_name == "m" and error.request_id == "r1"
    assert error.message() == "server says no"
    assert error.status() == f"StatusCode.{code.name}"
    assert error.debug_details() is None
    assert "server says no" in str(error) and "'m'" in str(error) and "'r1'" in str(error)


def test_unknown_code_becomes_unknown():
    error = error_from_status(99, "?")
    assert type(error) is tritonlink.InferenceServerError and error.code == StatusCode.UNKNOWN


def test_deadline_exceeded_is_also_a_timeout_error():
    assert issubclass(tritonlink.DeadlineExceededError, TimeoutError)


def test_unknown_model_raises_not_found(client):
    with pytest.raises(tritonlink.NotFoundError, match="no_such_model") as info:
        client.infer("no_such_model", {"INPUT0": np.ones(1, np.float32)}, request_id="r9")
    assert info.value.code == StatusCode.NOT_FOUND and info.value.request_id == "r9"


def test_bad_input_raises_invalid_argument(client):
    with pytest.raises(tritonlink.InvalidArgumentError) as info:
        client.infer("identity_int8", {"INPUT0": np.ones(2, np.float32)})
    assert info.value.model_name == "identity_int8"


def test_cancelled_call_raises_cancelled(client):
    done = threading.Event()
    outcome = []
    handle = client.async_infer("sleep", {"INPUT0": np.array([5000.0], np.float32)},
                                lambda result, error: (outcome.append(error), done.set()))
    handle.cancel()
    assert done.wait(30)
    assert isinstance(outcome[0], tritonlink.CancelledError) and outcome[0].code == StatusCode.CANCELLED


def test_deadline_raises_deadline_exceeded(client):
    with pytest.raises(tritonlink.DeadlineExceededError):
        client.infer("sleep", {"INPUT0": np.array([3000.0], np.float32)}, client_timeout=0.1)


def test_unreachable_server_raises_unavailable():
    with tritonlink.Client("127.0.0.1:1") as client:
        with pytest.raises(tritonlink.ServerUnavailableError) as info:
            client.is_server_live(client_timeout=5)
    assert info.value.code == StatusCode.UNAVAILABLE
