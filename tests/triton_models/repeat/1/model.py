"""repeat (decoupled): one response per element of IN, each after DELAY_MS[i] ms when DELAY_MS
is given, then the final flag alone.

While it waits it looks every few milliseconds whether the client cancelled the request, and
then stops: a test that cancels a stream of long delays must not leave an instance busy
working through them.
"""

import time

import numpy as np
import triton_python_backend_utils as pb_utils

POLL_SECONDS = 0.005


class TritonPythonModel:
    def execute(self, requests):
        for request in requests:
            self._stream_elements(request)
        # Decoupled models answer through each request's response sender, not the return value.
        return None

    def _stream_elements(self, request):
        sender = request.get_response_sender()
        values = pb_utils.get_input_tensor_by_name(request, "IN").as_numpy()
        delays = pb_utils.get_input_tensor_by_name(request, "DELAY_MS")
        delays_ms = delays.as_numpy() if delays is not None else np.zeros(len(values), dtype=np.uint32)
        if len(delays_ms) != len(values):
            sender.send(
                pb_utils.InferenceResponse(error=pb_utils.TritonError(
                    f"DELAY_MS has {len(delays_ms)} elements, IN has {len(values)}: they must match")),
                flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL,
            )
            return
        for index, value in enumerate(values):
            # Sleeping here holds this instance: fine for a test model.
            if not self._wait(request, float(delays_ms[index]) / 1000.0):
                break
            sender.send(
                pb_utils.InferenceResponse(
                    output_tensors=[
                        pb_utils.Tensor("OUT", np.array([value], dtype=np.int32)),
                        pb_utils.Tensor("IDX", np.array([index], dtype=np.uint32)),
                    ]
                )
            )
        sender.send(flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)

    @staticmethod
    def _wait(request, seconds):
        """Sleeps `seconds`; False as soon as the request is cancelled."""
        deadline = time.monotonic() + seconds
        while True:
            if request.is_cancelled():
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            time.sleep(min(POLL_SECONDS, left))
