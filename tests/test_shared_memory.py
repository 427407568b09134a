"""System shared memory against both servers: tensors in regions, in and out, views of the
region, register/unregister/status, and the checks made before anything is sent."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

import tritonlink
import tritonlink.aio
from tritonlink import InferInput, InferRequestedOutput
from tritonlink.shared_memory import create_region

from shm_keys import fresh_key, unregister_when_released

MIB = 1 << 20


@pytest.fixture
def region_pair(client):
    """An input region and an output region, registered with the client's server."""
    with create_region("tl_in", fresh_key(), 16 * MIB) as inp, create_region("tl_out", fresh_key(), 16 * MIB) as out:
        client.register(inp)
        client.register(out)
        yield inp, out
        unregister_when_released(client, inp)
        unregister_when_released(client, out)


def test_16_mib_fp32_identity_through_shared_memory_is_bit_exact_and_a_view(client, region_pair):
    inp, out = region_pair
    x = np.random.default_rng(7).standard_normal(4 * MIB).astype(np.float32)
    inp.write([x])
    infer_input = InferInput("INPUT0", x.shape, "FP32").set_shared_memory(inp, x.nbytes)
    requested = InferRequestedOutput("OUTPUT0").set_shared_memory(out, x.nbytes)
    result = client.infer("identity", [infer_input], outputs=[requested])
    y = result.as_numpy("OUTPUT0")
    assert y.dtype == np.float32 and y.shape == x.shape
    assert y.tobytes() == x.tobytes()
    assert np.shares_memory(y, out.as_numpy(np.uint8, [out.byte_size]))
    assert not y.flags.writeable


def test_dict_inputs_take_a_region_tensor(client, region_pair):
    inp, out = region_pair
    x = np.arange(1000, dtype=np.float32)
    inp.write(x, offset=4096)
    result = client.infer("identity", {"INPUT0": inp.tensor("FP32", x.shape, offset=4096)})
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), x)  # output over gRPC


def test_input_over_grpc_output_into_shared_memory(client, region_pair):
    _, out = region_pair
    x = np.arange(64, dtype=np.float32)
    requested = InferRequestedOutput("OUTPUT0").set_shared_memory("tl_out", x.nbytes, offset=256)
    y = client.infer("identity", {"INPUT0": x}, outputs=[requested]).as_numpy("OUTPUT0")
    np.testing.assert_array_equal(y, x)
    np.testing.assert_array_equal(out.as_numpy(np.float32, x.shape, offset=256), x)


def test_one_output_in_shared_memory_and_one_inline(client, region_pair):
    _, out = region_pair
    a, b = np.arange(16, dtype=np.float32), np.ones(16, dtype=np.float32)
    outputs = [InferRequestedOutput("OUTPUT0").set_shared_memory(out, 64), InferRequestedOutput("OUTPUT1")]
    result = client.infer("add_sub", {"INPUT0": a, "INPUT1": b}, outputs=outputs)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)
    assert np.shares_memory(result.as_numpy("OUTPUT0"), out.as_numpy(np.uint8, [64]))


def test_bytes_through_shared_memory(client, region_pair):
    inp, out = region_pair
    x = np.array([b"alpha", b"", b"\x00\xffgamma" * 10], dtype=object)
    end = inp.write([x])
    infer_input = InferInput("INPUT0", x.shape, "BYTES").set_shared_memory(inp, end)
    requested = InferRequestedOutput("OUTPUT0").set_shared_memory(out, end)
    y = client.infer("identity_bytes", [infer_input], outputs=[requested]).as_numpy("OUTPUT0")
    assert y.tolist() == x.tolist()


def test_stream_request_with_inputs_in_shared_memory(client, region_pair):
    inp, _ = region_pair
    x = np.arange(32, dtype=np.float32)
    inp.write([x])
    results = list(client.infer_stream("identity", {"INPUT0": inp.tensor("FP32", x.shape)}))
    assert len(results) == 1
    np.testing.assert_array_equal(results[0].as_numpy("OUTPUT0"), x)


def test_async_infer_views_outputs_in_shared_memory(client, region_pair):
    _, out = region_pair
    x = np.arange(16, dtype=np.float32)
    requested = InferRequestedOutput("OUTPUT0").set_shared_memory(out, x.nbytes)
    y = client.submit("identity", {"INPUT0": x}, outputs=[requested]).result(timeout=30).as_numpy("OUTPUT0")
    np.testing.assert_array_equal(y, x)
    assert np.shares_memory(y, out.as_numpy(np.uint8, [out.byte_size]))


def test_output_of_a_region_registered_by_key_is_viewed_through_a_mapping_the_client_opens(client):
    key = fresh_key()
    with create_region("tl_elsewhere", key, 4096) as made:
        client.register_system_shared_memory("tl_by_key", key, 1024, offset=0)
        try:
            x = np.arange(8, dtype=np.float32)
            requested = InferRequestedOutput("OUTPUT0").set_shared_memory("tl_by_key", x.nbytes, offset=32)
            y = client.infer("identity", {"INPUT0": x}, outputs=[requested]).as_numpy("OUTPUT0")
            np.testing.assert_array_equal(y, x)
            np.testing.assert_array_equal(made.as_numpy(np.float32, [8], offset=32), x)
        finally:
            unregister_when_released(client, "tl_by_key")


def test_register_status_unregister_round_trip(client):
    key = fresh_key()
    with create_region("tl_status", key, 8192) as region:
        client.register(region)
        status = client.get_system_shared_memory_status("tl_status")["regions"]["tl_status"]
        assert status["name"] == "tl_status" and status["key"] == key and int(status["byte_size"]) == 8192
        with pytest.raises(tritonlink.InferenceServerError, match="already in manager"):
            client.register(region)
        client.unregister(region)
        assert "tl_status" not in client.get_system_shared_memory_status().get("regions", {})
        with pytest.raises(tritonlink.NotFoundError):
            client.get_system_shared_memory_status("tl_status")


def test_server_refuses_an_unknown_region(client):
    requested = InferRequestedOutput("OUTPUT0").set_shared_memory("tl_never_registered", 64)
    with pytest.raises(tritonlink.NotFoundError, match="tl_never_registered"):
        client.infer("identity", {"INPUT0": np.ones(16, np.float32)}, outputs=[requested])


def test_server_refuses_an_output_region_too_small(client, region_pair):
    requested = InferRequestedOutput("OUTPUT0").set_shared_memory("tl_out", 32)
    with pytest.raises(tritonlink.InferenceServerError, match="at least 64 bytes"):
        client.infer("identity", {"INPUT0": np.ones(16, np.float32)}, outputs=[requested])


def test_server_refuses_an_unknown_key(client):
    with pytest.raises(tritonlink.InferenceServerError, match="Unable to open shared memory region"):
        client.register_system_shared_memory("tl_nokey", fresh_key(), 64)


def test_bad_offsets_and_sizes_raise_before_sending(client, region_pair):
    inp, out = region_pair
    size = inp.byte_size
    with pytest.raises(ValueError, match=r"'tl_in'.*offset 16777200 and size 64"):
        InferInput("INPUT0", [16], "FP32").set_shared_memory(inp, 64, offset=size - 16)
    with pytest.raises(ValueError, match=r"'tl_out'.*offset 0 and size 16777220"):
        InferRequestedOutput("OUTPUT0").set_shared_memory("tl_out", size + 4)
    with pytest.raises(ValueError, match="not the byte_size 32"):
        InferInput("INPUT0", [16], "FP32").set_shared_memory(inp, 32)
    with pytest.raises(ValueError, match="must not be negative"):
        InferRequestedOutput("OUTPUT0").set_shared_memory(out, 64, offset=-1)
    with pytest.raises(TypeError):
        InferRequestedOutput("OUTPUT0").set_shared_memory(out, 64.0)
    with pytest.raises(ValueError, match="non-empty"):
        InferInput("INPUT0", [16], "FP32").set_shared_memory("", 64)
    with pytest.raises(ValueError, match="'tl_in'"):
        inp.tensor("FP32", [16], offset=size)
    with pytest.raises(ValueError, match="BYTES"):
        InferInput("INPUT0", [2], "BYTES").set_shared_memory(inp, None)


def test_async_client_registers_regions_and_views_placed_outputs(server):
    async def main():
        async with tritonlink.aio.AsyncClient(server.url) as aclient:
            with create_region("tl_aio_out", fresh_key(), 4096) as out:
                await aclient.register(out)
                x = np.arange(16, dtype=np.float32)
                requested = InferRequestedOutput("OUTPUT0").set_shared_memory(out, x.nbytes)
                y = (await aclient.infer("identity", {"INPUT0": x}, outputs=[requested])).as_numpy("OUTPUT0")
                np.testing.assert_array_equal(y, x)
                assert np.shares_memory(y, out.as_numpy(np.uint8, [4096]))
                for _ in range(200):  # real Triton lets go of the region a moment after answering
                    try:
                        return await aclient.unregister(out)
                    except tritonlink.InferenceServerError as error:
                        if "currently in use" not in str(error):
                            raise
                        await asyncio.sleep(0.05)

    asyncio.run(main())


def test_an_output_in_shared_memory_arrives_as_an_empty_raw_entry_in_its_place(server, region_pair):
    """What real Triton sends, seen through tritonclient's own messages: raw_output_contents
    keeps one entry per output, empty for the one written to shared memory."""
    import tritonclient.grpc as tc

    _, out = region_pair
    a = np.arange(16, dtype=np.float32)
    inputs = [tc.InferInput(name, [16], "FP32") for name in ("INPUT0", "INPUT1")]
    for infer_input in inputs:
        infer_input.set_data_from_numpy(a)
    outputs = [tc.InferRequestedOutput("OUTPUT0"), tc.InferRequestedOutput("OUTPUT1")]
    outputs[0].set_shared_memory("tl_out", 64)
    with tc.InferenceServerClient(server.url) as other:
        response = other.infer("add_sub", inputs, outputs=outputs).get_response()
    assert [o.name for o in response.outputs] == ["OUTPUT0", "OUTPUT1"]
    assert [len(raw) for raw in response.raw_output_contents] == [0, 64]
    np.testing.assert_array_equal(out.as_numpy(np.float32, [16]), a + a)
