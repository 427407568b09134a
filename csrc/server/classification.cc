#include "classification.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "bytes_tensor.h"

namespace tritonlink::server {
namespace {

// As Triton formats them: std::to_string of the element's own type, then ":" and the index.
template <typename T>
std::vector<std::string> top_classes(const std::string& raw, uint64_t k) {
  std::vector<T> values(raw.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), raw.data(), values.size() * sizeof(T));
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t count = std::min<uint64_t>(k, values.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                    [&values](size_t a, size_t b) { return values[a] > values[b]; });
  std::vector<std::string> classes;
  for (size_t i = 0; i < count; ++i)
    classes.push_back(std::to_string(values[order[i]]) + ":" + std::to_string(order[i]));
  return classes;
}

bool top_classes_for(const std::string& datatype, const std::string& raw, uint64_t k, std::vector<std::string>* out) {
  if (datatype == "UINT8") *out = top_classes<uint8_t>(raw, k);
  else if (datatype == "UINT16") *out = top_classes<uint16_t>(raw, k);
  else if (datatype == "UINT32") *out = top_classes<uint32_t>(raw, k);
  else if (datatype == "UINT64") *out = top_classes<uint64_t>(raw, k);
  else if (datatype == "INT8") *out = top_classes<int8_t>(raw, k);
  else if (datatype == "INT16") *out = top_classes<int16_t>(raw, k);
  else if (datatype == "INT32") *out = top_classes<int32_t>(raw, k);
  else if (datatype == "INT64") *out = top_classes<int64_t>(raw, k);
  else if (datatype == "FP32") *out = top_classes<float>(raw, k);
  else if (datatype == "FP64") *out = top_classes<double>(raw, k);
  else return false;
  return true;
}

}  // namespace

grpc::Status classify(inference::ModelInferResponse::InferOutputTensor& output, std::string& raw, uint64_t k) {
  std::vector<std::string> classes;
  if (!top_classes_for(output.datatype(), raw, k, &classes)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "class result not available for output '" + output.name() +
                                                                "' due to unsupported type '" + output.datatype() +
                                                                "'");
  }
  raw = encode_bytes_tensor(std::vector<std::string_view>(classes.begin(), classes.end()));
  output.set_datatype("BYTES");
  output.clear_shape();
  output.add_shape(static_cast<int64_t>(classes.size()));
  return grpc::Status::OK;
}

}  // namespace tritonlink::server
