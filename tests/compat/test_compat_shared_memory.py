"""Inputs and outputs placed in system shared memory (tritonclient's set_shared_memory), with
the regions made by Python's multiprocessing.shared_memory. Real Triton only: the embedded
server does not read inputs from shared memory yet."""

from __future__ import annotations

from multiprocessing import shared_memory

import numpy as np
import pytest

pytestmark = pytest.mark.real_triton


@pytest.fixture
def regions():
    made = [shared_memory.SharedMemory(create=True, size=32) for _ in range(2)]
    yield made
    for region in made:
        region.close()
        region.unlink()


def test_input_and_output_in_system_shared_memory(api, real_triton_server, regions):
    data = np.arange(8, dtype=np.float32)
    into, out_of = regions
    np.ndarray(data.shape, data.dtype, buffer=into.buf)[:] = data
    with api.grpc.InferenceServerClient(real_triton_server.url) as client:
        client.register_system_shared_memory("compat_in", "/" + into.name, data.nbytes)
        client.register_system_shared_memory("compat_out", "/" + out_of.name, data.nbytes)
        try:
            assert "compat_in" in client.get_system_shared_memory_status().regions
            tensor = api.grpc.InferInput("INPUT0", [8], "FP32")
            tensor.set_shared_memory("compat_in", data.nbytes)
            output = api.grpc.InferRequestedOutput("OUTPUT0")
            output.set_shared_memory("compat_out", data.nbytes)
            result = client.infer("identity", [tensor], outputs=[output])
            assert list(result.get_output("OUTPUT0").shape) == [8]
            np.testing.assert_array_equal(np.ndarray(data.shape, data.dtype, buffer=out_of.buf), data)
        finally:
            client.unregister_system_shared_memory()
