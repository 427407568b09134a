// Per-call options shared by every RPC: deadline, metadata, compression, retries.
#pragma once

#include <chrono>
#include <memory>
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

struct RetryPolicy;

struct CallOptions {
  std::optional<double> timeout_s;  // client-side deadline, across all attempts
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<grpc_compression_algorithm> compression;  // of the request message
  std::shared_ptr<const RetryPolicy> retry;               // null: one attempt (see retry_policy.h)

  using Deadline = std::optional<std::chrono::system_clock::time_point>;
  // The deadline of a call that starts now; none without timeout_s.
  Deadline deadline_from_now() const;
  // Puts the deadline, the metadata and the compression on one attempt's context.
  void apply(grpc::ClientContext& context, const Deadline& deadline) const;
  void apply(grpc::ClientContext& context) const { apply(context, deadline_from_now()); }
};

// "gzip", "deflate" or "identity" (none); nullopt for any other name.
std::optional<grpc_compression_algorithm> compression_algorithm_named(const std::string& name);

}  // namespace tritonlink
