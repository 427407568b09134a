"""tritonclient's gRPC API over tritonlink: ``import tritonlink.compat.grpc as grpcclient``.

``tritonlink.compat.grpc`` (with ``.aio`` and ``.auth``) and ``tritonlink.compat.utils`` have
tritonclient 2.73's names, signatures and return values; each call is a thin adapter onto
tritonlink's own Client and AsyncClient. Where tritonclient returns protobuf messages, these
are built from tritonlink's .proto files in a descriptor pool of their own (see _protocol),
so they live beside tritonclient's in one process. Needs the ``compat`` extra (protobuf).
"""
