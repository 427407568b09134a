// Python arguments -> core request types. Runs with the GIL held; borrows array memory.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "call_options.h"
#include "infer_request.h"
#include "parameters.h"

namespace tritonlink::bindings {

// {name: bool | int | float | str | numpy scalar} or None. Ints above INT64_MAX and numpy
// unsigned integers go as uint64_param.
Parameters parameters_from_python(const pybind11::handle& parameters);

// `inputs` as inputs_from_python takes them (input_conversion.h): the objects whose memory
// the request borrows are appended to `lent`, which must stay referenced while it is in use.
// Requested outputs: a sequence of (name, parameters or None).
InferRequest request_from_python(const std::string& model_name, const pybind11::handle& inputs,
                                 const pybind11::handle& outputs, const std::string& model_version,
                                 const std::string& request_id, const pybind11::handle& parameters,
                                 pybind11::list& lent);

// `headers`: (key, value) pairs or None; an entry keyed kCompressionRequestKey sets the
// call's compression instead (ValueError for an unknown algorithm). `retry`: None or a
// _core.RetryPolicy.
CallOptions call_options_from_python(const pybind11::handle& timeout_s, const pybind11::handle& headers,
                                     const pybind11::handle& retry = pybind11::none());

}  // namespace tritonlink::bindings
