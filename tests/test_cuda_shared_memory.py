"""tritonlink.cuda_shared_memory: without CUDA a clear error; with a GPU, device round trips,
DLPack and the CUDA array interface, and each server reading inputs from CUDA regions and
writing outputs into them (the embedded one in a child process, where IPC handles open)."""

from __future__ import annotations

import numpy as np
import pytest

import tritonlink
from tritonlink import cuda_shared_memory

from gpu import needs_gpu, without_gpu
from shm_keys import when_released


@without_gpu
def test_without_cuda_creating_a_region_says_what_was_looked_for():
    with pytest.raises(cuda_shared_memory.CudaUnavailableError) as raised:
        cuda_shared_memory.create_region("gpu", 1024)
    message = str(raised.value)
    assert "libcudart" in message and ("looked for" in message or "no CUDA device" in message)


def test_the_package_imports_and_validates_without_cuda():
    with pytest.raises(ValueError, match="region name"):
        cuda_shared_memory.create_region("", 1024)
    with pytest.raises(ValueError, match="must not be negative"):
        cuda_shared_memory.create_region("gpu", -1)


@needs_gpu
def test_numpy_round_trip_through_the_device():
    x = np.arange(1024, dtype=np.float32)
    with cuda_shared_memory.create_region("gpu", x.nbytes + 64) as region:
        assert region.write([x], offset=64) == 64 + x.nbytes
        np.testing.assert_array_equal(region.as_numpy(np.float32, x.shape, offset=64), x)
        assert len(region.raw_handle) == 64
        with pytest.raises(ValueError, match="offset 64 and size"):
            region.as_numpy(np.float32, [1024 + 1], offset=64)


@needs_gpu
def test_a_dlpack_view_lies_on_the_regions_device_and_inside_it():
    with cuda_shared_memory.create_region("gpu", 64) as region:
        assert region.as_dlpack("FP32", [4, 4]).__dlpack_device__() == (2, region.device_id)
        with pytest.raises(ValueError, match="offset 4 and size 64"):
            region.as_dlpack("FP32", [4, 4], offset=4)


@needs_gpu
def test_a_server_reads_and_writes_cuda_regions(server_in_another_process):
    x = np.arange(1024, dtype=np.float32)
    with tritonlink.Client(server_in_another_process.url) as client, \
            cuda_shared_memory.create_region("tl_gpu_in", x.nbytes) as into, \
            cuda_shared_memory.create_region("tl_gpu_out", x.nbytes) as out_of:
        into.write(x)
        client.register(into)
        client.register(out_of)
        try:
            status = client.get_cuda_shared_memory_status("tl_gpu_in")["regions"]["tl_gpu_in"]
            assert int(status["byte_size"]) == x.nbytes
            inputs = [tritonlink.InferInput("INPUT0", [1024], "FP32").set_shared_memory("tl_gpu_in", x.nbytes)]
            outputs = [tritonlink.InferRequestedOutput("OUTPUT0").set_shared_memory("tl_gpu_out", x.nbytes)]
            client.infer("identity", inputs, outputs=outputs)
            np.testing.assert_array_equal(out_of.as_numpy(np.float32, [1024]), x)
        finally:
            when_released(lambda: client.unregister(into))
            when_released(lambda: client.unregister(out_of))
        with pytest.raises(tritonlink.NotFoundError):
            client.get_cuda_shared_memory_status("tl_gpu_in")


@needs_gpu
def test_device_to_device_through_dlpack_and_the_cuda_array_interface():
    x = np.arange(1 << 16, dtype=np.float32)
    with cuda_shared_memory.create_region("gpu_a", x.nbytes) as a, \
            cuda_shared_memory.create_region("gpu_b", 2 * x.nbytes) as b:
        a.write(x)
        view = a.as_dlpack("FP32", [256, 256])
        assert view.__dlpack_device__() == (2, a.device_id)
        interface_only = type("CudaArray", (), {"__cuda_array_interface__": view.__cuda_array_interface__})()
        assert b.write([view, interface_only]) == 2 * x.nbytes
        np.testing.assert_array_equal(b.as_numpy(np.float32, [2, x.size]), np.stack([x, x]))


@needs_gpu
def test_torch_takes_a_region_view_without_a_copy_and_gives_tensors_back():
    torch = pytest.importorskip("torch", reason="torch is not installed")
    with cuda_shared_memory.create_region("gpu_t", 4096) as region:
        tensor = torch.arange(16, dtype=torch.float32, device=f"cuda:{region.device_id}").reshape(1, 16)
        region.write(tensor)
        viewed = torch.from_dlpack(region.as_dlpack("FP32", [16]))
        assert viewed.data_ptr() == region._live().device_pointer  # the region's memory itself
        assert viewed.tolist() == list(range(16))
