"""tritonlink.compat has every public name of tritonclient's gRPC API that it adapts, with the
same parameters (names, order, defaults)."""

from __future__ import annotations

import ast
import importlib.util
import inspect
from pathlib import Path

import pytest
import tritonclient.grpc
import tritonclient.grpc.aio
import tritonclient.grpc.auth
import tritonclient.utils
import tritonclient.utils.shared_memory

import tritonlink.compat.grpc
import tritonlink.compat.grpc.aio
import tritonlink.compat.grpc.auth
import tritonlink.compat.utils
import tritonlink.compat.utils.cuda_shared_memory
import tritonlink.compat.utils.shared_memory

PAIRS = [
    (tritonclient.grpc, tritonlink.compat.grpc,
     ("InferenceServerClient", "InferInput", "InferRequestedOutput", "InferResult", "KeepAliveOptions")),
    (tritonclient.grpc.aio, tritonlink.compat.grpc.aio, ("InferenceServerClient",)),
    (tritonclient.grpc.auth, tritonlink.compat.grpc.auth, ("BasicAuth",)),
]
UTILS = ("np_to_triton_dtype", "triton_to_np_dtype", "serialize_byte_tensor", "deserialize_bytes_tensor",
         "serialized_byte_size")
SHM_UTILS = ("SharedMemoryRegion", "create_shared_memory_region", "set_shared_memory_region", "get_contents_as_numpy",
             "mapped_shared_memory_regions", "destroy_shared_memory_region")
# Their CudaSharedMemoryRegion is made by create_shared_memory_region only, so its constructor is not compared.
CUDA_SHM_UTILS = ("CudaSharedMemoryException", "create_shared_memory_region", "get_raw_handle",
                  "set_shared_memory_region", "set_shared_memory_region_from_dlpack", "get_contents_as_numpy",
                  "as_shared_memory_tensor", "allocated_shared_memory_regions", "destroy_shared_memory_region")


def parameters(function) -> list:
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]


def public_methods(cls) -> dict:
    return {name: member for name, member in inspect.getmembers(cls, callable)
            if not name.startswith("_") or name == "__init__"}


@pytest.mark.parametrize("theirs, ours, name", [(t, o, n) for t, o, names in PAIRS for n in names],
                         ids=lambda value: value if isinstance(value, str) else "")
def test_every_method_has_tritonclients_parameters(theirs, ours, name):
    their_methods, our_methods = public_methods(getattr(theirs, name)), public_methods(getattr(ours, name))
    assert set(their_methods) <= set(our_methods)
    for method, function in their_methods.items():
        assert parameters(our_methods[method]) == parameters(function), method


@pytest.mark.parametrize("name", UTILS)
def test_utils_have_tritonclients_parameters(name):
    assert parameters(getattr(tritonlink.compat.utils, name)) == parameters(getattr(tritonclient.utils, name))
    assert getattr(tritonlink.compat.grpc, name) is getattr(tritonlink.compat.utils, name)


@pytest.mark.parametrize("name", SHM_UTILS)
def test_shared_memory_utils_have_tritonclients_parameters(name):
    assert parameters(getattr(tritonlink.compat.utils.shared_memory, name)) == \
        parameters(getattr(tritonclient.utils.shared_memory, name))


def their_cuda_parameters(name: str) -> list:
    """The parameters of tritonclient.utils.cuda_shared_memory's `name`, read from its source
    files without importing them (the import needs cuda-python)."""
    package = Path(importlib.util.find_spec("tritonclient.utils.cuda_shared_memory").origin).parent
    for path in sorted(package.glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                node = next(item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "__init__")
                return [(arg.arg, inspect.Parameter.empty) for arg in node.args.args[1:]]
            if isinstance(node, ast.FunctionDef) and node.name == name:
                defaults = [inspect.Parameter.empty] * (len(node.args.args) - len(node.args.defaults))
                defaults += [ast.literal_eval(default) for default in node.args.defaults]
                return [(arg.arg, default) for arg, default in zip(node.args.args, defaults)]
    raise LookupError(f"{name} is not in {package}")


@pytest.mark.parametrize("name", CUDA_SHM_UTILS)
def test_cuda_shared_memory_utils_have_tritonclients_parameters(name):
    assert parameters(getattr(tritonlink.compat.utils.cuda_shared_memory, name)) == their_cuda_parameters(name)


def test_the_exception_has_tritonclients_accessors():
    error = tritonlink.compat.grpc.InferenceServerException("boom", "StatusCode.INTERNAL", "details")
    assert (error.message(), error.status(), error.debug_details()) == ("boom", "StatusCode.INTERNAL", "details")
    assert tritonlink.compat.utils.InferenceServerException is tritonlink.compat.grpc.InferenceServerException
