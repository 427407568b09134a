// A client's own view of its requests, per model: counts, errors by status code, requests in
// flight, bytes each way, latency histograms and, for streams, the time to the first response
// and the gaps between responses. Recorded on the calling and completion-queue threads with
// relaxed atomics (no lock); read as a snapshot.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "latency_histogram.h"

namespace tritonlink {

using MetricsClock = std::chrono::steady_clock;

struct ModelMetrics {
  static constexpr size_t kStatusCodes = 17;  // grpc::StatusCode OK (0) .. UNAUTHENTICATED (16)

  explicit ModelMetrics(std::string name) : model(std::move(name)) {}

  // A request of `bytes` (encoded) goes out; unary calls count as in flight until finished().
  void started(size_t bytes, bool unary);
  void finished(const grpc::Status& status, MetricsClock::duration latency, size_t bytes);
  // A stream response of `bytes` with `status` (OK, or the request's error).
  void streamed(const grpc::Status& status, size_t bytes);

  const std::string model;
  std::atomic<uint64_t> requests{0};
  std::atomic<int64_t> in_flight{0};
  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<uint64_t> bytes_received{0};
  std::array<std::atomic<uint64_t>, kStatusCodes> by_status{};  // unary completions and stream responses
  LatencyHistogram latency;                                     // unary: start to completion
  LatencyHistogram first_response;                              // streams: stream opened to its first response
  LatencyHistogram response_gap;                                // streams: one response to the next
};

class ClientMetrics {
 public:
  ClientMetrics() = default;
  ~ClientMetrics();
  ClientMetrics(const ClientMetrics&) = delete;
  ClientMetrics& operator=(const ClientMetrics&) = delete;

  // The metrics of `model`, made on first use. Lock-free: an open-addressed table of
  // pointers claimed with compare-and-swap and never removed. Past kModels distinct names,
  // the rest share one entry named "(other)".
  ModelMetrics& model(const std::string& name);
  std::vector<const ModelMetrics*> models() const;

 private:
  static constexpr size_t kModels = 256;
  std::array<std::atomic<ModelMetrics*>, kModels> slots_{};  // owned; freed by the destructor
  ModelMetrics other_{"(other)"};
};

}  // namespace tritonlink
