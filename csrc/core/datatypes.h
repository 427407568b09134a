// Triton's tensor datatypes: the one table the codec, the bindings and the embedded server read.
#pragma once

#include <cstddef>
#include <string_view>

namespace tritonlink {

struct Datatype {
  std::string_view name;  // as the protocol spells it: "FP32"
  size_t element_size;    // bytes per element; 0 for BYTES, whose elements are length-prefixed
  // numpy's dtype.kind for the arrays numpy itself types ('b', 'u', 'i', 'f'; 'O' for BYTES),
  // or 0 where the dtype comes from another package and is known by numpy_name alone.
  char numpy_kind;
  std::string_view numpy_name;  // numpy's dtype.name: "float32", "bfloat16" (ml_dtypes), "object"
};

inline constexpr Datatype kDatatypes[] = {
    {"BOOL", 1, 'b', "bool"},     {"UINT8", 1, 'u', "uint8"},   {"UINT16", 2, 'u', "uint16"},
    {"UINT32", 4, 'u', "uint32"}, {"UINT64", 8, 'u', "uint64"}, {"INT8", 1, 'i', "int8"},
    {"INT16", 2, 'i', "int16"},   {"INT32", 4, 'i', "int32"},   {"INT64", 8, 'i', "int64"},
    {"FP16", 2, 'f', "float16"},  {"FP32", 4, 'f', "float32"},  {"FP64", 8, 'f', "float64"},
    {"BF16", 2, 0, "bfloat16"},   {"BYTES", 0, 'O', "object"},
};

// The entry called `name`, or null for a name Triton does not know.
const Datatype* find_datatype(std::string_view name);

// The entry of a fixed-size datatype numpy types itself, by numpy's kind and itemsize; or null.
const Datatype* find_numpy_datatype(char kind, size_t itemsize);

}  // namespace tritonlink
