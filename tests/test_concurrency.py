"""Sixteen Python threads share one Client for a minute, each in its own style (sync, callbacks,
futures, streams), and every response is checked against the request it answers."""

from __future__ import annotations

import collections
import os
import threading
import time
from typing import Any, List

import numpy as np

import tritonlink

SECONDS = float(os.environ.get("TRITONLINK_CONCURRENCY_SECONDS", "60"))
THREADS = 16
WINDOW = 4  # requests each async thread keeps in flight
# Thread i runs STYLES[i % 8]: four threads of each kind, the streams half long-lived, half
# opened for every request.
STYLES = ("sync", "callbacks", "futures", "stream", "sync", "callbacks", "futures", "infer_stream")


class Worker:
    """One thread's requests: numbered from 0, each carrying (thread, number) in its data and
    request id, so that a response can only match the request it answers."""

    def __init__(self, index: int, client: tritonlink.Client, deadline: float) -> None:
        self.index = index
        self.style = STYLES[index % len(STYLES)]
        self.client = client
        self.deadline = deadline
        self.sent = 0
        self.answered: collections.Counter = collections.Counter()
        self.problems: List[str] = []

    def _take(self) -> int:
        self.sent += 1
        return self.sent - 1

    def _more(self) -> bool:
        return time.monotonic() < self.deadline

    def _request_id(self, n: int) -> str:
        return f"{self.index}:{n}"

    def _identity_inputs(self, n: int) -> dict:
        return {"INPUT0": np.array([self.index, n] + [n % 7] * (n % 5), np.float32)}

    def _check_identity(self, n: int, result: Any, error: Any) -> None:
        self.answered[n] += 1
        if error is not None:
            self.problems.append(f"{self._request_id(n)}: {error!r}")
        elif result.id != self._request_id(n) or not np.array_equal(result["OUTPUT0"],
                                                                     self._identity_inputs(n)["INPUT0"]):
            self.problems.append(f"{self._request_id(n)}: answered {result.id!r} {result['OUTPUT0']!r}")

    def _repeat_inputs(self, n: int) -> dict:
        return {"IN": np.array([self.index, n], np.int32)}

    def _check_repeat(self, n: int, results: List[Any]) -> None:
        """repeat's responses to one request, in order: OUT = IN[IDX] for IDX 0 and 1."""
        self.answered[n] += 1
        expected = [(self._request_id(n), value, idx) for idx, value in enumerate(self._repeat_inputs(n)["IN"])]
        got = [(r.id, int(r["OUT"][0]), int(r["IDX"][0])) for r in results]
        if got != expected:
            self.problems.append(f"{self._request_id(n)}: answered {got}")

    def sync(self) -> None:
        while self._more():
            n = self._take()
            try:
                self._check_identity(n, self.client.infer("identity", self._identity_inputs(n),
                                                          request_id=self._request_id(n)), None)
            except tritonlink.InferenceServerError as error:
                self._check_identity(n, None, error)

    def callbacks(self) -> None:
        slots = threading.Semaphore(WINDOW)

        def done(n: int, result: Any, error: Any) -> None:
            try:
                self._check_identity(n, result, error)
            finally:
                slots.release()

        while self._more():
            slots.acquire()
            n = self._take()
            self.client.async_infer("identity", self._identity_inputs(n), lambda r, e, n=n: done(n, r, e),
                                    request_id=self._request_id(n))
        for _ in range(WINDOW):
            slots.acquire()

    def futures(self) -> None:
        while self._more():
            batch = [(n, self.client.submit("identity", self._identity_inputs(n), request_id=self._request_id(n)))
                     for n in (self._take() for _ in range(WINDOW))]
            for n, future in batch:
                error = future.exception(timeout=30)
                self._check_identity(n, None if error else future.result(), error)

    def stream(self) -> None:
        """One stream, WINDOW requests outstanding, each request's responses gathered until its
        final one."""
        parts: dict = {}
        with self.client.stream() as stream:
            def send() -> None:
                n = self._take()
                parts[n] = []
                stream.send("repeat", self._repeat_inputs(n), request_id=self._request_id(n),
                            enable_empty_final_response=True)

            for _ in range(WINDOW):
                send()
            while parts:
                result = next(stream)
                n = int(result.id.split(":")[1])
                if not result.is_final_response():
                    parts[n].append(result)
                    continue
                self._check_repeat(n, parts.pop(n))
                if self._more():
                    send()

    def infer_stream(self) -> None:
        """A stream opened and closed for every request."""
        while self._more():
            n = self._take()
            self._check_repeat(n, list(self.client.infer_stream("repeat", self._repeat_inputs(n),
                                                                request_id=self._request_id(n))))

    def run(self) -> None:
        try:
            getattr(self, self.style)()
        except Exception as error:  # the thread's own failure, reported by the test
            self.problems.append(f"thread {self.index} stopped: {error!r}")


def test_sixteen_threads_share_one_client_and_every_response_answers_its_own_request(embedded_server):
    client = tritonlink.Client(embedded_server.url)
    deadline = time.monotonic() + SECONDS
    workers = [Worker(index, client, deadline) for index in range(THREADS)]
    threads = [threading.Thread(target=worker.run, name=f"worker-{worker.index}") for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + 60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"

    for worker in workers:
        assert not worker.problems, worker.problems[:5]
        assert worker.sent > 0, f"thread {worker.index} made no request"
        lost = worker.sent - len(worker.answered)
        duplicated = [n for n, count in worker.answered.items() if count > 1]
        assert lost == 0 and not duplicated, f"thread {worker.index}: {lost} lost, duplicated {duplicated[:5]}"
    per_style = collections.Counter()
    for worker in workers:
        per_style[worker.style] += worker.sent
    print(f"requests in {SECONDS:.0f} s: {dict(per_style)}")

    # Nothing is left in flight, and closing ends the dispatcher thread at once.
    assert client.metrics()["in_flight"] == 0
    dispatcher = client._async.dispatcher
    assert dispatcher.router.pending == 0
    client.close()
    assert not dispatcher.thread.is_alive()
