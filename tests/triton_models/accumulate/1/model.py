"""accumulate (sequence model): OUT = the running sum of IN over the request's sequence, from
the request that starts it (which resets the sum) to the one that ends it (which drops it).

Triton's sequence batcher hands every request the START, END and READY control inputs, and
refuses, before the model sees it, a request for a sequence that was never started (or has
been idle longer than max_sequence_idle_microseconds). The sum wraps around as an int32.
"""

import numpy as np
import triton_python_backend_utils as pb_utils


def control(request, name):
    return bool(pb_utils.get_input_tensor_by_name(request, name).as_numpy().item())


class TritonPythonModel:
    def initialize(self, args):
        # correlation id (an int or a str: 5 and "5" differ, as in Triton) -> running sum
        self.sums = {}

    def execute(self, requests):
        return [self._accumulate(request) for request in requests]

    def _accumulate(self, request):
        sequence = request.correlation_id()
        value = int(pb_utils.get_input_tensor_by_name(request, "IN").as_numpy()[0])
        if control(request, "START"):
            self.sums[sequence] = 0
        total = np.array([self.sums.get(sequence, 0) + value], dtype=np.int64).astype(np.int32)
        if control(request, "END"):
            self.sums.pop(sequence, None)
        else:
            self.sums[sequence] = int(total[0])
        return pb_utils.InferenceResponse(output_tensors=[pb_utils.Tensor("OUT", total)])
