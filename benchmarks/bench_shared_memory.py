"""Identity of 1, 16 and 64 MiB: plain gRPC against system shared memory, tritonlink against
tritonclient (with its own shared_memory utilities), on the same server. compare.py's
``--shared-memory`` rows run the same calls interleaved and give the ratios."""

from __future__ import annotations

import pytest

from _shm_workloads import SharedMemoryPaths
from _workloads import MiB, identity_payload, size_label

CONTENDERS = ["tritonlink gRPC", "tritonlink shm", "tritonclient gRPC", "tritonclient shm"]


@pytest.mark.parametrize("nbytes", [MiB, 16 * MiB, 64 * MiB], ids=size_label)
@pytest.mark.parametrize("contender", CONTENDERS)
def test_identity_through_shared_memory(time_calls, clients, contender, nbytes):
    with SharedMemoryPaths(clients, identity_payload(nbytes)) as paths:
        time_calls(paths.calls[contender])
