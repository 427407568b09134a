"""tritonclient's control-plane methods, written once for the sync and asyncio clients.

Each forwards to the tritonlink client's method of the same name and turns its dict into the
protobuf message tritonclient returns (or that message's JSON with ``as_json=True``).
``self._finish(value, convert)`` says how a call waits: the sync client converts the value,
the asyncio one returns a coroutine that awaits it first.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .._protocol import reply
from ._options import Headers


def _same(value: Any) -> Any:
    return value


class ControlPlane:
    _native: Any

    def _finish(self, value: Any, convert: Callable[[Any], Any]) -> Any:
        raise NotImplementedError  # each client says how a call waits

    def is_server_live(self, headers: Headers = None, client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.is_server_live(headers=headers, client_timeout=client_timeout), _same)

    def is_server_ready(self, headers: Headers = None, client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.is_server_ready(headers=headers, client_timeout=client_timeout), _same)

    def is_model_ready(self, model_name: str, model_version: str = "", headers: Headers = None,
                       client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.is_model_ready(model_name, model_version, headers=headers,
                                                        client_timeout=client_timeout), _same)

    def get_server_metadata(self, headers: Headers = None, as_json: bool = False,
                            client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_server_metadata(headers=headers, client_timeout=client_timeout),
                            reply("ServerMetadataResponse", as_json))

    def get_model_metadata(self, model_name: str, model_version: str = "", headers: Headers = None,
                           as_json: bool = False, client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_model_metadata(model_name, model_version, headers=headers,
                                                            client_timeout=client_timeout),
                            reply("ModelMetadataResponse", as_json))

    def get_model_config(self, model_name: str, model_version: str = "", headers: Headers = None,
                         as_json: bool = False, client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_model_config(model_name, model_version, headers=headers,
                                                          client_timeout=client_timeout),
                            reply("ModelConfigResponse", as_json))

    def get_model_repository_index(self, headers: Headers = None, as_json: bool = False,
                                   client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_model_repository_index(headers=headers, client_timeout=client_timeout),
                            reply("RepositoryIndexResponse", as_json))

    def load_model(self, model_name: str, headers: Headers = None, config: Any = None, files: Any = None,
                   client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.load_model(model_name, headers=headers, config=config, files=files,
                                                    client_timeout=client_timeout), _same)

    def unload_model(self, model_name: str, headers: Headers = None, unload_dependents: bool = False,
                     client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.unload_model(model_name, headers=headers, unload_dependents=unload_dependents,
                                                      client_timeout=client_timeout), _same)

    def get_inference_statistics(self, model_name: str = "", model_version: str = "", headers: Headers = None,
                                 as_json: bool = False, client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_inference_statistics(model_name, model_version, headers=headers,
                                                                  client_timeout=client_timeout),
                            reply("ModelStatisticsResponse", as_json))

    def update_trace_settings(self, model_name: Optional[str] = None, settings: Any = {},  # noqa: B006
                              headers: Headers = None, as_json: bool = False,
                              client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.update_trace_settings(model_name, settings, headers=headers,
                                                               client_timeout=client_timeout),
                            reply("TraceSettingResponse", as_json))

    def get_trace_settings(self, model_name: Optional[str] = None, headers: Headers = None, as_json: bool = False,
                           client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_trace_settings(model_name, headers=headers, client_timeout=client_timeout),
                            reply("TraceSettingResponse", as_json))

    def update_log_settings(self, settings: Any, headers: Headers = None, as_json: bool = False,
                            client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.update_log_settings(settings, headers=headers, client_timeout=client_timeout),
                            reply("LogSettingsResponse", as_json))

    def get_log_settings(self, headers: Headers = None, as_json: bool = False,
                         client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_log_settings(headers=headers, client_timeout=client_timeout),
                            reply("LogSettingsResponse", as_json))

    def get_system_shared_memory_status(self, region_name: str = "", headers: Headers = None, as_json: bool = False,
                                        client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_system_shared_memory_status(region_name, headers=headers,
                                                                         client_timeout=client_timeout),
                            reply("SystemSharedMemoryStatusResponse", as_json))

    def register_system_shared_memory(self, name: str, key: str, byte_size: int, offset: int = 0,
                                      headers: Headers = None, client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.register_system_shared_memory(name, key, byte_size, offset, headers=headers,
                                                                       client_timeout=client_timeout), _same)

    def unregister_system_shared_memory(self, name: str = "", headers: Headers = None,
                                        client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.unregister_system_shared_memory(name, headers=headers,
                                                                         client_timeout=client_timeout), _same)

    def get_cuda_shared_memory_status(self, region_name: str = "", headers: Headers = None, as_json: bool = False,
                                      client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.get_cuda_shared_memory_status(region_name, headers=headers,
                                                                       client_timeout=client_timeout),
                            reply("CudaSharedMemoryStatusResponse", as_json))

    def register_cuda_shared_memory(self, name: str, raw_handle: Any, device_id: int, byte_size: int,
                                    headers: Headers = None, client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.register_cuda_shared_memory(name, raw_handle, device_id, byte_size,
                                                                     headers=headers, client_timeout=client_timeout),
                            _same)

    def unregister_cuda_shared_memory(self, name: str = "", headers: Headers = None,
                                      client_timeout: Optional[float] = None) -> Any:
        return self._finish(self._native.unregister_cuda_shared_memory(name, headers=headers,
                                                                       client_timeout=client_timeout), _same)
