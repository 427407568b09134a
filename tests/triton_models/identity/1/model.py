"""Identity model for any datatype: OUTPUT0 = INPUT0, same shape and datatype.

This one file serves `identity` and every `identity_<dtype>` model (their 1/model.py are
symlinks to it); each model's config.pbtxt fixes the datatype.
"""

import json

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        output_config = pb_utils.get_output_config_by_name(config, "OUTPUT0")
        # BF16 has no NumPy dtype, so those tensors can only travel through DLPack.
        self._through_dlpack = output_config["data_type"] == "TYPE_BF16"

    def execute(self, requests):
        return [self._echo(request) for request in requests]

    def _echo(self, request):
        tensor = pb_utils.get_input_tensor_by_name(request, "INPUT0")
        if self._through_dlpack:
            output = pb_utils.Tensor.from_dlpack("OUTPUT0", tensor.to_dlpack())
        else:
            output = pb_utils.Tensor("OUTPUT0", tensor.as_numpy())
        return pb_utils.InferenceResponse(output_tensors=[output])
