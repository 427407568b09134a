"""A grpcio server on a free loopback port with one generic handler: the base of the test servers
that answer with bytes of their own making (hostile_server, flaky_server)."""

from __future__ import annotations

from concurrent import futures

import grpc

SERVICE = "/inference.GRPCInferenceService/"


class GenericGrpcServer:
    def __init__(self, handler: grpc.GenericRpcHandler, workers: int) -> None:
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
        self._server.add_generic_rpc_handlers([handler])
        self.url = f"127.0.0.1:{self._server.add_insecure_port('127.0.0.1:0')}"

    def __enter__(self):
        self._server.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.stop(grace=None).wait()
