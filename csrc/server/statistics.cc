#include "statistics.h"

namespace tritonlink::server {

void InferenceStatistics::Duration::add(Clock::duration elapsed) {
  ++count;
  ns += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
}

void InferenceStatistics::Duration::fill(inference::StatisticDuration* duration) const {
  duration->set_count(count);
  duration->set_ns(ns);
}

void InferenceStatistics::record(const Timeline& timeline, bool succeeded) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::lock_guard<std::mutex> lock(mu_);
  Counters& c = counters_;
  if (!succeeded) {
    c.fail.add(timeline.finished - timeline.received);
    return;
  }
  c.last_inference_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  ++c.inference_count;  // the built-in models do not batch: one inference per execution
  ++c.execution_count;
  c.success.add(timeline.finished - timeline.received);
  // No scheduler queue: a request goes to its model at once. What the handler does before
  // that (finding the model, preparing the response) stands for Triton's input copying.
  c.queue.add(Clock::duration::zero());
  c.compute_input.add(timeline.model_started - timeline.received);
  c.compute_infer.add(timeline.model_finished - timeline.model_started);
  c.compute_output.add(timeline.finished - timeline.model_finished);
}

void InferenceStatistics::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  counters_ = Counters{};
}

void InferenceStatistics::fill(inference::ModelStatistics* statistics) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Counters& c = counters_;
  statistics->set_last_inference(c.last_inference_ms);
  statistics->set_inference_count(c.inference_count);
  statistics->set_execution_count(c.execution_count);
  auto* phases = statistics->mutable_inference_stats();
  c.success.fill(phases->mutable_success());
  c.fail.fill(phases->mutable_fail());
  c.queue.fill(phases->mutable_queue());
  c.compute_input.fill(phases->mutable_compute_input());
  c.compute_infer.fill(phases->mutable_compute_infer());
  c.compute_output.fill(phases->mutable_compute_output());
  phases->mutable_cache_hit();  // no response cache: present and empty, as in Triton
  phases->mutable_cache_miss();
  if (c.execution_count == 0) return;
  auto* batch = statistics->add_batch_stats();
  batch->set_batch_size(1);
  c.compute_input.fill(batch->mutable_compute_input());
  c.compute_infer.fill(batch->mutable_compute_infer());
  c.compute_output.fill(batch->mutable_compute_output());
}

}  // namespace tritonlink::server
