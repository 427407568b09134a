#include "header_forwarding.h"

namespace tritonlink::server {

HeaderForwarding::HeaderForwarding(const std::string& pattern) {
  if (!pattern.empty()) pattern_.emplace(pattern);
}

void HeaderForwarding::apply(const grpc::CallbackServerContext& context, inference::ModelInferRequest& request) const {
  if (!pattern_) return;
  for (const auto& [key, value] : context.client_metadata()) {
    const std::string name(key.data(), key.size());
    if (std::regex_match(name, *pattern_)) {
      (*request.mutable_parameters())[name].set_string_param(std::string(value.data(), value.size()));
    }
  }
}

}  // namespace tritonlink::server
