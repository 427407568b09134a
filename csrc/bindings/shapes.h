// Shapes that came from the wire: element counts computed with overflow checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

namespace tritonlink::bindings {

// The number of elements of output `name`'s shape; ValueError for a negative dimension or a
// count that overflows size_t.
inline size_t checked_element_count(const std::string& name, const std::vector<int64_t>& shape) {
  size_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw pybind11::value_error("output '" + name + "' has a negative dimension");
    if (__builtin_mul_overflow(count, static_cast<size_t>(dim), &count)) {
      throw pybind11::value_error("output '" + name + "' has a shape too large to hold");
    }
  }
  return count;
}

}  // namespace tritonlink::bindings
