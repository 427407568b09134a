"""Routing completions from a CompletionSink to whoever waits for them.

Every consumer of completions (the dispatcher thread, an asyncio loop, infer_many) owns one
sink and one router. The router remembers, per call id, what to do with each of the call's
completions: a stream's responses (not final) and every call's final one, after which it
forgets the call. It keeps the input arrays lent to gRPC referenced until gRPC has let go.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Set

from . import _core
from ._result import InferResult
from .errors import InferenceServerError, error_from_status

_INFER = int(_core.CompletionKind.INFER)
_INPUTS_RELEASED = int(_core.CompletionKind.INPUTS_RELEASED)

# Called with (result, None) on success or (None, error) on failure.
OnDone = Callable[[Any, Optional[InferenceServerError]], None]


class _Pending:
    __slots__ = ("on_done", "inputs", "model_name", "request_id", "on_part")

    def __init__(self, on_done: OnDone, inputs: Any, model_name: str, request_id: str,
                 on_part: Optional[OnDone]) -> None:
        self.on_done = on_done
        self.inputs = inputs
        self.model_name = model_name
        self.request_id = request_id
        self.on_part = on_part


class CompletionRouter:
    def __init__(self, on_callback_error: Optional[Callable[[str], None]] = None) -> None:
        """With `on_callback_error`, an exception raised by a call's on_done is handed to it (with
        the call's model name, inside the except block) and the batch goes on; without, it
        propagates."""
        self.sink = _core.CompletionSink()
        self._on_callback_error = on_callback_error
        self._pending: Dict[int, _Pending] = {}
        self._lent_inputs: Dict[int, Any] = {}
        # Calls whose inputs-released notice was drained before their completion: the sink's
        # queue does not order completions pushed from different threads.
        self._released_early: Set[int] = set()

    def expect(self, call_id: int, on_done: OnDone, inputs: Any = None, model_name: str = "",
               request_id: str = "", on_part: Optional[OnDone] = None) -> None:
        """Registers what to do when call `call_id` (started on self.sink) ends, and with each
        of its completions before the final one (a stream's responses)."""
        self._pending[call_id] = _Pending(on_done, inputs, model_name, request_id, on_part)

    def start_infer(self, engine: Any, call_id: int, on_done: OnDone, arguments: tuple[Any, ...]) -> None:
        """Starts ModelInfer on `engine` with infer_arguments' `arguments`, ending in on_done."""
        lent: list[Any] = []  # filled by start_infer with what gRPC borrows
        # expect() and _start() written out: every async infer comes here, and each Python
        # call it saves is some 0.3 µs per request.
        self._pending[call_id] = _Pending(on_done, lent, arguments[0], arguments[4], None)
        try:
            engine.start_infer(self.sink, lent, call_id, *arguments)
        except BaseException:
            del self._pending[call_id]  # it never started
            raise

    def start_unary(self, engine: Any, call_id: int, on_done: OnDone, rpc: Any, timeout: Optional[float],
                    headers: Any, retry: Any = None) -> None:
        """Starts the control-plane RPC `rpc` (a _control.Rpc) on `engine`, ending in on_done."""
        self.expect(call_id, on_done, None, rpc.model_name)
        self._start(call_id, engine.start_unary, self.sink, call_id, rpc.method, rpc.request_json, timeout, headers,
                    retry)

    def start_stream(self, engine: Any, stream_id: int, on_response: OnDone, on_end: OnDone,
                     timeout: Optional[float], headers: Any, max_buffered: int) -> None:
        """Opens a stream on `engine`: on_response(result, error) for each response (error
        tied to its request id), then on_end(None, error or None) once."""
        self.expect(stream_id, on_end, on_part=on_response)
        self._start(stream_id, engine.start_stream, self.sink, stream_id, timeout, headers, max_buffered)

    def send(self, engine: Any, stream_id: int, send_id: int, arguments: tuple[Any, ...]) -> None:
        """Sends infer_arguments' `arguments` (their call options aside) on stream `stream_id`."""
        lent: list[Any] = []  # filled by stream_send with what gRPC borrows
        # Registered first: the release notice may be drained before stream_send returns.
        self._lent_inputs[send_id] = lent
        try:
            borrowed = engine.stream_send(lent, stream_id, send_id, *arguments[:6])
        except BaseException:
            del self._lent_inputs[send_id]
            raise
        if not borrowed:  # then no notice comes
            del self._lent_inputs[send_id]

    def _start(self, call_id: int, start: Callable[..., Any], *arguments: Any) -> None:
        # Expected before the start: the completion may arrive before start returns.
        try:
            start(*arguments)
        except BaseException:
            self._pending.pop(call_id, None)  # it never started
            raise

    @property
    def pending(self) -> int:
        """Calls started and not yet delivered."""
        return len(self._pending)

    @property
    def busy(self) -> bool:
        """Some call is pending, or some delivered call's inputs are still lent to gRPC."""
        return bool(self._pending or self._lent_inputs)

    def deliver(self, batch: list[Any]) -> None:
        """Runs on_done for each finished call in a batch drained from self.sink."""
        for call_id, kind, code, message, payload, inputs_released, final in batch:
            if kind == _INPUTS_RELEASED:
                if call_id in self._lent_inputs:
                    del self._lent_inputs[call_id]
                else:
                    self._released_early.add(call_id)
                continue
            if not final:
                self._deliver_part(self._pending[call_id], code, message, payload)
                continue
            pending = self._pending.pop(call_id)
            if call_id in self._released_early:
                self._released_early.remove(call_id)
            elif not inputs_released:
                self._lent_inputs[call_id] = pending.inputs
            try:  # free unless something raises
                if code == 0:
                    pending.on_done(InferResult(payload) if kind == _INFER else payload, None)
                else:
                    pending.on_done(None, error_from_status(code, message, pending.model_name, pending.request_id))
            except Exception:
                if self._on_callback_error is None:
                    raise
                self._on_callback_error(pending.model_name)

    @staticmethod
    def _deliver_part(pending: _Pending, code: int, message: str, payload: Any) -> None:
        on_part = pending.on_part
        assert on_part is not None  # parts (completions not final) come only on streams, which have on_part
        if code == 0:
            on_part(InferResult(payload), None)
            return
        # A failed request on a stream: the response, when there is one, says which.
        model_name, request_id = (payload.model_name, payload.id) if payload is not None else ("", "")
        on_part(None, error_from_status(code, message, model_name, request_id))

    def settle(self, wait_slice_ms: int = 100) -> None:
        """Waits until nothing is pending or lent: input arrays must outlive gRPC's use of them."""
        while self.busy:
            if not self.drain_all():
                self.sink.wait(wait_slice_ms)

    def drain_all(self) -> int:
        """Delivers everything queued now, without waiting; returns how many calls ended."""
        delivered = 0
        while True:
            batch = self.sink.drain()
            if not batch:
                return delivered
            self.deliver(batch)
            delivered += len(batch)
