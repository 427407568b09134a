// DLPack, the C ABI that torch, cupy, jax and numpy exchange tensors through (the unversioned
// DLManagedTensor that `__dlpack__()` returns by default), and the checks tritonlink makes on
// tensors coming in and the tensors it hands out of CUDA regions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "datatypes.h"

namespace tritonlink {

// The ABI structs, as the DLPack specification lays them out.
enum DLDeviceType : int32_t { kDLCPU = 1, kDLCUDA = 2, kDLCUDAHost = 3, kDLCUDAManaged = 13 };
struct DLDevice {
  int32_t device_type;
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;  // 0 int, 1 uint, 2 float, 4 bfloat, 6 bool
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; null means compact row-major
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor* self);
};

// The bytes a tensor occupies when it is laid out as C order (row-major, no gaps); strides
// of size-1 dimensions do not matter (torch gives them arbitrary values). std::invalid_argument
// naming `what` and the layout otherwise. `byte_strides` in bytes; empty means compact.
size_t row_major_byte_size(const std::vector<int64_t>& shape, const std::vector<int64_t>& byte_strides,
                           size_t element_size, const std::string& what);

// Where a DLPack tensor's bytes are, checked as above (sub-byte and vector dtypes refused).
struct DeviceBytes {
  DLDevice device;
  const void* data;
  size_t byte_size;
};
DeviceBytes dlpack_bytes(const DLTensor& tensor, const std::string& what);

// DLPack's type code for a fixed-size Triton datatype; std::invalid_argument for BYTES.
DLDataType dlpack_datatype(const Datatype& datatype);

// A DLManagedTensor over `data` (which the caller keeps valid until `release(owner)` runs, from
// the tensor's deleter, on whatever thread the consumer frees it).
DLManagedTensor* make_dlpack_tensor(void* data, DLDevice device, const Datatype& datatype,
                                    const std::vector<int64_t>& shape, void* owner, void (*release)(void*));

}  // namespace tritonlink
