"""The control-plane calls, written once for Client and AsyncClient.

Each method describes its RPC and hands it to ``self._rpc(rpc, headers, client_timeout)``:
Client's returns the result, AsyncClient's an awaitable of it (``await aclient.is_server_live()``),
as pyzmq's asyncio socket differs from its sync one only in how a call waits.
"""

from __future__ import annotations

from typing import Any, Generic, Mapping, Optional, TypeVar

from . import _control
from ._readiness import Readiness
from .cuda_shared_memory import CudaSharedMemoryRegion
from .shared_memory import RegionBook, SharedMemoryRegion, check_key, check_region_name


# What the calls return: Client's the value itself (bool, dict, None), AsyncClient's an awaitable
# of it. Python's types cannot say "the same wrapper around each", so each kind gets its own.
Flag = TypeVar("Flag")
Reply = TypeVar("Reply")
Done = TypeVar("Done")
Headers = Optional[Mapping[str, str]]


class ControlMethods(Generic[Flag, Reply, Done]):
    """Health, metadata, configuration, repository, statistics, trace and log settings, and
    shared-memory registration. Each call takes ``headers=`` and ``client_timeout=`` (seconds)."""

    def _rpc(self, rpc: _control.Rpc, headers: Headers, client_timeout: Optional[float]) -> Any:
        raise NotImplementedError  # Client and AsyncClient each say how a call waits

    def _wait_until_ready(self, readiness: Readiness) -> Any:
        raise NotImplementedError  # _readiness.WaitsBlocking or WaitsAsync

    def is_server_live(self, headers: Headers = None, client_timeout: Optional[float] = None) -> Flag:
        return self._rpc(_control.server_live(), headers, client_timeout)

    def is_server_ready(self, headers: Headers = None, client_timeout: Optional[float] = None) -> Flag:
        return self._rpc(_control.server_ready(), headers, client_timeout)

    def is_model_ready(self, model_name: str, model_version: str = "", headers: Headers = None,
                       client_timeout: Optional[float] = None) -> Flag:
        return self._rpc(_control.model_ready(model_name, model_version), headers, client_timeout)

    def wait_for_server_ready(self, timeout: float = 30.0, poll_interval: float = 0.1, headers: Headers = None) -> Done:
        """Returns once the server says it is ready (polling ServerReady every poll_interval
        seconds, a server not reachable yet counting as not ready); TimeoutError after timeout."""
        return self._wait_until_ready(Readiness(_control.server_ready, "the server", timeout, poll_interval, headers))

    def wait_for_model_ready(self, model_name: str, model_version: str = "", timeout: float = 30.0,
                             poll_interval: float = 0.1, headers: Headers = None) -> Done:
        """Returns once the model (version) is ready, as wait_for_server_ready does for the server."""
        return self._wait_until_ready(Readiness(lambda: _control.model_ready(model_name, model_version),
                                                f"model '{model_name}'", timeout, poll_interval, headers))

    def get_server_metadata(self, headers: Headers = None, client_timeout: Optional[float] = None) -> Reply:
        return self._rpc(_control.server_metadata(), headers, client_timeout)

    def get_model_metadata(self, model_name: str, model_version: str = "", headers: Headers = None,
                           client_timeout: Optional[float] = None) -> Reply:
        return self._rpc(_control.model_metadata(model_name, model_version), headers, client_timeout)

    def get_model_config(self, model_name: str, model_version: str = "", headers: Headers = None,
                         client_timeout: Optional[float] = None) -> Reply:
        return self._rpc(_control.model_config(model_name, model_version), headers, client_timeout)

    def get_inference_statistics(self, model_name: str = "", model_version: str = "", headers: Headers = None,
                                 client_timeout: Optional[float] = None) -> Reply:
        """{"model_stats": [...]}: counts and durations (ns) of the model, or of every loaded model."""
        return self._rpc(_control.inference_statistics(model_name, model_version), headers, client_timeout)

    def get_model_repository_index(self, headers: Headers = None, client_timeout: Optional[float] = None) -> Reply:
        """{"models": [{"name", "version", "state", "reason"}, ...]} for the server's repository."""
        return self._rpc(_control.repository_index(), headers, client_timeout)

    def load_model(self, model_name: str, headers: Headers = None, config: Any = None, files: Any = None,
                   client_timeout: Optional[float] = None) -> Done:
        """Loads (or reloads) a model. ``config``: a model configuration as a JSON str or a dict;
        ``files``: ``{"file:<path in the model directory>": bytes}``, loaded with ``config``."""
        return self._rpc(_control.load_model(model_name, config, files), headers, client_timeout)

    def unload_model(self, model_name: str, headers: Headers = None, unload_dependents: bool = False,
                     client_timeout: Optional[float] = None) -> Done:
        return self._rpc(_control.unload_model(model_name, unload_dependents), headers, client_timeout)

    def get_trace_settings(self, model_name: Optional[str] = None, headers: Headers = None,
                           client_timeout: Optional[float] = None) -> Reply:
        """{"settings": {name: {"value": [str, ...]}}} of a model, or global when model_name is None."""
        return self._rpc(_control.trace_settings(model_name, None), headers, client_timeout)

    def update_trace_settings(self, model_name: Optional[str] = None, settings: Optional[Mapping[str, Any]] = None,
                              headers: Headers = None,
                              client_timeout: Optional[float] = None) -> Reply:
        """Sets trace settings (a str, an int or a list of them each; None clears one) and
        returns them all, as get_trace_settings."""
        return self._rpc(_control.trace_settings(model_name, settings), headers, client_timeout)

    def get_log_settings(self, headers: Headers = None, client_timeout: Optional[float] = None) -> Reply:
        """{"settings": {name: {"bool_param" | "uint32_param" | "string_param": value}}}."""
        return self._rpc(_control.log_settings({}), headers, client_timeout)

    def update_log_settings(self, settings: Mapping[str, Any], headers: Headers = None,
                            client_timeout: Optional[float] = None) -> Reply:
        """Sets log settings (each a bool, an int or a str) and returns them all."""
        return self._rpc(_control.log_settings(settings), headers, client_timeout)

    def get_system_shared_memory_status(self, region_name: str = "", headers: Headers = None,
                                        client_timeout: Optional[float] = None) -> Reply:
        """{"regions": {name: {"name", "key", "offset", "byte_size"}}}, of one region or all."""
        return self._rpc(_control.system_shared_memory_status(region_name), headers, client_timeout)

    @property
    def shared_memory_regions(self) -> RegionBook:
        """The regions this client registered (and how it maps system ones to view outputs)."""
        book = self.__dict__.get("_region_book")
        if book is None:
            book = self.__dict__.setdefault("_region_book", RegionBook())
        return book

    def register_system_shared_memory(self, name: str, key: str, byte_size: int, offset: int = 0,
                                      headers: Headers = None,
                                      client_timeout: Optional[float] = None) -> Done:
        """Registers ``byte_size`` bytes at ``offset`` of the POSIX shared-memory object ``key``."""
        return self._register_system(name, key, byte_size, offset, None, headers, client_timeout)

    def _register_system(self, name: str, key: str, byte_size: int, offset: int,
                         region: Optional[SharedMemoryRegion], headers: Any, client_timeout: Any) -> Any:
        rpc = _control.register_system_shared_memory(check_region_name(name), check_key(key), byte_size, offset)

        def registered(response: dict[str, Any]) -> None:
            self.shared_memory_regions.registered(name, key, int(byte_size), int(offset), region)

        return self._rpc(rpc._replace(result=registered), headers, client_timeout)

    def unregister_system_shared_memory(self, name: str = "", headers: Headers = None,
                                        client_timeout: Optional[float] = None) -> Done:
        """Unregisters one region, or every system region when ``name`` is empty."""
        rpc = _control.unregister_system_shared_memory(name)
        return self._rpc(rpc._replace(result=lambda response: self.shared_memory_regions.forget(name)), headers,
                         client_timeout)

    def register(self, region: Any, headers: Headers = None, client_timeout: Optional[float] = None) -> Done:
        """Registers a whole region under its own name: a system region from
        tritonlink.shared_memory (outputs placed in it are then viewed through it), or a CUDA one
        from tritonlink.cuda_shared_memory (by its IPC handle)."""
        if isinstance(region, CudaSharedMemoryRegion):
            return self._register_cuda(region.name, region.raw_handle, region.device_id, region.byte_size, region,
                                       headers, client_timeout)
        if not isinstance(region, SharedMemoryRegion):
            raise TypeError(f"register() takes a shared memory region, not {type(region).__name__}")
        return self._register_system(region.name, region.key, region.byte_size, 0, region, headers, client_timeout)

    def unregister(self, region: Any = "", headers: Headers = None, client_timeout: Optional[float] = None) -> Done:
        """Unregisters a region (a CUDA region object, or a system one or its name), or every
        system region when given none."""
        if isinstance(region, CudaSharedMemoryRegion):
            return self.unregister_cuda_shared_memory(region.name, headers, client_timeout)
        name = region.name if isinstance(region, SharedMemoryRegion) else region
        return self.unregister_system_shared_memory(name, headers, client_timeout)

    def get_cuda_shared_memory_status(self, region_name: str = "", headers: Headers = None,
                                      client_timeout: Optional[float] = None) -> Reply:
        """{"regions": {name: {"name", "device_id", "byte_size"}}}, of one region or all."""
        return self._rpc(_control.cuda_shared_memory_status(region_name), headers, client_timeout)

    def register_cuda_shared_memory(self, name: str, raw_handle: Any, device_id: int, byte_size: int,
                                    headers: Headers = None, client_timeout: Optional[float] = None) -> Done:
        """Registers CUDA memory by its IPC handle: ``raw_handle`` is the 64-byte
        ``cudaIpcMemHandle_t`` as bytes, or its base64 encoding (a str, or bytes as tritonclient's
        ``cuda_shared_memory.get_raw_handle`` returns it)."""
        return self._register_cuda(name, raw_handle, device_id, byte_size, None, headers, client_timeout)

    def _register_cuda(self, name: str, raw_handle: Any, device_id: int, byte_size: int,
                       region: Optional[CudaSharedMemoryRegion], headers: Any, client_timeout: Any) -> Any:
        rpc = _control.register_cuda_shared_memory(check_region_name(name), raw_handle, device_id, byte_size)

        def registered(response: dict[str, Any]) -> None:
            self.shared_memory_regions.registered(name, "", int(byte_size), 0, region, cuda=True)

        return self._rpc(rpc._replace(result=registered), headers, client_timeout)

    def unregister_cuda_shared_memory(self, name: str = "", headers: Headers = None,
                                      client_timeout: Optional[float] = None) -> Done:
        """Unregisters one region, or every CUDA region when ``name`` is empty."""
        rpc = _control.unregister_cuda_shared_memory(name)
        return self._rpc(rpc._replace(result=lambda response: self.shared_memory_regions.forget(name, cuda=True)),
                         headers, client_timeout)
