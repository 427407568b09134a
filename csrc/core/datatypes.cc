#include "datatypes.h"

namespace tritonlink {

const Datatype* find_datatype(std::string_view name) {
  for (const Datatype& datatype : kDatatypes) {
    if (datatype.name == name) return &datatype;
  }
  return nullptr;
}

const Datatype* find_numpy_datatype(char kind, size_t itemsize) {
  for (const Datatype& datatype : kDatatypes) {
    if (datatype.element_size != 0 && datatype.numpy_kind == kind && datatype.element_size == itemsize)
      return &datatype;
  }
  return nullptr;
}

}  // namespace tritonlink
