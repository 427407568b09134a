"""CUDA shared memory the way tritonclient's simple_grpc_cudashm_client does it. Without a GPU
only the error is checked; tritonclient's module is skipped where cuda-python is missing."""

from __future__ import annotations

import numpy as np
import pytest

import tritonlink.compat.utils.cuda_shared_memory as compat_cudashm

from gpu import needs_gpu, without_gpu
from shm_keys import when_released


@without_gpu
def test_without_a_gpu_creating_a_region_raises_cuda_shared_memory_exception(cudashm):
    with pytest.raises(cudashm.CudaSharedMemoryException):
        cudashm.create_shared_memory_region("compat_gpu", 64, 0)
    assert cudashm.allocated_shared_memory_regions() == []


@without_gpu
def test_without_a_gpu_the_exception_says_what_is_missing():
    with pytest.raises(compat_cudashm.CudaSharedMemoryException) as raised:
        compat_cudashm.create_shared_memory_region("compat_gpu", 64, 0)
    message = str(raised.value)
    assert "compat_gpu" in message and "libcudart" in message


@needs_gpu
def test_numbers_and_bytes_round_trip_through_the_device(api, cudashm):
    numbers = np.arange(16, dtype=np.int32).reshape(4, 4)
    strings = np.array([str(x).encode() for x in range(16)], dtype=np.object_)
    serialized = api.utils.serialize_byte_tensor(strings)
    handle = cudashm.create_shared_memory_region("compat_gpu", api.utils.serialized_byte_size(serialized), 0)
    try:
        assert cudashm.allocated_shared_memory_regions() == [handle]
        cudashm.set_shared_memory_region(handle, [numbers])
        np.testing.assert_array_equal(cudashm.get_contents_as_numpy(handle, np.int32, [4, 4]), numbers)
        assert tuple(cudashm.as_shared_memory_tensor(handle, "INT32", [4, 4]).__dlpack_device__()) == (2, 0)
        cudashm.set_shared_memory_region(handle, [serialized])
        assert cudashm.get_contents_as_numpy(handle, np.object_, [16]).tolist() == strings.tolist()
        cudashm.set_shared_memory_region_from_dlpack(handle, [np.full(4, 3.0, dtype=np.float32)])
        assert cudashm.get_contents_as_numpy(handle, np.float32, [4]).tolist() == [3.0] * 4
    finally:
        cudashm.destroy_shared_memory_region(handle)
    assert cudashm.allocated_shared_memory_regions() == []


@needs_gpu
def test_add_sub_with_inputs_and_outputs_in_cuda_shared_memory(api, cudashm, server_in_another_process):
    input0_data = np.arange(16, dtype=np.float32)
    input1_data = np.ones(16, dtype=np.float32)
    byte_size = input0_data.nbytes
    with api.grpc.InferenceServerClient(server_in_another_process.url) as client:
        shm_op0_handle = cudashm.create_shared_memory_region("compat_gpu_out", byte_size, 0)
        shm_ip_handle = cudashm.create_shared_memory_region("compat_gpu_in", byte_size * 2, 0)
        cudashm.set_shared_memory_region(shm_ip_handle, [input0_data, input1_data])
        client.register_cuda_shared_memory("compat_gpu_out", cudashm.get_raw_handle(shm_op0_handle), 0, byte_size)
        client.register_cuda_shared_memory("compat_gpu_in", cudashm.get_raw_handle(shm_ip_handle), 0, byte_size * 2)
        try:
            status = client.get_cuda_shared_memory_status(as_json=True)["regions"]
            assert int(status["compat_gpu_in"]["byte_size"]) == byte_size * 2
            inputs = [api.grpc.InferInput("INPUT0", [16], "FP32"), api.grpc.InferInput("INPUT1", [16], "FP32")]
            inputs[0].set_shared_memory("compat_gpu_in", byte_size)
            inputs[1].set_shared_memory("compat_gpu_in", byte_size, offset=byte_size)
            outputs = [api.grpc.InferRequestedOutput("OUTPUT0")]
            outputs[0].set_shared_memory("compat_gpu_out", byte_size)
            results = client.infer("add_sub", inputs, outputs=outputs)
            output0 = results.get_output("OUTPUT0")
            output0_data = cudashm.get_contents_as_numpy(shm_op0_handle, np.float32, output0.shape)
            np.testing.assert_array_equal(output0_data, input0_data + input1_data)
        finally:
            when_released(lambda: client.unregister_cuda_shared_memory("compat_gpu_in"))
            when_released(lambda: client.unregister_cuda_shared_memory("compat_gpu_out"))
            cudashm.destroy_shared_memory_region(shm_ip_handle)
            cudashm.destroy_shared_memory_region(shm_op0_handle)
