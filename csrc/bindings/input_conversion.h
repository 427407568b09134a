// Request inputs from Python: {name: ndarray} straight from the caller, or the tuples
// tritonlink's Python layer prepares. Runs with the GIL held; borrows array memory.
#pragma once

#include <vector>

#include <pybind11/pybind11.h>

#include "infer_request.h"

namespace tritonlink::bindings {

// `inputs` is a dict {name: ndarray}, or a sequence of prepared
// (name, datatype, shape, array or None, parameters or None) tuples whose arrays are
// C-contiguous and little-endian. Every Python object whose memory the returned tensors point
// into is appended to `lent`: keep `lent` referenced while the request is in use.
//
// Every dict entry is checked here: a C-contiguous little-endian array of a fixed-size datatype
// is sent from its own memory; another array is converted (one copy) or, for BYTES, serialized;
// anything else raises the TypeError/ValueError naming the input.
std::vector<InputTensor> inputs_from_python(const pybind11::handle& inputs, pybind11::list& lent);

}  // namespace tritonlink::bindings
