// Shapes that came from the wire: element counts computed with overflow checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace tritonlink {

// A shape no tensor can have: a negative dimension, or one too large to address.
class BadShape : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The number of elements of `shape`, each of `element_size` bytes. Throws BadShape for a
// negative dimension, or when the bytes its non-zero dimensions span overflow ptrdiff_t: an
// array's strides span them even when another dimension is zero.
size_t element_count(const std::vector<int64_t>& shape, size_t element_size);

}  // namespace tritonlink
