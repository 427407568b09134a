"""A Triton-protocol server that fails the calls a test tells it to, and notes when each came.

grpcio generic handlers: ModelInfer and ServerLive fail with `code` while `failures_left` > 0
(after `delay_s`), then answer. `arrivals` holds each call's time.monotonic(), so a test sees
how many attempts reached the server and the waits between them.
"""

from __future__ import annotations

import threading
import time
from typing import List, Optional

import grpc
from tritonclient.grpc import service_pb2

from generic_grpc_server import SERVICE, GenericGrpcServer

# What ModelInfer answers once it stops failing: OUT = [7.0] (FP32).
ANSWER = service_pb2.ModelInferResponse(
    model_name="flaky", outputs=[service_pb2.ModelInferResponse.InferOutputTensor(
        name="OUT", datatype="FP32", shape=[1])],
    raw_output_contents=[b"\x00\x00\xe0\x40"]).SerializeToString()


class FlakyServer(GenericGrpcServer):
    def __init__(self) -> None:
        self.failures_left = 0
        self.code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE
        self.message = "the flaky server failed this call"
        self.delay_s = 0.0
        self.arrivals: List[float] = []
        self._lock = threading.Lock()
        super().__init__(_Handler(self), workers=8)

    def fail_next(self, count: int, code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE,
                  delay_s: float = 0.0, message: Optional[str] = None) -> None:
        with self._lock:
            self.failures_left, self.code, self.delay_s = count, code, delay_s
            self.message = message or self.message
            self.arrivals.clear()

    def gaps(self) -> List[float]:
        return [later - earlier for earlier, later in zip(self.arrivals, self.arrivals[1:])]

    def answer(self, context: grpc.ServicerContext, answer: bytes) -> bytes:
        with self._lock:
            self.arrivals.append(time.monotonic())
            failing = self.failures_left > 0
            self.failures_left -= failing
            code, message, delay_s = self.code, self.message, self.delay_s
        if delay_s:
            time.sleep(delay_s)
        if failing:
            context.abort(code, message)
        return answer


class _Handler(grpc.GenericRpcHandler):
    def __init__(self, server: FlakyServer) -> None:
        self._server = server

    def service(self, handler_call_details):
        answers = {"ModelInfer": ANSWER, "ServerLive": service_pb2.ServerLiveResponse(live=True).SerializeToString()}
        answer = answers.get(handler_call_details.method[len(SERVICE):])
        if answer is None:
            return None
        return grpc.unary_unary_rpc_method_handler(lambda request, context: self._server.answer(context, answer))
