#include "tensor_shape.h"

#include <limits>

namespace tritonlink {

size_t element_count(const std::vector<int64_t>& shape, size_t element_size) {
  size_t span = element_size == 0 ? 1 : element_size;
  bool empty = false;
  for (int64_t dim : shape) {
    if (dim < 0) throw BadShape("a negative dimension");
    if (dim == 0) {
      empty = true;
      continue;
    }
    if (__builtin_mul_overflow(span, static_cast<size_t>(dim), &span) ||
        span > static_cast<size_t>(std::numeric_limits<ptrdiff_t>::max())) {
      throw BadShape("a shape too large to hold");
    }
  }
  if (empty) return 0;
  return element_size == 0 ? span : span / element_size;
}

}  // namespace tritonlink
