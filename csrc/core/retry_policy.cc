#include "retry_policy.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "status_classes.h"

namespace tritonlink {
namespace {

double jitter_factor(double jitter) {
  if (jitter <= 0) return 1.0;
  thread_local std::minstd_rand random(std::random_device{}());
  return std::uniform_real_distribution<double>(1.0 - jitter, 1.0 + jitter)(random);
}

}  // namespace

std::chrono::duration<double> RetryPolicy::backoff(int attempt) const {
  const double grown = initial_backoff_s * std::pow(multiplier, std::max(attempt - 1, 0));
  return std::chrono::duration<double>(std::min(grown, max_backoff_s));
}

bool RetryPolicy::covers(const grpc::Status& status) const {
  const grpc::StatusCode code = status.error_code();
  // The deadline is the whole call's: another attempt would meet the same one.
  if (status.ok() || code == grpc::StatusCode::DEADLINE_EXCEEDED) return false;
  if (never_sent(code, status.error_message())) return true;
  if (std::find(retry_on.begin(), retry_on.end(), code) == retry_on.end()) return false;
  return retry_after_send || !status_class(code).may_have_executed;
}

Attempts::Attempts(CallOptions options) : options_(std::move(options)), deadline_(options_.deadline_from_now()) {}

std::optional<std::chrono::nanoseconds> Attempts::retry_after(const grpc::Status& status) {
  ++made_;
  const RetryPolicy* policy = options_.retry.get();
  if (!policy || made_ >= policy->max_attempts || !policy->covers(status)) return std::nullopt;
  const auto wait =
      std::chrono::duration_cast<std::chrono::nanoseconds>(policy->backoff(made_) * jitter_factor(policy->jitter));
  if (deadline_ && std::chrono::system_clock::now() + wait >= *deadline_) return std::nullopt;
  return wait;
}

grpc::Status Attempts::outcome(const grpc::Status& last) const {
  if (made_ <= 1 || last.ok()) return last;
  return grpc::Status(last.error_code(), last.error_message() + " (after " + std::to_string(made_) + " attempts)",
                      last.error_details());
}

}  // namespace tritonlink
