// Reading and writing tensors of a ModelInferRequest/Response on the server side.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"
#include "model.h"

namespace tritonlink::server {

// One input of a request, with its raw payload.
struct RequestInput {
  const inference::ModelInferRequest::InferInputTensor* tensor = nullptr;
  std::string* raw = nullptr;  // raw_input_contents entry; the handler may move it out
};

// Finds every input the request carries, checking that each has a raw payload that agrees
// with its datatype and shape (for BYTES: every length prefix, and the element count).
grpc::Status collect_inputs(inference::ModelInferRequest& request, std::vector<RequestInput>* inputs);

// Checks an input against what `model` declares for it, as Triton checks against a model's
// config: the same datatype, and the same rank with each dimension equal or -1.
grpc::Status check_declared(const std::string& model, const TensorSpec& spec, const RequestInput& input);

// The input called `name`, or an INVALID_ARGUMENT status naming it.
grpc::Status find_input(const std::vector<RequestInput>& inputs, const std::string& name, RequestInput* found);

// Appends an output tensor to `response` with `payload` as its raw contents.
void add_output(inference::ModelInferResponse& response, const std::string& name, const std::string& datatype,
                const google::protobuf::RepeatedField<int64_t>& shape, std::string payload);

// Keeps only the outputs the request asked for (all when it named none), in the model's order,
// and turns those asked for with "classification" = k into their top k classes.
grpc::Status select_requested_outputs(const inference::ModelInferRequest& request,
                                      inference::ModelInferResponse& response);

}  // namespace tritonlink::server
