"""tritonclient.grpc.aio's InferenceServerClient over tritonlink.aio.AsyncClient."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional

from ...._targets import Url
from ....aio import AsyncClient
from ....errors import InferenceServerException
from .. import auth
from .._control import ControlPlane
from .._options import (Headers, KeepAliveOptions, Plugins, Request, infer_request, native_client_options,
                       stream_request, takes)
from .._tensors import InferInput, InferRequestedOutput, InferResult


class InferenceServerClient(ControlPlane, Plugins):
    """An asyncio client of one Triton server, with tritonclient.grpc.aio's coroutines."""

    def __init__(self, url: Url, verbose: bool = False, ssl: bool = False, root_certificates: Optional[str] = None,
                 private_key: Optional[str] = None, certificate_chain: Optional[str] = None, creds: Any = None,
                 keepalive_options: Optional[KeepAliveOptions] = None, channel_args: Any = None) -> None:
        self._verbose = verbose
        self._native = AsyncClient(url, **native_client_options(ssl, root_certificates, private_key,
                                                                certificate_chain, creds, keepalive_options,
                                                                channel_args, self._plugin_headers))

    async def _finish(self, value: Any, convert: Callable[[Any], Any]) -> Any:
        result = convert(await value)
        if self._verbose:
            print(result)
        return result

    @takes(infer_request)
    async def infer(self, *args: Any, **kwargs: Any) -> InferResult:
        return InferResult(await self._native.infer(**infer_request(*args, **kwargs)))

    def stream_infer(self, inputs_iterator: Any, stream_timeout: Optional[float] = None, headers: Headers = None,
                     compression_algorithm: Optional[str] = None) -> "_Responses":
        """Sends each request dict (async_stream_infer's arguments) that ``inputs_iterator``
        yields on one stream; the returned async iterator yields ``(result, error)`` for each
        response until the server has answered them all, and its ``cancel()`` ends the stream."""
        if compression_algorithm is not None:
            raise NotImplementedError("tritonlink streams are not compressed: leave compression_algorithm None")
        return _Responses(lambda: self._native.stream(stream_timeout=stream_timeout, headers=headers), inputs_iterator)

    async def close(self) -> None:
        await self._native.close()

    async def __aenter__(self) -> "InferenceServerClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()


class _Responses:
    """What stream_infer returns. The stream opens at the first read, on the running loop."""

    def __init__(self, open_stream: Callable[[], Any], inputs_iterator: Any) -> None:
        self._open_stream = open_stream
        self._inputs = inputs_iterator
        self._stream: Optional[Any] = None
        self._sending: Optional[asyncio.Future[None]] = None  # set with _stream

    def __aiter__(self) -> "_Responses":
        return self

    async def __anext__(self) -> tuple[Any, ...]:
        if self._stream is None:
            self._stream = self._open_stream()
            self._sending = asyncio.ensure_future(_send_all(self._stream, self._inputs))
        try:
            return InferResult(await self._stream.__anext__()), None
        except StopAsyncIteration:
            sending = self._sending
            done = sending is not None and sending.done() and not sending.cancelled()
            failure = sending.exception() if sending is not None and done else None
            if failure is not None:
                raise failure from None  # the inputs iterator failed
            raise
        except InferenceServerException as error:  # a failed request (or the stream's end)
            return None, error

    def cancel(self) -> bool:
        """Cancels the stream and what is in flight on it; False if it had already ended."""
        if self._stream is None or self._sending is None or self._stream.ended:
            return False
        self._sending.cancel()
        asyncio.ensure_future(self._stream.close(cancel_requests=True))
        return True


async def _send_all(stream: Any, inputs_iterator: Any) -> None:
    """Sends every request, then closes the sending side: the stream ends once the server has
    answered them (an error in the iterator cancels it)."""
    try:
        async for request in inputs_iterator:
            await stream.send(**stream_request(**request))
    except BaseException:
        await stream.close(cancel_requests=True)
        raise
    await stream.close()


__all__ = ["InferenceServerClient", "InferenceServerException", "InferInput", "InferRequestedOutput", "InferResult",
           "KeepAliveOptions", "Request", "auth"]
