// Triton's classification extension: a requested output with the parameter
// "classification" = k comes back as its top k elements, a BYTES tensor of "value:index".
#pragma once

#include <string>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"

namespace tritonlink::server {

// Replaces `output` and its raw contents `raw` by its top `k` classes (fewer when it has
// fewer elements), highest first; INVALID_ARGUMENT for a datatype without an order.
grpc::Status classify(inference::ModelInferResponse::InferOutputTensor& output, std::string& raw, uint64_t k);

}  // namespace tritonlink::server
