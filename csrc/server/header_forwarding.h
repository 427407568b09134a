// Triton's --grpc-header-forward-pattern: request headers whose name matches reach models as
// string request parameters.
#pragma once

#include <optional>
#include <regex>
#include <string>

#include <grpcpp/server_context.h>

#include "grpc_service.pb.h"

namespace tritonlink::server {

class HeaderForwarding {
 public:
  // `pattern` is an ECMAScript regex matched against the whole header name; none when empty.
  // Throws std::regex_error for a pattern that is not a regular expression.
  explicit HeaderForwarding(const std::string& pattern);

  void apply(const grpc::CallbackServerContext& context, inference::ModelInferRequest& request) const;

 private:
  std::optional<std::regex> pattern_;
};

}  // namespace tritonlink::server
