// Per-call options shared by every RPC: deadline, metadata, compression.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <grpc/compression.h>
#include <grpcpp/client_context.h>

namespace tritonlink {

// The metadata key that grpc::ClientContext::set_compression_algorithm itself writes. A
// binding that receives the call's metadata as one list may carry the per-call compression
// under it; call_options turn it back into CallOptions::compression.
constexpr char kCompressionRequestKey[] = "grpc-internal-encoding-request";

struct CallOptions {
  std::optional<double> timeout_s;  // client-side deadline
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<grpc_compression_algorithm> compression;  // of the request message

  void apply(grpc::ClientContext& context) const;
};

// "gzip", "deflate" or "identity" (none); nullopt for any other name.
std::optional<grpc_compression_algorithm> compression_algorithm_named(const std::string& name);

}  // namespace tritonlink
