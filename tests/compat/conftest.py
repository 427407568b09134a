"""The compat suite is written against tritonclient's API and runs, unchanged, against
tritonclient 2.73 itself and against tritonlink.compat: `api` is one of the two imports."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

TARGETS = {
    "tritonclient": ("tritonclient.grpc", "tritonclient.grpc.aio", "tritonclient.grpc.auth", "tritonclient.utils",
                     "tritonclient.utils.shared_memory"),
    "tritonlink.compat": ("tritonlink.compat.grpc", "tritonlink.compat.grpc.aio", "tritonlink.compat.grpc.auth",
                          "tritonlink.compat.utils", "tritonlink.compat.utils.shared_memory"),
}
CUDA_MODULES = {"tritonclient": "tritonclient.utils.cuda_shared_memory",
                "tritonlink.compat": "tritonlink.compat.utils.cuda_shared_memory"}


def _cuda_module(target: str) -> tuple:
    """The CUDA utils of `target`, or None and why not: tritonclient's import fails without cuda-python."""
    try:
        return importlib.import_module(CUDA_MODULES[target]), ""
    except (ImportError, RuntimeError) as error:
        return None, f"{CUDA_MODULES[target]} does not import here: {error}"


@pytest.fixture(params=sorted(TARGETS))
def api(request) -> SimpleNamespace:
    """`api.grpc` is what a program would `import tritonclient.grpc as grpcclient`; `api.shm` and
    `api.cudashm` are the shared-memory utils (`api.cudashm` is None where it does not import)."""
    grpc, aio, auth, utils, shm = (importlib.import_module(name) for name in TARGETS[request.param])
    cudashm, cudashm_missing = _cuda_module(request.param)
    return SimpleNamespace(grpc=grpc, aio=aio, auth=auth, utils=utils, shm=shm, cudashm=cudashm,
                           cudashm_missing=cudashm_missing, target=request.param)


@pytest.fixture
def cudashm(api):
    """`api.cudashm`, skipping (with the import error) where it does not import."""
    if api.cudashm is None:
        pytest.skip(api.cudashm_missing)
    return api.cudashm
