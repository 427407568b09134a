#include "dlpack.h"

#include <stdexcept>

namespace tritonlink {
namespace {

std::string shape_text(const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

// The deleter's state: the shape lives beside the struct it describes.
struct Exported {
  DLManagedTensor managed{};
  std::vector<int64_t> shape;
  void* owner;
  void (*release)(void*);
};

void delete_exported(DLManagedTensor* self) {
  auto* exported = static_cast<Exported*>(self->manager_ctx);
  exported->release(exported->owner);
  delete exported;
}

}  // namespace

size_t row_major_byte_size(const std::vector<int64_t>& shape, const std::vector<int64_t>& byte_strides,
                           size_t element_size, const std::string& what) {
  if (!byte_strides.empty() && byte_strides.size() != shape.size()) {
    throw std::invalid_argument(what + ": " + std::to_string(byte_strides.size()) + " strides for " +
                                std::to_string(shape.size()) + " dimensions");
  }
  size_t elements = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw std::invalid_argument(what + ": negative dimension in shape " + shape_text(shape));
    elements *= static_cast<size_t>(dim);
  }
  if (elements == 0 || byte_strides.empty()) return elements * element_size;
  auto expected = static_cast<int64_t>(element_size);  // the stride C order gives each dimension
  for (size_t i = shape.size(); i-- > 0;) {
    if (shape[i] != 1 && byte_strides[i] != expected) {
      throw std::invalid_argument(what + " is not C-contiguous (shape " + shape_text(shape) + ", strides " +
                                  shape_text(byte_strides) + " in bytes): make it contiguous first");
    }
    expected *= shape[i];
  }
  return elements * element_size;
}

DeviceBytes dlpack_bytes(const DLTensor& tensor, const std::string& what) {
  if (tensor.ndim < 0) throw std::invalid_argument(what + ": negative ndim");
  if (tensor.dtype.lanes != 1 || tensor.dtype.bits == 0 || tensor.dtype.bits % 8 != 0) {
    throw std::invalid_argument(what + ": DLPack dtype of " + std::to_string(tensor.dtype.bits) + " bits x " +
                                std::to_string(tensor.dtype.lanes) + " lanes has no Triton datatype");
  }
  const auto ndim = static_cast<size_t>(tensor.ndim);
  std::vector<int64_t> shape(tensor.shape, tensor.shape + ndim);
  const size_t element_size = tensor.dtype.bits / 8;
  std::vector<int64_t> byte_strides;
  for (size_t i = 0; tensor.strides != nullptr && i < ndim; ++i) {
    byte_strides.push_back(tensor.strides[i] * static_cast<int64_t>(element_size));
  }
  const size_t byte_size = row_major_byte_size(shape, byte_strides, element_size, what);
  return {tensor.device, static_cast<const char*>(tensor.data) + tensor.byte_offset, byte_size};
}

DLDataType dlpack_datatype(const Datatype& datatype) {
  const auto bits = static_cast<uint8_t>(datatype.element_size * 8);
  if (datatype.name == "BF16") return {4, bits, 1};
  switch (datatype.numpy_kind) {
    case 'i':
      return {0, bits, 1};
    case 'u':
      return {1, bits, 1};
    case 'f':
      return {2, bits, 1};
    case 'b':
      return {6, bits, 1};
    default:
      throw std::invalid_argument(std::string(datatype.name) + " tensors have no DLPack form");
  }
}

DLManagedTensor* make_dlpack_tensor(void* data, DLDevice device, const Datatype& datatype,
                                    const std::vector<int64_t>& shape, void* owner, void (*release)(void*)) {
  const DLDataType dtype = dlpack_datatype(datatype);
  auto* exported = new Exported{{}, shape, owner, release};
  DLTensor& tensor = exported->managed.dl_tensor;
  tensor.data = data;
  tensor.device = device;
  tensor.ndim = static_cast<int32_t>(shape.size());
  tensor.dtype = dtype;
  tensor.shape = exported->shape.data();
  tensor.strides = nullptr;
  tensor.byte_offset = 0;
  exported->managed.manager_ctx = exported;
  exported->managed.deleter = delete_exported;
  return &exported->managed;
}

}  // namespace tritonlink
