"""Sync infer latency on the identity model, tritonlink against tritonclient, by payload size.

One call is: inputs built from a numpy array, infer, OUTPUT0 read as a numpy array.
"""

from __future__ import annotations

import pytest

from _workloads import MODEL, KiB, MiB, identity_payload, size_label, tritonclient_infer, tritonlink_infer


@pytest.mark.parametrize("nbytes", [64, 64 * KiB, MiB], ids=size_label)
@pytest.mark.parametrize("client", ["tritonlink", "tritonclient"])
def test_sync_infer(time_calls, clients, client, nbytes):
    array = identity_payload(nbytes)
    if client == "tritonlink":
        tritonlink = clients.tritonlink()
        time_calls(lambda: tritonlink_infer(tritonlink, MODEL, array))
    else:
        tritonclient = clients.tritonclient()
        time_calls(lambda: tritonclient_infer(tritonclient, MODEL, array))
