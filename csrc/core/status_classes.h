// What a failed call's status says about the request: whether sending it again may succeed,
// and whether it may already have run. The one table that tritonlink.errors and the retry
// policy both read.
#pragma once

#include <grpcpp/support/status.h>

namespace tritonlink {

struct StatusClass {
  bool retryable;          // transient: the same request may succeed later
  bool may_have_executed;  // the server may have run it
};

// The class of `code` alone (UNAVAILABLE counts as possibly executed; see never_sent).
StatusClass status_class(grpc::StatusCode code);

// True for an UNAVAILABLE status whose message says the call never had a connection to go out
// on (gRPC core's "failed to connect", "Connection refused", "DNS resolution failed"): the
// request was not sent.
bool never_sent(grpc::StatusCode code, const std::string& message);

// status_class(), refined by never_sent().
StatusClass classify(const grpc::Status& status);

}  // namespace tritonlink
