"""gRPC status codes become tritonlink's exception hierarchy: each mapping, the accessors
tritonclient's exception has, and real failures on both servers."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
import pytest

import tritonlink
from tritonlink import StatusCode, error_from_status

def _documented_table():
    """{code: (class name, retryable, may_have_executed)} as errors.py's docstring tabulates it."""
    rows = {}
    for line in tritonlink.errors.__doc__.splitlines():
        cells = line.split(None, 3)
        if len(cells) == 4 and cells[0] in StatusCode.__members__ and cells[1].endswith("Error"):
            rows[StatusCode[cells[0]]] = (cells[1], cells[2] == "yes", cells[3].startswith("yes"))
    return rows


DOCUMENTED = _documented_table()


def test_the_documented_table_covers_every_error_code():
    assert set(DOCUMENTED) == set(StatusCode) - {StatusCode.OK}


def test_readme_shows_the_same_table():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for code, (class_name, retryable, may_have_executed) in DOCUMENTED.items():
        row = re.search(rf"^\| `{code.name}` \| `(\w+)` \| (\w+) \| (\w+)", readme, re.M)
        assert row, code
        assert row.groups() == (class_name, "yes" if retryable else "no", "yes" if may_have_executed else "no")


@pytest.mark.parametrize("code", list(StatusCode)[1:], ids=lambda c: c.name)
def test_each_status_code_maps_to_its_documented_exception_and_flags(code):
    error = error_from_status(int(code), "server says no", "m", "r1")
    class_name, retryable, may_have_executed = DOCUMENTED[code]
    assert type(error) is getattr(tritonlink, class_name)
    assert error.retryable is retryable and error.may_have_executed is may_have_executed
    assert error.safe_to_retry is (retryable and not may_have_executed)
    assert isinstance(error, tritonlink.InferenceServerException)
    assert error.code == code and error.model_name == "m" and error.request_id == "r1"
    assert error.message() == "server says no"
    assert error.status() == f"StatusCode.{code.name}"
    assert error.debug_details() is None
    assert "server says no" in str(error) and "'m'" in str(error) and "'r1'" in str(error)


def test_unknown_code_becomes_unknown():
    error = error_from_status(99, "?")
    assert type(error) is tritonlink.InferenceServerError and error.code == StatusCode.UNKNOWN


@pytest.mark.parametrize("message", [
    "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: Failed to connect to remote host",
    "Connection refused",
    "DNS resolution failed for nowhere.invalid:8001",
])
def test_unavailable_before_connecting_is_safe_to_retry(message):
    error = error_from_status(int(StatusCode.UNAVAILABLE), message)
    assert not error.may_have_executed and error.safe_to_retry


def test_unavailable_after_connecting_may_have_executed():
    error = error_from_status(int(StatusCode.UNAVAILABLE), "Socket closed")
    assert error.retryable and error.may_have_executed and not error.safe_to_retry


def test_flags_can_be_given_when_raising_by_hand():
    error = tritonlink.InternalError("decoded badly", code=StatusCode.INTERNAL, may_have_executed=False)
    assert error.may_have_executed is False and error.retryable is False


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
    assert info.value.safe_to_retry, info.value.message()
