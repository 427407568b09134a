"""A stopgap for a tritonlink bug that hangs long benchmark runs; delete once it is fixed.

The bug: a call whose input payload was borrowed (>= 16 KiB) can have its INPUTS_RELEASED
completion drained *before* the call's own completion. The CompletionSink's moodycamel queue is
FIFO per producer thread only, and the two are pushed from different threads (the engine's
completion-queue thread, and whichever gRPC thread drops the last slice). CompletionRouter.deliver
then ignores the release, keeps the inputs when the completion says "not released yet", and
``busy`` stays true forever: ``infer_many`` never returns (settle()), ``Client.close()`` never
returns (the dispatcher waits), and the arrays are never freed. About 0.5% of calls with
1 MiB inputs, one at a time; ``build/tools/csrc/tools/lease_stress`` shows it in C++ alone.

The fix belongs in the library (the router remembering early releases, or a FIFO sink); this
wrapper does the first from outside, changes nothing else, and stays correct after that fix.
"""

from __future__ import annotations

from tritonlink import _completions

_INPUTS_RELEASED = _completions._INPUTS_RELEASED


def _tolerate_early_releases(deliver):
    def deliver_in_order(self, batch: list) -> None:
        early = self.__dict__.setdefault("_benchmarks_released_early", set())
        completed_here = set()  # completions earlier in this batch, not yet delivered
        ordered = []
        for item in batch:
            call_id, kind = item[0], item[1]
            if kind == _INPUTS_RELEASED:
                if call_id in self._pending and call_id not in completed_here:  # overtook its completion
                    early.add(call_id)
                    continue
            else:
                completed_here.add(call_id)
                if not item[5] and call_id in early:
                    early.discard(call_id)
                    item = (*item[:5], True)
            ordered.append(item)
        deliver(self, ordered)

    deliver_in_order.__wrapped__ = deliver
    return deliver_in_order


def install() -> None:
    router = _completions.CompletionRouter
    if not hasattr(router.deliver, "__wrapped__"):
        router.deliver = _tolerate_early_releases(router.deliver)
