// The decoded ModelInferResponse as a Python object whose outputs become numpy views.
#pragma once

#include <memory>

#include <pybind11/pybind11.h>

#include "infer_response.h"

namespace tritonlink::bindings {

// Python-side holder; numpy views over its outputs keep it (and the message bytes) alive.
struct PyInferResponse {
  std::shared_ptr<const InferResponse> response;
};

void register_response(pybind11::module_& m);

}  // namespace tritonlink::bindings
