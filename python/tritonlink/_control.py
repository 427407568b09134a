"""The control-plane RPCs, described once for Client and AsyncClient: which RPC, the request
as proto3 JSON, and how the response (a dict of the message's fields, ints as ints) becomes
the value returned."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from ._arguments import check_text


class Rpc(NamedTuple):
    method: str  # RPC name in inference.GRPCInferenceService
    request: dict
    result: Callable[[dict], Any]
    model_name: str = ""  # named in errors


def _whole(response: dict) -> dict:
    return response


def _flag(field: str) -> Callable[[dict], bool]:
    # proto3 JSON leaves out false booleans.
    return lambda response: bool(response.get(field, False))


def _model(model_name: str, model_version: str) -> dict:
    return {"name": check_text(model_name, "model_name"), "version": check_text(model_version, "model_version")}


def server_live() -> Rpc:
    return Rpc("ServerLive", {}, _flag("live"))


def server_ready() -> Rpc:
    return Rpc("ServerReady", {}, _flag("ready"))


def model_ready(model_name: str, model_version: str) -> Rpc:
    return Rpc("ModelReady", _model(model_name, model_version), _flag("ready"), model_name)


def server_metadata() -> Rpc:
    return Rpc("ServerMetadata", {}, _whole)


def model_metadata(model_name: str, model_version: str) -> Rpc:
    return Rpc("ModelMetadata", _model(model_name, model_version), _whole, model_name)


def model_config(model_name: str, model_version: str) -> Rpc:
    return Rpc("ModelConfig", _model(model_name, model_version), _whole, model_name)
