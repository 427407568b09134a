"""Writes the fuzzer's seed corpus: real responses, as the embedded server serializes them.

tritonclient (protobuf's own parser) makes the calls, so each seed is a ModelInferResponse
exactly as it came off the wire; stream seeds are wrapped in a ModelStreamInferResponse, and
BYTES payloads are also written alone for the BYTES decoder.

    python scripts/fuzz_seeds.py OUTPUT_DIR
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import tritonclient.grpc as grpcclient
from tritonclient.grpc import service_pb2

import tritonlink.testing

SAMPLES = {
    "identity": np.arange(6, dtype=np.float32).reshape(2, 3),  # any shape
    "identity_fp32": np.arange(3, dtype=np.float32),
    "identity_int64": np.array([-1, 0, 1 << 40], dtype=np.int64),
    "identity_bool": np.array([True, False]),
    "identity_fp16": np.ones(3, dtype=np.float16),
    "identity_uint8": np.zeros(0, dtype=np.uint8),
    "identity_bytes": np.array([b"", b"a", b"hello world"], dtype=object),
}


def _input(name: str, array: np.ndarray) -> grpcclient.InferInput:
    datatype = "BYTES" if array.dtype == object else grpcclient.np_to_triton_dtype(array.dtype)
    tensor = grpcclient.InferInput(name, list(array.shape), datatype)
    tensor.set_data_from_numpy(array)
    return tensor


def _responses(url: str):
    client = grpcclient.InferenceServerClient(url)
    for model, array in SAMPLES.items():
        yield client.infer(model, [_input("INPUT0", array)], request_id=f"seed-{model}").get_response()
    add_sub = [_input(name, np.ones(16, np.float32)) for name in ("INPUT0", "INPUT1")]
    yield client.infer("add_sub", add_sub, parameters={"flag": True, "count": 3, "label": "x"}).get_response()
    client.close()


def _stream_responses(url: str):
    """The repeat model's decoupled responses, final flag and all."""
    received = []
    client = grpcclient.InferenceServerClient(url)
    client.start_stream(callback=lambda result, error: received.append(result))
    client.async_stream_infer("repeat", [_input("IN", np.arange(3, dtype=np.int32))], request_id="seed-stream",
                              enable_empty_final_response=True)
    client.stop_stream()
    client.close()
    for result in received:
        if result is not None:
            yield service_pb2.ModelStreamInferResponse(infer_response=result.get_response())
    yield service_pb2.ModelStreamInferResponse(error_message="in ensemble 'x': model failed")


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seeds = []
    with tritonlink.testing.Server() as server:
        for response in _responses(server.url):
            seeds.append(response.SerializeToString())
            seeds.extend(response.raw_output_contents)
        seeds.extend(message.SerializeToString() for message in _stream_responses(server.url))
    for seed in seeds:
        (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"fuzz_seeds: {len(seeds)} seeds in {out}")


if __name__ == "__main__":
    main(sys.argv[1])
