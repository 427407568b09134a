"""A Triton-protocol server that answers with whatever bytes a test gives it.

grpcio's generic handlers without serializers: ModelInfer returns `reply` as the serialized
ModelInferResponse; ModelStreamInfer answers each request with every message of
`stream_replies`. Nothing is checked or parsed on the way, so hostile bytes reach the client as
they are.
"""

from __future__ import annotations

from typing import List

import grpc

from generic_grpc_server import SERVICE, GenericGrpcServer


class HostileServer(GenericGrpcServer):
    def __init__(self) -> None:
        self.reply = b""
        self.stream_replies: List[bytes] = []
        super().__init__(_Handler(self), workers=4)


class _Handler(grpc.GenericRpcHandler):
    def __init__(self, server: HostileServer) -> None:
        self._server = server

    def service(self, handler_call_details):
        if handler_call_details.method == SERVICE + "ModelInfer":
            return grpc.unary_unary_rpc_method_handler(lambda request, context: self._server.reply)
        if handler_call_details.method == SERVICE + "ModelStreamInfer":
            return grpc.stream_stream_rpc_method_handler(self._answer_stream)
        return None

    def _answer_stream(self, requests, context):
        for _ in requests:
            yield from self._server.stream_replies
