// Shapes that came from the wire, checked (core/tensor_shape.h) with errors naming the output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "tensor_shape.h"

namespace tritonlink::bindings {

// The number of elements of output `name`'s shape, each of `element_size` bytes; ValueError
// for a shape no array can have.
inline size_t checked_element_count(const std::string& name, const std::vector<int64_t>& shape, size_t element_size) {
  try {
    return element_count(shape, element_size);
  } catch (const BadShape& e) {
    throw pybind11::value_error("output '" + name + "' has " + e.what());
  }
}

}  // namespace tritonlink::bindings
