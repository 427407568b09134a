"""System shared memory the way tritonclient's simple_grpc_shm_client does it: regions made with
utils.shared_memory, registered, inputs and outputs placed in them, outputs read back with
get_contents_as_numpy, then unregistered and destroyed. On both servers, through both APIs."""

from __future__ import annotations

import os

import numpy as np
import pytest

from shm_keys import fresh_key, leftover_objects, when_released


@pytest.fixture(autouse=True)
def nothing_left_mapped(api):
    """After each test this process maps no region and /dev/shm holds none of the test's objects."""
    yield
    assert api.shm.mapped_shared_memory_regions() == []
    assert leftover_objects() == []


def exists(key: str) -> bool:
    return os.path.exists("/dev/shm" + key)


def test_add_sub_with_inputs_and_outputs_in_system_shared_memory(api, server):
    input0_data = np.arange(16, dtype=np.float32)
    input1_data = np.full(16, 2.5, dtype=np.float32)
    byte_size = input0_data.nbytes
    out_key, in_key = fresh_key(), fresh_key()
    with api.grpc.InferenceServerClient(server.url) as client:
        shm_op_handle = api.shm.create_shared_memory_region("compat_output_data", out_key, byte_size * 2)
        client.register_system_shared_memory("compat_output_data", out_key, byte_size * 2)
        shm_ip_handle = api.shm.create_shared_memory_region("compat_input_data", in_key, byte_size * 2)
        api.shm.set_shared_memory_region(shm_ip_handle, [input0_data])
        api.shm.set_shared_memory_region(shm_ip_handle, [input1_data], offset=byte_size)
        client.register_system_shared_memory("compat_input_data", in_key, byte_size * 2)
        try:
            status = client.get_system_shared_memory_status(as_json=True)["regions"]
            assert status["compat_input_data"]["key"] == in_key
            assert int(status["compat_output_data"]["byte_size"]) == byte_size * 2

            inputs = [api.grpc.InferInput("INPUT0", [16], "FP32"), api.grpc.InferInput("INPUT1", [16], "FP32")]
            inputs[0].set_shared_memory("compat_input_data", byte_size)
            inputs[1].set_shared_memory("compat_input_data", byte_size, offset=byte_size)
            outputs = [api.grpc.InferRequestedOutput("OUTPUT0"), api.grpc.InferRequestedOutput("OUTPUT1")]
            outputs[0].set_shared_memory("compat_output_data", byte_size)
            outputs[1].set_shared_memory("compat_output_data", byte_size, offset=byte_size)
            results = client.infer("add_sub", inputs, outputs=outputs)

            output0 = results.get_output("OUTPUT0")
            output0_data = api.shm.get_contents_as_numpy(shm_op_handle, api.utils.triton_to_np_dtype(output0.datatype),
                                                         output0.shape)
            output1 = results.get_output("OUTPUT1")
            output1_data = api.shm.get_contents_as_numpy(shm_op_handle, api.utils.triton_to_np_dtype(output1.datatype),
                                                         output1.shape, offset=byte_size)
            np.testing.assert_array_equal(output0_data, input0_data + input1_data)
            np.testing.assert_array_equal(output1_data, input0_data - input1_data)
        finally:
            when_released(lambda: client.unregister_system_shared_memory("compat_input_data"))
            when_released(lambda: client.unregister_system_shared_memory("compat_output_data"))
            api.shm.destroy_shared_memory_region(shm_ip_handle)
            api.shm.destroy_shared_memory_region(shm_op_handle)
        assert client.get_system_shared_memory_status(as_json=True).get("regions", {}).keys().isdisjoint(
            {"compat_input_data", "compat_output_data"})
    assert not exists(in_key) and not exists(out_key)


def test_bytes_through_system_shared_memory(api, server):
    """simple_grpc_shm_string_client: the BYTES tensor goes in serialized, and comes out of
    get_contents_as_numpy with an object dtype as its elements."""
    input0_data = np.array([str(x).encode() for x in range(16)] + ["é".encode(), b""], dtype=np.object_)
    serialized = api.utils.serialize_byte_tensor(input0_data)
    byte_size = api.utils.serialized_byte_size(serialized)
    assert byte_size == len(serialized.item())
    in_key, out_key = fresh_key(), fresh_key()
    with api.grpc.InferenceServerClient(server.url) as client:
        shm_ip_handle = api.shm.create_shared_memory_region("compat_bytes_in", in_key, byte_size)
        shm_op_handle = api.shm.create_shared_memory_region("compat_bytes_out", out_key, byte_size)
        api.shm.set_shared_memory_region(shm_ip_handle, [serialized])
        client.register_system_shared_memory("compat_bytes_in", in_key, byte_size)
        client.register_system_shared_memory("compat_bytes_out", out_key, byte_size)
        try:
            infer_input = api.grpc.InferInput("INPUT0", [len(input0_data)], "BYTES")
            infer_input.set_shared_memory("compat_bytes_in", byte_size)
            output = api.grpc.InferRequestedOutput("OUTPUT0")
            output.set_shared_memory("compat_bytes_out", byte_size)
            results = client.infer("identity_bytes", [infer_input], outputs=[output])
            output0 = results.get_output("OUTPUT0")
            assert output0.datatype == "BYTES" and list(output0.shape) == [len(input0_data)]
            output0_data = api.shm.get_contents_as_numpy(shm_op_handle, np.object_, output0.shape)
            assert output0_data.tolist() == input0_data.tolist()
        finally:
            when_released(lambda: client.unregister_system_shared_memory("compat_bytes_in"))
            when_released(lambda: client.unregister_system_shared_memory("compat_bytes_out"))
            api.shm.destroy_shared_memory_region(shm_ip_handle)
            api.shm.destroy_shared_memory_region(shm_op_handle)


def test_arrays_go_one_after_another_from_the_offset(api):
    handle = api.shm.create_shared_memory_region("compat_offsets", fresh_key(), 64)
    try:
        first, second = np.arange(3, dtype=np.int16), np.array([[1.5, -2.0]], dtype=np.float64)
        api.shm.set_shared_memory_region(handle, [first, second], offset=8)
        np.testing.assert_array_equal(api.shm.get_contents_as_numpy(handle, np.int16, [3], offset=8), first)
        np.testing.assert_array_equal(api.shm.get_contents_as_numpy(handle, np.float64, [1, 2], offset=14), second)
        assert api.shm.get_contents_as_numpy(handle, np.uint8, [8]).tolist() == [0] * 8
        serialized = api.utils.serialize_byte_tensor(np.array([b"ab", b"c"], dtype=np.object_))
        api.shm.set_shared_memory_region(handle, (serialized,), offset=40)
        assert api.shm.get_contents_as_numpy(handle, np.object_, [2, 1], offset=40).tolist() == [[b"ab"], [b"c"]]
        assert api.shm.get_contents_as_numpy(handle, np.bytes_, [1], offset=40).tolist() == [b"ab"]
    finally:
        api.shm.destroy_shared_memory_region(handle)


def test_get_contents_as_numpy_views_the_mapping(api):
    handle = api.shm.create_shared_memory_region("compat_view", fresh_key(), 16)
    try:
        view = api.shm.get_contents_as_numpy(handle, np.int32, [4])
        api.shm.set_shared_memory_region(handle, [np.array([7, 8], dtype=np.int32)], offset=4)
        assert view.tolist() == [0, 7, 8, 0]
    finally:
        api.shm.destroy_shared_memory_region(handle)


def test_mapped_regions_count_handles_per_key(api):
    first_key, second_key = fresh_key(), fresh_key()
    first = api.shm.create_shared_memory_region("compat_first", first_key, 32)
    second = api.shm.create_shared_memory_region("compat_second", second_key, 32)
    again = api.shm.create_shared_memory_region("compat_again", first_key, 32)  # the same mapping, a second handle
    api.shm.set_shared_memory_region(first, [np.array([5], dtype=np.int64)])
    assert api.shm.get_contents_as_numpy(again, np.int64, [1]).tolist() == [5]
    assert sorted(api.shm.mapped_shared_memory_regions()) == sorted([first_key, second_key])

    api.shm.destroy_shared_memory_region(first)
    assert sorted(api.shm.mapped_shared_memory_regions()) == sorted([first_key, second_key]) and exists(first_key)
    api.shm.destroy_shared_memory_region(again)
    assert api.shm.mapped_shared_memory_regions() == [second_key] and not exists(first_key)
    api.shm.destroy_shared_memory_region(second)
    assert not exists(second_key)


def test_reusing_a_key_with_another_size_warns_and_keeps_the_first_size(api):
    key = fresh_key()
    handle = api.shm.create_shared_memory_region("compat_sized", key, 32)
    with pytest.warns(UserWarning, match="region size is 32 instead of requested 64"):
        bigger = api.shm.create_shared_memory_region("compat_sized", key, 64)
    try:
        with pytest.raises(api.shm.SharedMemoryException):
            api.shm.set_shared_memory_region(bigger, [np.zeros(64, dtype=np.uint8)])
    finally:
        api.shm.destroy_shared_memory_region(bigger)
        api.shm.destroy_shared_memory_region(handle)


def test_create_only_refuses_an_existing_key(api):
    key = fresh_key()
    handle = api.shm.create_shared_memory_region("compat_once", key, 16, create_only=True)
    try:
        with pytest.raises(api.shm.SharedMemoryException):
            api.shm.create_shared_memory_region("compat_twice", key, 16, create_only=True)
        assert api.shm.mapped_shared_memory_regions() == [key]
    finally:
        api.shm.destroy_shared_memory_region(handle)


def test_destroying_twice_raises_key_error(api):
    handle = api.shm.create_shared_memory_region("compat_destroyed", fresh_key(), 16)
    api.shm.destroy_shared_memory_region(handle)
    with pytest.raises(KeyError):
        api.shm.destroy_shared_memory_region(handle)


@pytest.mark.parametrize("input_values, offset", [
    (np.zeros(4, dtype=np.int32), 0), ([[1, 2]], 0), ([np.zeros(5, dtype=np.int32)], 0),
    ([np.zeros(4, dtype=np.int32)], 4), ([np.array([b"ab", b"c"], dtype=np.object_)], 0)],
    ids=["not a list", "not an array", "too long", "past the end", "bytes not serialized"])
def test_setting_what_does_not_fit_raises_shared_memory_exception(api, input_values, offset):
    handle = api.shm.create_shared_memory_region("compat_small", fresh_key(), 16)
    try:
        with pytest.raises(api.shm.SharedMemoryException):
            api.shm.set_shared_memory_region(handle, input_values, offset=offset)
    finally:
        api.shm.destroy_shared_memory_region(handle)


@pytest.mark.parametrize("byte_size", [0, -1])
def test_a_region_needs_a_positive_size(api, byte_size):
    with pytest.raises(api.shm.SharedMemoryException):
        api.shm.create_shared_memory_region("compat_empty", fresh_key(), byte_size)
