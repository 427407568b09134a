"""tritonclient.grpc.InferenceServerClient over tritonlink.Client."""

from __future__ import annotations

from typing import Any, Callable, Optional

from ..._client import Client
from ..._targets import Url
from ...errors import InferenceServerException
from ._control import ControlPlane
from ._options import Headers, KeepAliveOptions, Plugins, infer_request, native_client_options, stream_request, takes
from ._tensors import InferResult


def result_callback(callback: Callable[..., Any]) -> Callable[..., Any]:
    """tritonclient's ``callback(result, error)``, handed tritonclient's InferResult."""
    return lambda result, error: callback(None if result is None else InferResult(result), error)


class InferenceServerClient(ControlPlane, Plugins):
    """A client of one Triton server, with tritonclient's methods; one stream at a time, as
    tritonclient allows (tritonlink.Client.stream() opens as many as wanted)."""

    def __init__(self, url: Url, verbose: bool = False, ssl: bool = False, root_certificates: Optional[str] = None,
                 private_key: Optional[str] = None, certificate_chain: Optional[str] = None, creds: Any = None,
                 keepalive_options: Optional[KeepAliveOptions] = None, channel_args: Any = None) -> None:
        self._verbose = verbose
        self._native = Client(url, **native_client_options(ssl, root_certificates, private_key, certificate_chain,
                                                           creds, keepalive_options, channel_args,
                                                           self._plugin_headers))
        self._stream: Optional[Any] = None

    def _finish(self, value: Any, convert: Callable[[Any], Any]) -> Any:
        result = convert(value)
        if self._verbose:
            print(result)
        return result

    @takes(infer_request)
    def infer(self, *args: Any, **kwargs: Any) -> InferResult:
        return InferResult(self._native.infer(**infer_request(*args, **kwargs)))

    @takes(infer_request, "callback")
    def async_infer(self, model_name: str, inputs: Any, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Starts a request; ``callback(result, error)`` runs once. Returns what cancel()s it."""
        return self._native.async_infer(callback=result_callback(callback),
                                        **infer_request(model_name, inputs, *args, **kwargs))

    def start_stream(self, callback: Callable[..., Any], stream_timeout: Optional[float] = None,
                     headers: Headers = None, compression_algorithm: Optional[str] = None) -> None:
        """Opens the client's stream; every response goes to ``callback(result, error)``."""
        if self._stream is not None:
            raise InferenceServerException("cannot start another stream with one already running: "
                                           "InferenceServerClient supports one stream at a time")
        if compression_algorithm is not None:
            raise NotImplementedError("tritonlink streams are not compressed: leave compression_algorithm None")
        self._stream = self._native.stream(callback=result_callback(callback), stream_timeout=stream_timeout,
                                           headers=headers)

    @takes(stream_request)
    def async_stream_infer(self, *args: Any, **kwargs: Any) -> None:
        if self._stream is None:
            raise InferenceServerException("stream not available: call start_stream() first")
        self._stream.send(**stream_request(*args, **kwargs))

    def stop_stream(self, cancel_requests: bool = False) -> None:
        """Closes the stream: waits for the responses due, or with cancel_requests cancels them."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close(cancel_requests=cancel_requests)

    def close(self) -> None:
        self.stop_stream()
        self._native.close()

    def __enter__(self) -> "InferenceServerClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
