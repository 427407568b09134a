"""sleep: waits INPUT0[0] milliseconds, then returns OUTPUT0 = INPUT0.

It wakes every few milliseconds to see whether the client cancelled the request, and then
stops at once: a test that cancels a thousand long sleeps must not leave the server busy
working through them for minutes.
"""

import time

import triton_python_backend_utils as pb_utils

POLL_SECONDS = 0.005


class TritonPythonModel:
    def execute(self, requests):
        return [self._sleep(request) for request in requests]

    def _sleep(self, request):
        delay_ms = pb_utils.get_input_tensor_by_name(request, "INPUT0").as_numpy()
        deadline = time.monotonic() + max(float(delay_ms[0]), 0.0) / 1000.0
        while time.monotonic() < deadline:
            if request.is_cancelled():
                return pb_utils.InferenceResponse(error=pb_utils.TritonError("request cancelled"))
            time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
        return pb_utils.InferenceResponse(output_tensors=[pb_utils.Tensor("OUTPUT0", delay_ms)])
