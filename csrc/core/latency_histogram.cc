#include "latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace tritonlink {

size_t LatencyHistogram::index_of(uint64_t ns) {
  if (ns < 8) return static_cast<size_t>(ns);
  const int octave = 63 - __builtin_clzll(ns);  // >= 3
  const uint64_t sub = (ns >> (octave - 3)) & 7;
  return 8 + static_cast<size_t>(octave - 3) * 8 + static_cast<size_t>(sub);
}

uint64_t LatencyHistogram::lower_ns(size_t index) {
  if (index < 8) return index;
  const size_t k = index - 8;
  const int octave = static_cast<int>(k / 8) + 3;
  if (octave > 63) return UINT64_MAX;  // the end of the last bucket
  return (8 + k % 8) << (octave - 3);
}

void LatencyHistogram::record(std::chrono::nanoseconds duration) {
  const uint64_t ns = static_cast<uint64_t>(std::max<int64_t>(duration.count(), 0));
  counts_[index_of(ns)].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const {
  Snapshot taken;
  taken.counts.resize(kBuckets);
  for (size_t i = 0; i < kBuckets; ++i) {
    taken.counts[i] = counts_[i].load(std::memory_order_relaxed);
    taken.count += taken.counts[i];
  }
  taken.sum_ns = sum_ns_.load(std::memory_order_relaxed);
  return taken;
}

double LatencyHistogram::Snapshot::quantile_ns(double q) const {
  if (count == 0) return 0;
  // The nearest-rank sample: the first bucket whose running count reaches it.
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count)));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return (static_cast<double>(lower_ns(i)) + static_cast<double>(lower_ns(i + 1))) / 2;
  }
  return static_cast<double>(lower_ns(counts.size()));
}

}  // namespace tritonlink
