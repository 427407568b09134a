#include "call_options.h"

#include <chrono>

namespace tritonlink {

void CallOptions::apply(grpc::ClientContext& context) const {
  if (timeout_s) {
    const auto timeout = std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::duration<double>(*timeout_s));
    context.set_deadline(std::chrono::system_clock::now() + timeout);
  }
  for (const auto& [key, value] : headers) context.AddMetadata(key, value);
}

}  // namespace tritonlink
