// What Triton's ModelStatistics reports for one model version, measured by the embedded
// server's ModelInfer handler.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "grpc_service.pb.h"

namespace tritonlink::server {

class InferenceStatistics {
 public:
  using Clock = std::chrono::steady_clock;

  // When one request reached each phase of the ModelInfer handler.
  struct Timeline {
    Clock::time_point received;        // the handler was called
    Clock::time_point model_started;   // the model was given the request
    Clock::time_point model_finished;  // the model called back
    Clock::time_point finished;        // the outputs the client asked for were selected
  };

  // Counts one request: a success with its phases, or a failure with its whole duration.
  void record(const Timeline& timeline, bool succeeded);

  // Back to zero, as a freshly loaded model starts.
  void reset();

  // Fills the counters and durations as Triton does: every phase of inference_stats present
  // (empty when zero), and one batch_stats entry (batch size 1) once the model has executed.
  void fill(inference::ModelStatistics* statistics) const;

 private:
  struct Duration {
    uint64_t count = 0;
    uint64_t ns = 0;
    void add(Clock::duration elapsed);
    void fill(inference::StatisticDuration* duration) const;
  };

  struct Counters {
    uint64_t last_inference_ms = 0;  // milliseconds since the epoch
    uint64_t inference_count = 0;
    uint64_t execution_count = 0;
    Duration success, fail, queue, compute_input, compute_infer, compute_output;
  };

  mutable std::mutex mu_;
  Counters counters_;
};

}  // namespace tritonlink::server
