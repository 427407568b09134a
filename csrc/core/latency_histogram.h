// Durations counted in log-spaced buckets (8 per doubling, so a bucket is at most 12.5% wide)
// of atomic counters: recording is a few relaxed atomic adds, no lock, safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

namespace tritonlink {

class LatencyHistogram {
 public:
  // Exact buckets for 0..7 ns, then 8 per power of two up to 2^64 ns.
  static constexpr size_t kBuckets = 8 + 61 * 8;

  void record(std::chrono::nanoseconds duration);

  // Bucket `index` holds durations in [lower_ns(index), lower_ns(index + 1)).
  static uint64_t lower_ns(size_t index);
  static size_t index_of(uint64_t ns);

  struct Snapshot {
    std::vector<uint64_t> counts;  // per bucket
    uint64_t count = 0;
    uint64_t sum_ns = 0;
    // The q-quantile (0..1), as the midpoint of the bucket holding it; 0 when empty.
    double quantile_ns(double q) const;
  };
  // Taken without stopping writers: counts recorded meanwhile may or may not be in it.
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

}  // namespace tritonlink
