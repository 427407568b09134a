#include "shared_memory_tensors.h"

#include <string>

namespace tritonlink::server {
namespace {

using TensorParameters = google::protobuf::Map<std::string, inference::InferParameter>;

grpc::Status invalid(const std::string& message) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message); }

bool placed_in_shared_memory(const TensorParameters& parameters) {
  return parameters.count("shared_memory_region") != 0;
}

grpc::Status read_size(const TensorParameters& parameters, const char* key, const std::string& tensor,
                       uint64_t* value) {
  const auto it = parameters.find(key);
  if (it == parameters.end()) {
    *value = 0;  // Triton's default for an absent offset; an absent byte size is refused below
    return grpc::Status::OK;
  }
  if (it->second.parameter_choice_case() == inference::InferParameter::kInt64Param && it->second.int64_param() >= 0) {
    *value = static_cast<uint64_t>(it->second.int64_param());
  } else if (it->second.parameter_choice_case() == inference::InferParameter::kUint64Param) {
    *value = it->second.uint64_param();
  } else {
    return invalid(std::string("invalid value type for '") + key + "' parameter of tensor '" + tensor +
                   "', expected a non-negative int64_param");
  }
  return grpc::Status::OK;
}

// The region bytes a tensor's parameters point at.
grpc::Status placed_span(const SharedMemoryRegistry& registry, const std::string& tensor,
                         const TensorParameters& parameters, SharedMemorySpan* span) {
  const auto& region = parameters.at("shared_memory_region");
  if (region.parameter_choice_case() != inference::InferParameter::kStringParam) {
    return invalid("invalid value type for 'shared_memory_region' parameter of tensor '" + tensor +
                   "', expected a string_param");
  }
  if (parameters.count("shared_memory_byte_size") == 0) {
    return invalid("'shared_memory_byte_size' parameter missing for tensor '" + tensor + "' in shared memory");
  }
  uint64_t offset = 0, byte_size = 0;
  if (auto status = read_size(parameters, "shared_memory_offset", tensor, &offset); !status.ok()) return status;
  if (auto status = read_size(parameters, "shared_memory_byte_size", tensor, &byte_size); !status.ok()) return status;
  return registry.span(region.string_param(), offset, byte_size, span);
}

// Runs a copy in or out of a region; a CUDA failure becomes the tensor's INTERNAL error.
template <typename Copy>
grpc::Status copied(const std::string& tensor, Copy copy) {
  try {
    copy();
  } catch (const CudaError& error) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "failed to copy tensor '" + tensor + "' in shared memory: " + error.what());
  }
  return grpc::Status::OK;
}

}  // namespace

grpc::Status read_shared_memory_inputs(const SharedMemoryRegistry& registry, inference::ModelInferRequest& request) {
  bool any = false;
  for (const auto& input : request.inputs()) any = any || placed_in_shared_memory(input.parameters());
  if (!any) return grpc::Status::OK;
  google::protobuf::RepeatedPtrField<std::string> contents;
  int next_inline = 0;
  for (const auto& input : request.inputs()) {
    if (!placed_in_shared_memory(input.parameters())) {
      if (next_inline >= request.raw_input_contents_size()) {
        return invalid("input '" + input.name() + "' has neither raw contents nor a shared memory region");
      }
      contents.Add()->swap(*request.mutable_raw_input_contents(next_inline++));
      continue;
    }
    SharedMemorySpan span;
    if (auto status = placed_span(registry, input.name(), input.parameters(), &span); !status.ok()) return status;
    if (auto status = copied(input.name(), [&] { span.read(contents.Add()); }); !status.ok()) return status;
  }
  if (next_inline != request.raw_input_contents_size()) {
    return invalid("more raw_input_contents entries than inputs outside shared memory");
  }
  request.mutable_raw_input_contents()->Swap(&contents);
  return grpc::Status::OK;
}

grpc::Status write_shared_memory_outputs(const SharedMemoryRegistry& registry,
                                         const inference::ModelInferRequest& request,
                                         inference::ModelInferResponse& response) {
  for (const auto& wanted : request.outputs()) {
    if (!placed_in_shared_memory(wanted.parameters())) continue;
    SharedMemorySpan span;
    if (auto status = placed_span(registry, wanted.name(), wanted.parameters(), &span); !status.ok()) return status;
    for (int i = 0; i < response.outputs_size() && i < response.raw_output_contents_size(); ++i) {
      if (response.outputs(i).name() != wanted.name()) continue;
      std::string& payload = *response.mutable_raw_output_contents(i);
      if (payload.size() > span.size()) {
        return grpc::Status(grpc::StatusCode::INTERNAL,
                            "shared memory size specified with the request for output '" + wanted.name() + "' (" +
                                std::to_string(span.size()) + " bytes) should be at least " +
                                std::to_string(payload.size()) + " bytes to hold the results");
      }
      if (auto status = copied(wanted.name(), [&] { span.write(payload); }); !status.ok()) return status;
      std::string().swap(payload);
    }
  }
  return grpc::Status::OK;
}

}  // namespace tritonlink::server
