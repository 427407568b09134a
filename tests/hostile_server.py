"""A Triton-protocol server that answers with whatever bytes a test gives it.

grpcio's generic handlers without serializers: ModelInfer returns `reply` as the serialized
ModelInferResponse; ModelStreamInfer answers each request with every message of
`stream_replies`. Nothing is checked or parsed on the way, so hostile bytes reach the client as
they are.
"""

from __future__ import annotations

from concurrent import futures
from typing import List

import grpc

_SERVICE = "/inference.GRPCInferenceService/"


class HostileServer:
    def __init__(self) -> None:
        self.reply = b""
        self.stream_replies: List[bytes] = []
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self._server.add_generic_rpc_handlers([_Handler(self)])
        self.url = f"127.0.0.1:{self._server.add_insecure_port('127.0.0.1:0')}"

    def __enter__(self) -> "HostileServer":
        self._server.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.stop(grace=None).wait()


class _Handler(grpc.GenericRpcHandler):
    def __init__(self, server: HostileServer) -> None:
        self._server = server

    def service(self, handler_call_details):
        if handler_call_details.method == _SERVICE + "ModelInfer":
            return grpc.unary_unary_rpc_method_handler(lambda request, context: self._server.reply)
        if handler_call_details.method == _SERVICE + "ModelStreamInfer":
            return grpc.stream_stream_rpc_method_handler(self._answer_stream)
        return None

    def _answer_stream(self, requests, context):
        for _ in requests:
            yield from self._server.stream_replies
