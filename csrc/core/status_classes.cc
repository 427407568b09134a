#include "status_classes.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace tritonlink {

StatusClass status_class(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return {false, false};                    // refused before the model ran
    case grpc::StatusCode::RESOURCE_EXHAUSTED:  // also a response too large to receive
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::UNAVAILABLE:
      return {true, true};
    default:  // OK, CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, DATA_LOSS and unknown codes
      return {false, true};
  }
}

bool never_sent(grpc::StatusCode code, const std::string& message) {
  if (code != grpc::StatusCode::UNAVAILABLE) return false;
  std::string lowered(message);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::array<const char*, 3> kNeverConnected = {"failed to connect", "connection refused",
                                                                 "dns resolution failed"};
  return std::any_of(kNeverConnected.begin(), kNeverConnected.end(),
                     [&](const char* words) { return lowered.find(words) != std::string::npos; });
}

StatusClass classify(const grpc::Status& status) {
  StatusClass result = status_class(status.error_code());
  if (never_sent(status.error_code(), status.error_message())) result.may_have_executed = false;
  return result;
}

}  // namespace tritonlink
