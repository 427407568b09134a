"""tritonlink.compat's protobuf classes: its own descriptor pool, beside tritonclient's in one
process, the same bytes on the wire; and the compat layer never imports tritonclient."""

from __future__ import annotations

import subprocess
import sys

from tritonclient.grpc import service_pb2

from tritonlink.compat import _protocol


def test_compat_messages_live_beside_tritonclients_and_encode_the_same_bytes():
    fields = {"name": "add_sub", "versions": ["1"], "platform": "p",
              "inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [16]}]}
    ours = _protocol.to_message("ModelMetadataResponse", fields)
    theirs = service_pb2.ModelMetadataResponse(**{k: v for k, v in fields.items() if k != "inputs"})
    theirs.inputs.add(name="INPUT0", datatype="FP32", shape=[16])
    assert type(ours) is not type(theirs)
    assert type(ours).DESCRIPTOR.full_name == type(theirs).DESCRIPTOR.full_name == "inference.ModelMetadataResponse"
    assert ours.SerializeToString(deterministic=True) == theirs.SerializeToString(deterministic=True)


def test_compat_never_imports_tritonclient():
    code = ("import sys, tritonlink.compat.grpc, tritonlink.compat.grpc.aio, tritonlink.compat.grpc.auth, "
            "tritonlink.compat.utils; print(sorted(m for m in sys.modules if m.startswith('tritonclient')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
