// Per-call options shared by every RPC: deadline, metadata, compression.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/client_context.h>

namespace tritonlink {

struct CallOptions {
  std::optional<double> timeout_s;  // client-side deadline
  std::vector<std::pair<std::string, std::string>> headers;

  void apply(grpc::ClientContext& context) const;
};

}  // namespace tritonlink
