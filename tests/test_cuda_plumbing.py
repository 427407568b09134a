"""tritonlink.cuda_shared_memory's plumbing on a machine without a GPU: region copies, DLPack and
__cuda_array_interface__ in and out, run against fake_cudart/fake_cudart.c, a host-memory
stand-in for libcudart that records the copy kinds and streams it was asked for. It checks
what tritonlink asks of the runtime, not CUDA itself: test_cuda_shared_memory.py runs the same
paths on a real GPU where there is one.

Each check runs in one spawned child process that loads the stand-in (libcudart stays loaded
for a process's life, so the suite's own process never sees it)."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

MEMCPY_HOST_TO_DEVICE, MEMCPY_DEFAULT = 1, 4


@pytest.fixture(scope="module")
def in_fake_cuda_process(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fake_cudart")
    source = Path(__file__).parent / "fake_cudart" / "fake_cudart.c"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(directory / "libcudart.so.12"), str(source)],
                   check=True)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_use_stand_in,
                             initargs=(str(directory),)) as pool:
        yield lambda check: pool.submit(check).result(timeout=60)


def _use_stand_in(directory: str) -> None:
    os.environ["TRITONLINK_CUDART_PATH"] = directory  # searched first, at the runtime's first use


def _fake() -> ctypes.CDLL:
    """The stand-in the child loaded (dlopen of the same path gives the same library)."""
    return ctypes.CDLL(os.path.join(os.environ["TRITONLINK_CUDART_PATH"], "libcudart.so.12"))


def _recorded(name: str) -> int:
    """One of the stand-in's records: its streams are pointers, the rest ints."""
    kind = ctypes.c_uint64 if name.endswith("_stream") else ctypes.c_int
    return kind.in_dll(_fake(), name).value


class _Producer:
    """A tensor that is not a numpy array and hands out DLPack capsules, recording the stream it was
    asked to make them ready on (as torch and cupy tensors do)."""

    def __init__(self, tensor) -> None:
        self.tensor, self.streams = tensor, []

    def __dlpack__(self, stream=None):
        self.streams.append(stream)
        return self.tensor.__dlpack__()

    def __dlpack_device__(self):
        return self.tensor.__dlpack_device__()


class _CudaArray:
    def __init__(self, **interface) -> None:
        self.__cuda_array_interface__ = {"version": 3, "typestr": "<f4", "strides": None, **interface}


def _check_numpy_round_trip():
    from tritonlink import cuda_shared_memory
    x = np.arange(16, dtype=np.float32)
    with cuda_shared_memory.create_region("gpu", 128) as region:
        assert region.write([x], offset=64) == 128
        assert _recorded("fake_last_copy_kind") == MEMCPY_HOST_TO_DEVICE
        np.testing.assert_array_equal(region.as_numpy(np.float32, [16], offset=64), x)


def test_numpy_goes_host_to_device_and_back(in_fake_cuda_process):
    in_fake_cuda_process(_check_numpy_round_trip)


def _check_device_to_device_from_dlpack():
    from tritonlink import cuda_shared_memory
    x = np.arange(32, dtype=np.float32)
    with cuda_shared_memory.create_region("a", x.nbytes) as a, cuda_shared_memory.create_region("b", x.nbytes) as b:
        a.write(x)
        producer = _Producer(a.as_dlpack("FP32", [4, 8]))
        copies_before = _recorded("fake_synchronizations")
        assert b.write(producer) == x.nbytes
        assert producer.streams == [1]  # asked for the legacy default stream, and copied on it
        assert _recorded("fake_last_copy_kind") == MEMCPY_DEFAULT
        assert _recorded("fake_last_copy_stream") == 0 == _recorded("fake_last_synchronized_stream")
        assert _recorded("fake_synchronizations") == copies_before + 1
        np.testing.assert_array_equal(b.as_numpy(np.float32, [32]), x)


def test_a_dlpack_tensor_on_the_device_is_copied_device_to_device_on_the_stream_asked_for(in_fake_cuda_process):
    in_fake_cuda_process(_check_device_to_device_from_dlpack)


def _check_cpu_dlpack_producer():
    from tritonlink import cuda_shared_memory
    x = np.arange(6, dtype=np.int64).reshape(2, 3)
    with cuda_shared_memory.create_region("gpu", x.nbytes) as region:
        producer = _Producer(x)
        region.write(producer)
        assert producer.streams == [None]  # a host tensor is not asked for a stream
        assert _recorded("fake_last_copy_kind") == MEMCPY_HOST_TO_DEVICE
        np.testing.assert_array_equal(region.as_numpy(np.int64, [2, 3]), x)


def test_a_host_dlpack_tensor_is_copied_host_to_device(in_fake_cuda_process):
    in_fake_cuda_process(_check_cpu_dlpack_producer)


def _check_cuda_array_interface_stream_and_strides():
    from tritonlink import cuda_shared_memory
    x = np.arange(4, dtype=np.float32)
    with cuda_shared_memory.create_region("a", 64) as a, cuda_shared_memory.create_region("b", 64) as b:
        a.write(x)
        view = a.as_dlpack(np.float32, [4]).__cuda_array_interface__
        assert view["typestr"] == "<f4" and view["shape"] == (4,) and view["stream"] is None
        pointer = view["data"][0]
        # A size-1 dimension's stride is not looked at (torch gives such dimensions any value).
        assert b.write(_CudaArray(shape=(1, 4), strides=(999, 4), data=(pointer, False), stream=0x1234)) == 16
        assert _recorded("fake_last_copy_stream") == 0x1234 == _recorded("fake_last_synchronized_stream")
        np.testing.assert_array_equal(b.as_numpy(np.float32, [4]), x)
        copies = _recorded("fake_synchronizations")
        with pytest.raises(ValueError, match=r"not C-contiguous \(shape \[2, 2\], strides \[4, 8\]"):
            b.write(_CudaArray(shape=(2, 2), strides=(4, 8), data=(pointer, False)))
        with pytest.raises(ValueError, match="region 'b' holds 64 bytes: offset 60 and size 16"):
            b.write(_CudaArray(shape=(4,), data=(pointer, False)), offset=60)
        assert _recorded("fake_synchronizations") == copies  # refused before anything was copied


def test_cuda_array_interface_honours_the_producers_stream_and_benign_strides(in_fake_cuda_process):
    in_fake_cuda_process(_check_cuda_array_interface_stream_and_strides)


class _SameCapsule:
    def __init__(self, tensor) -> None:
        self.capsule, self.device = tensor.__dlpack__(), tensor.__dlpack_device__()

    def __dlpack__(self, stream=None):
        return self.capsule

    def __dlpack_device__(self):
        return self.device


def _check_capsules_are_used_once_and_views_keep_memory():
    from tritonlink import cuda_shared_memory
    with cuda_shared_memory.create_region("a", 64) as a, cuda_shared_memory.create_region("b", 64) as b:
        same = _SameCapsule(a.as_dlpack("UINT8", [64]))
        b.write(same)
        with pytest.raises(ValueError, match="unconsumed DLPack capsule"):
            b.write(same)
        with pytest.raises(ValueError, match="fixed-size Triton datatype, not 'BYTES'"):
            a.as_dlpack("BYTES", [1])
    gc.collect()
    assert _recorded("fake_live_allocations") == 0
    region = cuda_shared_memory.create_region("c", 64)
    view = region.as_dlpack("FP32", [16])
    capsule = view.__dlpack__()  # handed out, never consumed
    region.close()
    del region
    gc.collect()
    assert _recorded("fake_live_allocations") == 1  # the view and the capsule hold the memory
    del view, capsule
    gc.collect()
    assert _recorded("fake_live_allocations") == 0


def test_capsules_are_consumed_once_and_views_keep_the_memory_alive(in_fake_cuda_process):
    in_fake_cuda_process(_check_capsules_are_used_once_and_views_keep_memory)


def _check_embedded_server_reads_and_writes_cuda_regions():
    import tritonlink
    from tritonlink import cuda_shared_memory
    from tritonlink.testing import Server
    x = np.arange(64, dtype=np.float32)
    with Server() as server, tritonlink.Client(server.url) as client, \
            cuda_shared_memory.create_region("gpu_in", x.nbytes) as into, \
            cuda_shared_memory.create_region("gpu_out", x.nbytes) as out_of:
        into.write(x)
        client.register(into)
        client.register(out_of)
        assert _recorded("fake_open_ipc_handles") == 2  # the server opened both handles
        inputs = [tritonlink.InferInput("INPUT0", [64], "FP32").set_shared_memory("gpu_in", x.nbytes)]
        outputs = [tritonlink.InferRequestedOutput("OUTPUT0").set_shared_memory("gpu_out", x.nbytes)]
        client.infer("identity", inputs, outputs=outputs)
        np.testing.assert_array_equal(out_of.as_numpy(np.float32, [64]), x)  # written by the server
        # A region registered by its handle alone is not known to the client: the server checks it.
        client.register_cuda_shared_memory("gpu_alias", into.raw_handle, 0, x.nbytes)
        with pytest.raises(tritonlink.InvalidArgumentError, match="Invalid offset \\+ byte size"):
            client.infer("identity", [tritonlink.InferInput("INPUT0", [64], "FP32").set_shared_memory(
                "gpu_alias", x.nbytes, offset=4)])
        client.unregister_cuda_shared_memory("gpu_alias")
        client.unregister(into)
        client.unregister(out_of)
        assert _recorded("fake_open_ipc_handles") == 0  # closed at unregister, once no request holds them
        with pytest.raises(tritonlink.InferenceServerError, match="invalid resource handle"):
            client.register_cuda_shared_memory("nothing", bytes(64), 0, 64)


def test_the_embedded_server_opens_cuda_handles_and_reads_and_writes_them(in_fake_cuda_process):
    in_fake_cuda_process(_check_embedded_server_reads_and_writes_cuda_regions)


def _check_cuda_regions_are_checked_before_sending_and_warn_when_closed_registered():
    import warnings

    import tritonlink
    from tritonlink import cuda_shared_memory
    from tritonlink.testing import Server
    x = np.arange(16, dtype=np.float32)
    with Server() as server, tritonlink.Client(server.url) as client:
        region = cuda_shared_memory.create_region("gpu_checked", x.nbytes)
        client.register(region)
        region.write(x)
        def requests_served():
            return client.get_inference_statistics("identity")["model_stats"][0].get("inference_count", 0)

        requests_before = requests_served()
        for place in (region, "gpu_checked"):  # the object, and its name while it is open here
            with pytest.raises(ValueError, match="region 'gpu_checked' holds 64 bytes: offset 8 and size 64"):
                tritonlink.InferInput("INPUT0", [16], "FP32").set_shared_memory(place, x.nbytes, offset=8)
            with pytest.raises(ValueError, match="region 'gpu_checked' holds 64 bytes: offset 4 and size 64"):
                tritonlink.InferRequestedOutput("OUTPUT0").set_shared_memory(place, x.nbytes, offset=4)
        with pytest.raises(ValueError, match="region 'gpu_checked' holds 64 bytes: offset 0 and size 128"):
            region.tensor("FP32", [32])
        assert requests_served() == requests_before

        # The {name: tensor} form, and an output in a CUDA region: no numpy view of device memory.
        output = tritonlink.InferRequestedOutput("OUTPUT0").set_shared_memory(region, x.nbytes)
        result = client.infer("identity", {"INPUT0": region.tensor("FP32", [16])}, outputs=[output])
        with pytest.raises(ValueError, match="CUDA shared memory region 'gpu_checked', in device memory"):
            result.as_numpy("OUTPUT0")
        np.testing.assert_array_equal(region.tensor("FP32", [16]).as_numpy(), x)
        words = np.array([b"ab", b"cde"], dtype=np.object_)
        end = region.write(words)  # serialized: a 4-byte length before each element
        assert end == 13
        assert region.tensor("BYTES", [2], byte_size=end).as_numpy().tolist() == [b"ab", b"cde"]

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            region.close()
        assert [str(w.message) for w in caught] == [
            "shared memory region 'gpu_checked' is closed while a server still has it registered; unregister it first"]
        client.unregister_cuda_shared_memory("gpu_checked")

        unregistered = cuda_shared_memory.create_region("gpu_unregistered", 64)
        client.register(unregistered)
        client.unregister(unregistered)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            unregistered.close()  # no longer registered: no warning


def test_cuda_regions_are_checked_before_sending_and_warn_when_closed_while_registered(in_fake_cuda_process):
    in_fake_cuda_process(_check_cuda_regions_are_checked_before_sending_and_warn_when_closed_registered)
