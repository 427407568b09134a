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
// A dict entry that is a C-contiguous little-endian array of a fixed-size datatype is read
// here; any other entry goes through tritonlink._tensors.core_input_from_array (which checks,
// converts or serializes it, or raises the error naming what is wrong).
std::vector<InputTensor> inputs_from_python(const pybind11::handle& inputs, pybind11::list& lent);

}  // namespace tritonlink::bindings
