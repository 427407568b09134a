"""Streaming (ModelStreamInfer) on the decoupled repeat model, every stream style of tritonlink
and tritonclient (see _stream_workloads.STREAM_STYLES): 1000 responses per request with one
request at a time, and one response per request with 64 requests outstanding on the one stream.

Here infer_per_s in extra_info and in the summary is responses/s: the responses that carry OUT,
not the empty final response each request ends with.
"""

from __future__ import annotations

import pytest

import _stream_workloads as ws

# (responses per request, requests outstanding, requests per run): about a second's worth for
# the slower client.
WORKLOADS = [(1000, 1, 10), (1, 64, 2000)]


@pytest.mark.parametrize("responses, in_flight, total", WORKLOADS,
                         ids=[f"{n} per request x{k}" for n, k, _ in WORKLOADS])
@pytest.mark.parametrize("style", list(ws.STREAM_STYLES))
def test_stream_responses(time_runs, style, responses, in_flight, total):
    time_runs(ws.STREAM_STYLES[style], ws.REPEAT_MODEL, ws.repeat_payload(responses), total, in_flight)
