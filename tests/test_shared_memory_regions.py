"""tritonlink.shared_memory regions on their own: mapping, views, writes, names, lifetimes."""

from __future__ import annotations

import gc
import os
import warnings

import numpy as np
import pytest

import tritonlink
from tritonlink.shared_memory import create_region, open_region

from shm_keys import fresh_key


def test_a_created_region_is_zeroed_and_unlinked_on_close():
    key = fresh_key()
    with create_region("r", key, 4096) as region:
        assert (region.name, region.key, region.byte_size) == ("r", key, 4096)
        assert os.path.exists("/dev/shm" + key)
        assert not region.as_numpy(np.uint8, [4096]).any()
    assert region.closed
    assert not os.path.exists("/dev/shm" + key)


def test_a_region_is_unlinked_when_collected():
    key = fresh_key()
    create_region("r", key, 64)
    gc.collect()
    assert not os.path.exists("/dev/shm" + key)


def test_opened_regions_share_bytes_with_the_creator_and_leave_the_object():
    key = fresh_key()
    with create_region("a", key, 1024) as made:
        with open_region("b", key, 512) as opened:
            made.write(np.arange(4, dtype=np.int32), offset=8)
            np.testing.assert_array_equal(opened.as_numpy(np.int32, [4], offset=8), np.arange(4))
        assert os.path.exists("/dev/shm" + key)


def test_as_numpy_is_a_writable_view():
    with create_region("r", fresh_key(), 64) as region:
        view = region.as_numpy(np.float32, [4], offset=16)
        view[:] = 1.5
        np.testing.assert_array_equal(region.as_numpy(np.float32, [4], offset=16), [1.5] * 4)
        assert np.shares_memory(view, region.as_numpy(np.uint8, [64]))


def test_a_view_outlives_its_closed_region():
    key = fresh_key()
    region = create_region("r", key, 64)
    view = region.as_numpy(np.uint8, [64])
    region.close()
    assert not os.path.exists("/dev/shm" + key)  # the name is gone at once ...
    view[:] = 7  # ... the memory stays mapped while the view lives
    assert view.sum() == 7 * 64


def test_write_places_arrays_one_after_another():
    with create_region("r", fresh_key(), 64) as region:
        end = region.write([np.array([1, 2], np.int64), np.array([3.0], np.float32)], offset=4)
        assert end == 4 + 16 + 4
        np.testing.assert_array_equal(region.as_numpy(np.int64, [2], offset=4), [1, 2])
        with pytest.raises(ValueError, match="offset 60 and size 8"):
            region.write(np.ones(1, np.float64), offset=60)


def test_bad_keys_names_and_sizes_are_refused():
    for key in ("no_slash", "/", "/a/b", "/" + "x" * 300):
        with pytest.raises(ValueError, match="shared memory key"):
            create_region("r", key, 64)
    with pytest.raises(ValueError, match="region name"):
        create_region("", fresh_key(), 64)
    with pytest.raises(TypeError):
        create_region(b"r", fresh_key(), 64)
    with pytest.raises(ValueError, match="must not be negative"):
        create_region("r", fresh_key(), -1)
    with pytest.raises(FileNotFoundError):
        open_region("r", fresh_key(), 64)
    key = fresh_key()
    with create_region("r", key, 64):
        with pytest.raises(FileExistsError):
            create_region("r2", key, 64)
        with pytest.raises(ValueError, match="fewer than"):
            open_region("r2", key, 65)


def test_a_closed_region_refuses_use():
    region = create_region("r", fresh_key(), 64)
    region.close()
    region.close()
    with pytest.raises(ValueError, match="closed"):
        region.as_numpy(np.uint8, [1])


def test_closing_a_region_still_registered_warns(embedded_client):
    region = create_region("tl_warn", fresh_key(), 64)
    embedded_client.register(region)
    with pytest.warns(ResourceWarning, match="tl_warn"):
        region.close()
    embedded_client.unregister("tl_warn")
    with create_region("tl_quiet", fresh_key(), 64) as quiet:
        embedded_client.register(quiet)
        embedded_client.unregister(quiet)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            quiet.close()


def test_an_output_in_a_region_neither_open_nor_registered_raises_saying_so(embedded_client):
    key = fresh_key()
    with create_region("tl_gone", key, 64) as region:
        embedded_client.register(region)
        requested = tritonlink.InferRequestedOutput("OUTPUT0").set_shared_memory(region, 16)
        embedded_client.unregister(region)
        embedded_client.register_system_shared_memory("tl_gone", key, 64)
        embedded_client.shared_memory_regions.forget("tl_gone")  # as if another client registered it
        region.close()
        result = embedded_client.infer("identity", {"INPUT0": np.ones(4, np.float32)}, outputs=[requested])
        with pytest.raises(ValueError, match="did not register and which is not open"):
            result.as_numpy("OUTPUT0")
        embedded_client.unregister_system_shared_memory("tl_gone")
