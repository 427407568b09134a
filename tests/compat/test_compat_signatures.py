"""tritonlink.compat has every public name of tritonclient's gRPC API that it adapts, with the
same parameters (names, order, defaults)."""

from __future__ import annotations

import inspect

import pytest
import tritonclient.grpc
import tritonclient.grpc.aio
import tritonclient.grpc.auth
import tritonclient.utils

import tritonlink.compat.grpc
import tritonlink.compat.grpc.aio
import tritonlink.compat.grpc.auth
import tritonlink.compat.utils

PAIRS = [
    (tritonclient.grpc, tritonlink.compat.grpc,
     ("InferenceServerClient", "InferInput", "InferRequestedOutput", "InferResult", "KeepAliveOptions")),
    (tritonclient.grpc.aio, tritonlink.compat.grpc.aio, ("InferenceServerClient",)),
    (tritonclient.grpc.auth, tritonlink.compat.grpc.auth, ("BasicAuth",)),
]
UTILS = ("np_to_triton_dtype", "triton_to_np_dtype", "serialize_byte_tensor", "deserialize_bytes_tensor",
         "serialized_byte_size")


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


def test_the_exception_has_tritonclients_accessors():
    error = tritonlink.compat.grpc.InferenceServerException("boom", "StatusCode.INTERNAL", "details")
    assert (error.message(), error.status(), error.debug_details()) == ("boom", "StatusCode.INTERNAL", "details")
    assert tritonlink.compat.utils.InferenceServerException is tritonlink.compat.grpc.InferenceServerException
