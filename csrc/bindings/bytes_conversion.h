// BYTES tensors between numpy and the core's wire form (csrc/core/bytes_tensor.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

namespace tritonlink::bindings {

// The wire form of an object array (bytes or str elements, str sent as UTF-8) or an `S`
// array (trailing NULs dropped, as numpy does), as a uint8 array owning the one buffer.
// `name` is the input's, for error messages. GIL held.
pybind11::array serialize_bytes_input(const std::string& name, const pybind11::array& array);

// A new object array of `shape` holding the payload's elements as bytes; ValueError for a
// malformed payload or an element count that does not match the shape.
pybind11::array bytes_output_array(const std::string& name, std::string_view payload,
                                   const std::vector<int64_t>& shape);

void register_bytes(pybind11::module_& m);

}  // namespace tritonlink::bindings
