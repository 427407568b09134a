"""tritonclient's and tritonlink.compat's system shared-memory utils share regions by POSIX key:
what one writes the other reads, and only the one that created a region unlinks it."""

from __future__ import annotations

import os

import numpy as np
import pytest
import tritonclient.utils
import tritonclient.utils.shared_memory as theirs

import tritonlink.compat.utils.shared_memory as ours

from shm_keys import fresh_key, leftover_objects

DATA = np.arange(6, dtype=np.float32).reshape(2, 3)
STRINGS = np.array([b"one", b"", "three".encode()], dtype=np.object_)


@pytest.fixture(autouse=True)
def nothing_left_mapped():
    yield
    assert theirs.mapped_shared_memory_regions() == [] and ours.mapped_shared_memory_regions() == []
    assert leftover_objects() == []


@pytest.mark.parametrize("maker, reader", [(theirs, ours), (ours, theirs)], ids=["theirs to ours", "ours to theirs"])
def test_what_one_writes_the_other_reads(maker, reader):
    key = fresh_key()
    serialized = tritonclient.utils.serialize_byte_tensor(STRINGS)
    made = maker.create_shared_memory_region("across", key, 64)
    maker.set_shared_memory_region(made, [DATA])
    maker.set_shared_memory_region(made, [serialized], offset=DATA.nbytes)
    opened = reader.create_shared_memory_region("across", key, 64)
    try:
        np.testing.assert_array_equal(reader.get_contents_as_numpy(opened, np.float32, [2, 3]), DATA)
        assert reader.get_contents_as_numpy(opened, np.object_, [3], offset=DATA.nbytes).tolist() == STRINGS.tolist()
        reader.set_shared_memory_region(opened, [np.array([-1.0], dtype=np.float32)], offset=4)
        assert maker.get_contents_as_numpy(made, np.float32, [2], offset=0).tolist() == [0.0, -1.0]
    finally:
        reader.destroy_shared_memory_region(opened)
        assert os.path.exists("/dev/shm" + key), "the reader unlinked a region it did not create"
        maker.destroy_shared_memory_region(made)
    assert not os.path.exists("/dev/shm" + key)


@pytest.mark.parametrize("maker, reader", [(theirs, ours), (ours, theirs)], ids=["theirs to ours", "ours to theirs"])
def test_create_only_refuses_a_key_the_other_made(maker, reader):
    key = fresh_key()
    made = maker.create_shared_memory_region("across", key, 16)
    try:
        with pytest.raises(reader.SharedMemoryException):
            reader.create_shared_memory_region("across", key, 16, create_only=True)
    finally:
        maker.destroy_shared_memory_region(made)
