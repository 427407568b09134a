#include "call_options.h"

#include <chrono>

namespace tritonlink {

CallOptions::Deadline CallOptions::deadline_from_now() const {
  if (!timeout_s) return std::nullopt;
  const auto timeout =
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(*timeout_s));
  return std::chrono::system_clock::now() + timeout;
}

void CallOptions::apply(grpc::ClientContext& context, const Deadline& deadline) const {
  if (deadline) context.set_deadline(*deadline);
  for (const auto& [key, value] : headers) context.AddMetadata(key, value);
  if (compression) context.set_compression_algorithm(*compression);
}

std::optional<grpc_compression_algorithm> compression_algorithm_named(const std::string& name) {
  // Parsed here rather than by grpc_compression_algorithm_parse: set_compression_algorithm
  // aborts the process on a value it does not know, so only these three ever reach it.
  if (name == "gzip") return GRPC_COMPRESS_GZIP;
  if (name == "deflate") return GRPC_COMPRESS_DEFLATE;
  if (name == "identity") return GRPC_COMPRESS_NONE;
  return std::nullopt;
}

}  // namespace tritonlink
