"""What users give the shared-memory API is checked before anything reaches a server or the
memory: region names, shapes and offsets of tensors placed in a region, CUDA IPC handles (64
bytes, raw or base64) and device ids. Each refusal is a TypeError or ValueError naming the
argument, and never echoes an IPC handle (it grants access to the device memory)."""

from __future__ import annotations

import base64

import numpy as np
import pytest

import tritonlink
from tritonlink import cuda_shared_memory
from tritonlink.shared_memory import create_region

from shm_keys import fresh_key

HANDLE = bytes(range(64))


@pytest.fixture
def offline_client():
    with tritonlink.Client("127.0.0.1:1") as client:  # nothing listens: a call sent would be UNAVAILABLE
        yield client


@pytest.fixture
def region():
    with create_region("tl_args", fresh_key(), 64) as region:
        yield region


@pytest.mark.parametrize("name", ["a\nb", "a\x00b", "\t"])
def test_region_names_must_be_printable(offline_client, name):
    with pytest.raises(ValueError, match="region name"):
        create_region(name, fresh_key(), 64)
    with pytest.raises(ValueError, match="region name"):
        cuda_shared_memory.create_region(name, 64)
    with pytest.raises(ValueError, match="region name"):
        offline_client.register_system_shared_memory(name, fresh_key(), 64)
    with pytest.raises(ValueError, match="region name"):
        offline_client.register_cuda_shared_memory(name, HANDLE, 0, 64)


@pytest.mark.parametrize("shape, error", [([-2, -2], ValueError), ([-1], ValueError), ([2.5], TypeError),
                                          ([True], TypeError), ("16", TypeError), (16, TypeError)])
def test_shapes_in_a_region_must_be_non_negative_ints(region, shape, error):
    # [-2, -2] has four elements by its product: it used to reach the server as that shape.
    with pytest.raises(error, match="shape"):
        region.tensor("FP32", shape)
    with pytest.raises(error, match="shape"):
        region.as_numpy(np.float32, shape)


def test_a_tensor_keeps_the_shape_it_was_given_as_ints(region):
    tensor = region.tensor("FP32", (np.int64(2), 3))
    assert tensor.shape == (2, 3) and all(type(d) is int for d in tensor.shape)
    assert region.as_numpy(np.float32, [np.uint8(4)]).shape == (4,)


@pytest.mark.parametrize("offset, error", [(-4, ValueError), (1.0, TypeError), (True, TypeError), (64, ValueError)])
def test_tensor_offsets_are_checked_against_the_region(region, offset, error):
    with pytest.raises(error, match="offset"):
        region.tensor("FP32", [1], offset=offset)


@pytest.mark.parametrize("handle", [b"", HANDLE[:63], HANDLE + b"x", base64.b64encode(HANDLE[:63]),
                                    base64.b64encode(HANDLE + b"x").decode(), " " + base64.b64encode(HANDLE).decode()])
def test_cuda_handles_must_be_64_bytes_raw_or_base64_and_are_not_echoed(offline_client, handle):
    with pytest.raises(ValueError, match="raw_handle must be the 64 bytes") as raised:
        offline_client.register_cuda_shared_memory("gpu", handle, 0, 64)
    text = handle.decode("latin-1") if isinstance(handle, bytes) else handle
    assert not text.strip() or text.strip() not in str(raised.value)


@pytest.mark.parametrize("handle", [None, 64, ["x"]])
def test_cuda_handles_of_another_type_are_refused(offline_client, handle):
    with pytest.raises(TypeError, match="raw_handle"):
        offline_client.register_cuda_shared_memory("gpu", handle, 0, 64)


@pytest.mark.parametrize("device_id, error", [(-1, ValueError), (True, TypeError), (0.0, TypeError)])
def test_device_ids_are_checked_before_cuda_is_touched(offline_client, device_id, error):
    with pytest.raises(error, match="device_id"):
        cuda_shared_memory.create_region("gpu", 64, device_id=device_id)
    with pytest.raises(error, match="device_id"):
        offline_client.register_cuda_shared_memory("gpu", HANDLE, device_id, 64)
