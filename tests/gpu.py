"""Whether this machine can run the CUDA tests: a CUDA runtime that tritonlink loads and a GPU."""

from __future__ import annotations

import pytest

from tritonlink import cuda_shared_memory


def gpu_count() -> int:
    try:
        return cuda_shared_memory.device_count()
    except cuda_shared_memory.CudaUnavailableError:
        return 0


needs_gpu = pytest.mark.skipif(gpu_count() == 0, reason="no CUDA runtime or no GPU on this machine")
without_gpu = pytest.mark.skipif(gpu_count() > 0, reason="a GPU is present")
