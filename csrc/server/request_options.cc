#include "request_options.h"

namespace tritonlink::server {
namespace {

using Choice = inference::InferParameter::ParameterChoiceCase;

grpc::Status wrong_type(const std::string& name, const std::string& expected) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "invalid value type for '" + name + "' parameter, expected " + expected + ".");
}

grpc::Status read_unsigned(const std::string& name, const inference::InferParameter& value, bool allow_uint64,
                           uint64_t* out) {
  if (value.parameter_choice_case() == Choice::kInt64Param && value.int64_param() >= 0) {
    *out = static_cast<uint64_t>(value.int64_param());
  } else if (allow_uint64 && value.parameter_choice_case() == Choice::kUint64Param) {
    *out = value.uint64_param();
  } else {
    return wrong_type(name, allow_uint64 ? "int64_param or uint64_param" : "int64_param");
  }
  return grpc::Status::OK;
}

grpc::Status read_bool(const std::string& name, const inference::InferParameter& value, bool* out) {
  if (value.parameter_choice_case() != Choice::kBoolParam) return wrong_type(name, "bool_param");
  *out = value.bool_param();
  return grpc::Status::OK;
}

}  // namespace

grpc::Status read_request_options(const inference::ModelInferRequest& request, RequestOptions* options) {
  *options = RequestOptions();
  for (const auto& [name, value] : request.parameters()) {
    grpc::Status status;
    if (name == "sequence_id") {
      if (value.parameter_choice_case() == Choice::kStringParam) {
        options->sequence_id = value.string_param();
      } else {
        uint64_t id = 0;
        status = read_unsigned(name, value, false, &id);
        options->sequence_id = id;
        if (!status.ok()) status = wrong_type(name, "int64_param or string_param");
      }
    } else if (name == "sequence_start") {
      status = read_bool(name, value, &options->sequence_start);
    } else if (name == "sequence_end") {
      status = read_bool(name, value, &options->sequence_end);
    } else if (name == "priority") {
      status = read_unsigned(name, value, true, &options->priority);
    } else if (name == "triton_enable_empty_final_response") {
      status = read_bool(name, value, &options->enable_empty_final_response);
    } else if (name == "timeout") {
      status = read_unsigned(name, value, false, &options->timeout_us);
    } else {
      options->custom.emplace_back(name, &value);
    }
    if (!status.ok()) return status;
  }
  return grpc::Status::OK;
}

}  // namespace tritonlink::server
