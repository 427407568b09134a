// The request-level parameters Triton gives a meaning of its own (sequence, priority,
// server-side timeout, empty final responses), read and type-checked as Triton's gRPC frontend
// does, and the rest.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"

namespace tritonlink::server {

struct RequestOptions {
  std::variant<uint64_t, std::string> sequence_id = uint64_t{0};  // 0: not in a sequence
  bool sequence_start = false;
  bool sequence_end = false;
  uint64_t priority = 0;
  uint64_t timeout_us = 0;
  // A decoupled model's final flag travels on an empty response of its own (otherwise a
  // request that ends without a response says nothing of its end).
  bool enable_empty_final_response = false;
  // Every other parameter, as the model sees it.
  std::vector<std::pair<std::string, const inference::InferParameter*>> custom;
};

// INVALID_ARGUMENT when a reserved parameter has a type Triton refuses for it.
grpc::Status read_request_options(const inference::ModelInferRequest& request, RequestOptions* options);

}  // namespace tritonlink::server
