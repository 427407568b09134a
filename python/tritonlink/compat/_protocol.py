"""The protocol's protobuf messages, for the calls where tritonclient returns them.

They are made at import from protocol.binpb, the FileDescriptorSet the build writes from
csrc/proto/*.proto, in a DescriptorPool of their own: tritonclient's classes register the same
names ("inference.*") in protobuf's default pool, and the two must not clash in one process.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Callable, Mapping

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

_files = descriptor_pb2.FileDescriptorSet.FromString(
    resources.files(__package__).joinpath("protocol.binpb").read_bytes())
_pool = descriptor_pool.DescriptorPool()
for _file in _files.file:
    _pool.Add(_file)


def message_class(name: str) -> Any:
    """The class of ``inference.<name>`` (nested names with dots: ``ModelInferResponse.InferOutputTensor``)."""
    return message_factory.GetMessageClass(_pool.FindMessageTypeByName(f"inference.{name}"))


def to_message(name: str, fields: dict[str, Any]) -> Any:
    """A message from tritonlink's JSON-shaped dict of its fields."""
    return json_format.ParseDict(fields, message_class(name)(), ignore_unknown_fields=True)


def to_json(message: Any) -> dict[str, Any]:
    """What tritonclient's ``as_json=True`` returns: protobuf's JSON mapping with the .proto's
    field names (so 64-bit integers are strings)."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def reply(name: str, as_json: bool) -> Callable[[dict[str, Any]], Any]:
    """How a control-plane dict becomes tritonclient's return value: the message, or its JSON."""
    if as_json:
        return lambda fields: to_json(to_message(name, fields))
    return lambda fields: to_message(name, fields)


def parameters(values: Mapping[str, Any]) -> dict[str, Any]:
    """tritonlink's ``{key: value}`` parameters as InferParameter fields."""
    return {key: {_PARAMETER_FIELD[type(value)]: value} for key, value in values.items()}


_PARAMETER_FIELD = {bool: "bool_param", int: "int64_param", float: "double_param", str: "string_param"}
