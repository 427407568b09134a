// Retries of failed calls (tritonlink.RetryPolicy's compiled form) and the attempts of one call
// under a policy. One schedule serves the blocking path (which sleeps between attempts) and the
// engine (which waits on an alarm on its completion queue).
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "call_options.h"

namespace tritonlink {

struct RetryPolicy {
  int max_attempts = 1;  // the first attempt included
  double initial_backoff_s = 0.05;
  double max_backoff_s = 1.0;
  double multiplier = 2.0;
  double jitter = 0.2;  // each wait is scaled by a uniform factor in [1 - jitter, 1 + jitter]
  // Codes retried when the request may not have run (see status_classes.h), or always with
  // retry_after_send. A request that never left the client is retried whatever its code.
  // DEADLINE_EXCEEDED never is (the deadline is the call's); CANCELLED only when the server
  // sent it (a server shutting down cancels what it had not started), never the caller's own.
  std::vector<grpc::StatusCode> retry_on = {grpc::StatusCode::UNAVAILABLE};
  bool retry_after_send = false;

  // The wait before attempt `attempt` + 1, jitter left out.
  std::chrono::duration<double> backoff(int attempt) const;
  // Whether a failed attempt's `status` is one this policy tries again.
  bool covers(const grpc::Status& status) const;
};

// The attempts of one call: they share its deadline, its metadata and its policy.
class Attempts {
 public:
  explicit Attempts(CallOptions options);  // the call starts now

  // Readies the next attempt's (fresh) context.
  void prepare(grpc::ClientContext& context) const { options_.apply(context, deadline_); }
  // Counts the attempt that ended with `status` and says how long to wait before the next one;
  // nullopt when the call ends with it: success, a status the policy does not retry, no
  // attempts left, or a deadline that would pass during the wait.
  std::optional<std::chrono::nanoseconds> retry_after(const grpc::Status& status);
  // The call's final status from its last attempt's, saying how many attempts it took.
  grpc::Status outcome(const grpc::Status& last) const;
  int made() const { return made_; }
  // Whether the policy allows more than one attempt at all.
  bool may_retry() const { return options_.retry && options_.retry->max_attempts > 1; }

 private:
  const CallOptions options_;
  const std::optional<std::chrono::system_clock::time_point> deadline_;
  int made_ = 0;
};

}  // namespace tritonlink
