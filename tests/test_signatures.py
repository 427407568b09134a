"""The call surface users see: Client and AsyncClient take the same arguments, by the same
names and defaults, in tritonclient's order, as inspect.signature and help() show them."""

import inspect

import pytest

import tritonlink
from tritonlink.aio import AsyncClient

INFER_OPTIONS = [
    ("outputs", None), ("model_version", ""), ("request_id", ""), ("parameters", None), ("client_timeout", None),
    ("headers", None), ("sequence_id", 0), ("sequence_start", False), ("sequence_end", False), ("priority", 0),
    ("timeout", None), ("compression_algorithm", None), ("retry", None),
]
# A stream's requests cannot be sent again on their own: streams take no retry policy.
STREAM_REQUEST_OPTIONS = [option for option in INFER_OPTIONS if option[0] != "retry"]
CONTROL_METHODS = [
    "is_server_live", "is_server_ready", "is_model_ready", "get_server_metadata", "get_model_metadata",
    "get_model_config", "get_inference_statistics", "get_model_repository_index", "load_model", "unload_model",
    "get_trace_settings", "update_trace_settings", "get_log_settings", "update_log_settings",
    "get_system_shared_memory_status", "register_system_shared_memory", "unregister_system_shared_memory",
    "get_cuda_shared_memory_status", "register_cuda_shared_memory", "unregister_cuda_shared_memory",
]


def parameters(method) -> list:
    return [(p.name, p.default, p.kind) for p in inspect.signature(method).parameters.values()]


def positional(names_and_defaults) -> list:
    return [(name, default, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name, default in names_and_defaults]


EMPTY = inspect.Parameter.empty


@pytest.mark.parametrize("method", [tritonlink.Client.infer, tritonlink.Client.submit, AsyncClient.infer])
def test_infer_takes_model_name_inputs_then_every_option_in_order(method):
    assert parameters(method) == positional([("self", EMPTY), ("model_name", EMPTY), ("inputs", EMPTY)] + INFER_OPTIONS)


def test_async_infer_takes_the_callback_third_then_the_same_options():
    assert parameters(tritonlink.Client.async_infer) == positional(
        [("self", EMPTY), ("model_name", EMPTY), ("inputs", EMPTY), ("callback", EMPTY)] + INFER_OPTIONS)


def test_infer_options_are_documented_on_every_infer_method():
    for method in (tritonlink.Client.infer, tritonlink.Client.async_infer, tritonlink.Client.submit,
                   AsyncClient.infer):
        assert "``client_timeout`` is a deadline in seconds" in inspect.getdoc(method)
        assert "MICROSECONDS" in inspect.getdoc(method)


def test_infer_annotations_name_the_option_types():
    annotations = {p.name: p.annotation for p in inspect.signature(tritonlink.Client.infer).parameters.values()}
    assert annotations["model_name"] == "str"
    assert annotations["sequence_id"] == "Union[int, str]"


@pytest.mark.parametrize("name", CONTROL_METHODS)
def test_control_methods_take_the_same_arguments_on_both_clients(name):
    sync, asynchronous = getattr(tritonlink.Client, name), getattr(AsyncClient, name)
    assert parameters(sync) == parameters(asynchronous)
    names = [p[0] for p in parameters(sync)]
    assert "headers" in names and names[-1] == "client_timeout"


def test_async_control_methods_return_awaitables():
    client = AsyncClient("localhost:1")
    try:
        call = client.is_server_live()
        assert inspect.isawaitable(call)
        call.close()  # never awaited: no server behind it
    finally:
        client.close_nowait()


def test_infer_called_with_an_unknown_option_names_it():
    with tritonlink.Client("localhost:1") as client, pytest.raises(TypeError, match="bogus"):
        client.infer("m", {}, bogus=1)


KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY
EMPTY_FINAL = [("enable_empty_final_response", False, KEYWORD_ONLY)]


@pytest.mark.parametrize("method", [tritonlink.Client.infer_stream, AsyncClient.infer_stream])
def test_infer_stream_takes_the_infer_options_and_asks_for_the_empty_final_response_by_keyword(method):
    assert parameters(method) == positional(
        [("self", EMPTY), ("model_name", EMPTY), ("inputs", EMPTY)] + STREAM_REQUEST_OPTIONS) + EMPTY_FINAL


def test_stream_send_takes_the_request_options_but_the_streams_own():
    stream_wide = {"client_timeout", "headers", "compression_algorithm"}
    expected = positional([("self", EMPTY), ("model_name", EMPTY), ("inputs", EMPTY)]
                          + [o for o in STREAM_REQUEST_OPTIONS if o[0] not in stream_wide]) + EMPTY_FINAL
    assert parameters(tritonlink.Stream.send) == expected
    assert parameters(tritonlink.aio.AsyncStream.send) == expected


def test_streams_open_with_the_same_options_on_both_clients_but_the_callback():
    sync = [p for p in parameters(tritonlink.Client.stream) if p[0] != "callback"]
    assert sync == parameters(AsyncClient.stream)


def test_both_clients_take_the_same_constructor_arguments():
    sync = parameters(tritonlink.Client.__init__)
    assert sync == parameters(AsyncClient.__init__)
    assert ("ssl_target_name_override", None, KEYWORD_ONLY) in sync
