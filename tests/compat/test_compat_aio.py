"""tritonclient.grpc.aio in the style of its examples: awaited calls and stream_infer over an
async iterator of request dicts."""

from __future__ import annotations

import asyncio

import numpy as np


def int_input(grpcclient, name, values):
    tensor = grpcclient.InferInput(name, [len(values)], "INT32")
    tensor.set_data_from_numpy(np.array(values, dtype=np.int32))
    return tensor


def test_aio_health_metadata_and_infer(api, server):
    async def main():
        async with api.aio.InferenceServerClient(server.url) as client:
            assert await client.is_server_live()
            assert (await client.get_model_metadata("add_sub")).name == "add_sub"
            inputs = [api.aio.InferInput("INPUT0", [16], "FP32"), api.aio.InferInput("INPUT1", [16], "FP32")]
            inputs[0].set_data_from_numpy(np.arange(16, dtype=np.float32))
            inputs[1].set_data_from_numpy(np.ones(16, dtype=np.float32))
            result = await client.infer("add_sub", inputs, request_id="aio")
            assert result.get_response().id == "aio"
            return result.as_numpy("OUTPUT0")

    np.testing.assert_array_equal(asyncio.run(main()), np.arange(16, dtype=np.float32) + 1)


def test_aio_stream_infer_yields_every_response_and_ends_when_all_are_answered(api, server):
    async def requests():
        for request_id, values in (("a", [1, 2]), ("b", [3])):
            yield {"model_name": "repeat", "inputs": [int_input(api.aio, "IN", values)], "request_id": request_id}

    async def main():
        async with api.aio.InferenceServerClient(server.url) as client:
            seen = []
            async for result, error in client.stream_infer(inputs_iterator=requests()):
                assert error is None, error
                seen.append((result.get_response().id, int(result.as_numpy("OUT")[0])))
            return seen

    seen = asyncio.run(asyncio.wait_for(main(), 60))
    assert [s for s in seen if s[0] == "a"] == [("a", 1), ("a", 2)]
    assert [s for s in seen if s[0] == "b"] == [("b", 3)]


def test_aio_stream_infer_can_be_cancelled(api, server):
    # 5 ms between responses: the model is waiting, and sees the cancel, when it comes (sending
    # flat out into a cancelled stream is what aborts Triton 2.51: server#7368).
    delays = api.aio.InferInput("DELAY_MS", [1000], "UINT32")
    delays.set_data_from_numpy(np.full(1000, 5, dtype=np.uint32))

    async def requests():
        yield {"model_name": "repeat", "inputs": [int_input(api.aio, "IN", list(range(1000))), delays],
               "request_id": "long"}

    async def main():
        async with api.aio.InferenceServerClient(server.url) as client:
            responses = client.stream_infer(requests())
            first, error = await responses.__anext__()
            assert error is None and first.as_numpy("OUT").tolist() == [0]
            assert responses.cancel()

    asyncio.run(asyncio.wait_for(main(), 60))


def test_aio_sequence_on_stream_infer(api, server):
    async def requests():
        for i, value in enumerate([5, 6, 7]):
            yield {"model_name": "accumulate", "inputs": [int_input(api.aio, "IN", [value])], "sequence_id": 77,
                   "sequence_start": i == 0, "sequence_end": i == 2, "request_id": str(i)}

    async def main():
        async with api.aio.InferenceServerClient(server.url) as client:
            sums = []
            async for result, error in client.stream_infer(requests()):
                assert error is None, error
                sums.append(int(result.as_numpy("OUT")[0]))
                if len(sums) == 3:
                    break
            return sums

    assert asyncio.run(main()) == [5, 11, 18]
