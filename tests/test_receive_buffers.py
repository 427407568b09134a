"""Large responses land in pooled buffers: reused once free, never while an array views them."""

from __future__ import annotations

import numpy as np

import tritonlink

# Large enough to arrive in many slices, so that it is copied into a pooled buffer.
ELEMENTS = 4 << 20  # 16 MiB of FP32


def _output_address(result) -> int:
    return result.as_numpy("OUTPUT0").__array_interface__["data"][0]


def test_a_free_buffer_is_reused_for_the_next_large_response(embedded_client):
    tritonlink.release_idle_buffers()
    array = np.arange(ELEMENTS, dtype=np.float32)
    first = embedded_client.infer("identity", {"INPUT0": array})
    address = _output_address(first)
    del first  # its buffer goes back to the pool
    second = embedded_client.infer("identity", {"INPUT0": array})
    assert _output_address(second) == address
    np.testing.assert_array_equal(second.as_numpy("OUTPUT0"), array)


def test_a_buffer_still_viewed_is_never_handed_out_again(embedded_client):
    first_input = np.arange(ELEMENTS, dtype=np.float32)
    kept = embedded_client.infer("identity", {"INPUT0": first_input}).as_numpy("OUTPUT0")  # result dropped, view kept
    for _ in range(3):
        embedded_client.infer("identity", {"INPUT0": np.full(ELEMENTS, -1.0, np.float32)})
    np.testing.assert_array_equal(kept, first_input)


def test_release_idle_buffers_frees_what_the_pool_holds(embedded_client):
    array = np.ones(ELEMENTS, np.float32)
    embedded_client.infer("identity", {"INPUT0": array})  # result dropped at once: buffer idle
    assert tritonlink.release_idle_buffers() >= array.nbytes
    assert tritonlink.release_idle_buffers() == 0
