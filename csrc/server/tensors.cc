#include "tensors.h"

#include <unordered_set>

#include "bytes_tensor.h"
#include "classification.h"
#include "datatypes.h"

namespace tritonlink::server {
namespace {

grpc::Status invalid(const std::string& message) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message); }

// A BYTES payload must parse (every length prefix inside it) into one element per shape element.
grpc::Status check_bytes_payload(const inference::ModelInferRequest::InferInputTensor& tensor,
                                 const std::string& payload, uint64_t elements) {
  size_t found = 0;
  try {
    found = decode_bytes_tensor(payload).size();
  } catch (const MalformedBytesTensor& e) {
    return invalid("input '" + tensor.name() + "' is not a valid BYTES tensor: " + e.what());
  }
  if (found != elements) {
    return invalid("expected " + std::to_string(elements) + " string elements for inference input '" + tensor.name() +
                   "', got " + std::to_string(found));
  }
  return grpc::Status::OK;
}

// Checks a tensor's payload against its datatype and shape.
grpc::Status check_payload(const inference::ModelInferRequest::InferInputTensor& tensor, const Datatype& datatype,
                           const std::string& payload) {
  uint64_t elements = 1;
  for (int64_t dim : tensor.shape()) {
    if (dim < 0) return invalid("input '" + tensor.name() + "' has a negative dimension");
    if (__builtin_mul_overflow(elements, static_cast<uint64_t>(dim), &elements)) {
      return invalid("input '" + tensor.name() + "' has a shape too large to hold");
    }
  }
  const size_t width = datatype.element_size;
  if (width == 0) return check_bytes_payload(tensor, payload, elements);
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(elements, width, &bytes) || bytes != payload.size()) {
    return invalid("input '" + tensor.name() + "' has " + std::to_string(payload.size()) +
                   " bytes of data, which does not fit its shape and datatype " + tensor.datatype());
  }
  return grpc::Status::OK;
}

template <typename It>
std::string dims_text(It begin, It end) {
  std::string text = "[";
  for (It it = begin; it != end; ++it) text += (it == begin ? "" : ",") + std::to_string(*it);
  return text + "]";
}

// Outputs requested with "classification" = k come back as their top k classes.
grpc::Status classify_requested_outputs(const inference::ModelInferRequest& request,
                                        inference::ModelInferResponse& response) {
  for (const auto& wanted : request.outputs()) {
    const auto it = wanted.parameters().find("classification");
    if (it == wanted.parameters().end()) continue;
    if (it->second.parameter_choice_case() != inference::InferParameter::kInt64Param || it->second.int64_param() < 0) {
      return invalid("invalid value type for 'classification' parameter of output '" + wanted.name() +
                     "', expected a non-negative int64_param");
    }
    if (it->second.int64_param() == 0) continue;
    for (int i = 0; i < response.outputs_size(); ++i) {
      if (response.outputs(i).name() != wanted.name() || i >= response.raw_output_contents_size()) continue;
      grpc::Status status = classify(*response.mutable_outputs(i), *response.mutable_raw_output_contents(i),
                                     static_cast<uint64_t>(it->second.int64_param()));
      if (!status.ok()) return status;
    }
  }
  return grpc::Status::OK;
}

}  // namespace

grpc::Status collect_inputs(inference::ModelInferRequest& request, std::vector<RequestInput>* inputs) {
  if (request.raw_input_contents_size() != request.inputs_size()) {
    return invalid("expected one raw_input_contents entry per input, got " +
                   std::to_string(request.raw_input_contents_size()) + " for " + std::to_string(request.inputs_size()) +
                   " inputs");
  }
  inputs->clear();
  for (int i = 0; i < request.inputs_size(); ++i) {
    const auto& tensor = request.inputs(i);
    const Datatype* datatype = find_datatype(tensor.datatype());
    if (datatype == nullptr) {
      return invalid("input '" + tensor.name() + "' has unknown datatype '" + tensor.datatype() + "'");
    }
    std::string* raw = request.mutable_raw_input_contents(i);
    if (auto status = check_payload(tensor, *datatype, *raw); !status.ok()) return status;
    inputs->push_back({&tensor, raw});
  }
  return grpc::Status::OK;
}

grpc::Status check_declared(const std::string& model, const TensorSpec& spec, const RequestInput& input) {
  const auto& tensor = *input.tensor;
  if (tensor.datatype() != spec.datatype) {
    return invalid("inference input '" + tensor.name() + "' data-type is '" + tensor.datatype() + "', but model '" +
                   model + "' expects '" + spec.datatype + "'");
  }
  bool fits = static_cast<size_t>(tensor.shape_size()) == spec.dims.size();
  for (size_t i = 0; fits && i < spec.dims.size(); ++i) fits = spec.dims[i] == -1 || spec.dims[i] == tensor.shape(i);
  if (!fits) {
    return invalid("unexpected shape for input '" + tensor.name() + "' for model '" + model + "'. Expected " +
                   dims_text(spec.dims.begin(), spec.dims.end()) + ", got " +
                   dims_text(tensor.shape().begin(), tensor.shape().end()));
  }
  return grpc::Status::OK;
}

grpc::Status find_input(const std::vector<RequestInput>& inputs, const std::string& name, RequestInput* found) {
  for (const auto& input : inputs) {
    if (input.tensor->name() == name) {
      *found = input;
      return grpc::Status::OK;
    }
  }
  return invalid("expected input '" + name + "' is missing from the request");
}

void add_output(inference::ModelInferResponse& response, const std::string& name, const std::string& datatype,
                const google::protobuf::RepeatedField<int64_t>& shape, std::string payload) {
  auto* out = response.add_outputs();
  out->set_name(name);
  out->set_datatype(datatype);
  *out->mutable_shape() = shape;
  *response.add_raw_output_contents() = std::move(payload);
}

grpc::Status select_requested_outputs(const inference::ModelInferRequest& request,
                                      inference::ModelInferResponse& response) {
  if (request.outputs_size() == 0) return grpc::Status::OK;
  std::unordered_set<std::string> wanted;
  for (const auto& output : request.outputs()) wanted.insert(output.name());
  for (const auto& name : wanted) {
    bool known = false;
    for (const auto& output : response.outputs()) known = known || output.name() == name;
    if (!known) return invalid("unexpected inference output '" + name + "' for model '" + request.model_name() + "'");
  }
  // Like Triton, outputs keep the model's order; only the unrequested ones are dropped.
  inference::ModelInferResponse selected;
  for (int i = 0; i < response.outputs_size(); ++i) {
    if (!wanted.count(response.outputs(i).name())) continue;
    selected.add_outputs()->Swap(response.mutable_outputs(i));
    selected.add_raw_output_contents()->swap(*response.mutable_raw_output_contents(i));
  }
  response.mutable_outputs()->Swap(selected.mutable_outputs());
  response.mutable_raw_output_contents()->Swap(selected.mutable_raw_output_contents());
  return classify_requested_outputs(request, response);
}

}  // namespace tritonlink::server
