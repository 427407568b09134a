"""OUTPUT0 = INPUT0, and PARAMETERS: one BYTES element holding, as JSON, what the request
carried as the model sees it: {"parameters": {custom and forwarded-header parameters},
"sequence_id", "sequence_start", "sequence_end", "timeout_us"}. The embedded server's
echo_parameters writes the same, plus "priority", which Triton does not show its backends.
Python-backend responses cannot carry parameters in this Triton, hence an output tensor.
"""

import json

import numpy as np
import triton_python_backend_utils as pb_utils

SEQUENCE_START, SEQUENCE_END = 1, 2  # TRITONSERVER_RequestFlag


class TritonPythonModel:
    def execute(self, requests):
        return [self._echo(request) for request in requests]

    def _echo(self, request):
        tensor = pb_utils.get_input_tensor_by_name(request, "INPUT0")
        flags = request.flags()
        echo = {
            "parameters": json.loads(request.parameters()),
            "sequence_id": request.correlation_id(),
            "sequence_start": bool(flags & SEQUENCE_START),
            "sequence_end": bool(flags & SEQUENCE_END),
            "timeout_us": request.timeout(),
        }
        parameters = np.array([json.dumps(echo).encode()], dtype=np.object_)
        return pb_utils.InferenceResponse(output_tensors=[
            pb_utils.Tensor("OUTPUT0", tensor.as_numpy()),
            pb_utils.Tensor("PARAMETERS", parameters),
        ])
