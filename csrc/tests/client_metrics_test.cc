// ClientMetrics and LatencyHistogram: bucket bounds that tile the range, quantiles within a
// bucket's width, and concurrent recording and model lookup that lose no count (run under
// TSan, which also sees the lock-free table's publication).
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "client_metrics.h"

using tritonlink::ClientMetrics;
using tritonlink::LatencyHistogram;
using namespace std::chrono_literals;

TEST(buckets_tile_the_range_and_each_value_lands_in_its_own) {
  for (size_t i = 0; i + 1 < LatencyHistogram::kBuckets; ++i) {
    CHECK(LatencyHistogram::lower_ns(i) < LatencyHistogram::lower_ns(i + 1));
    CHECK(LatencyHistogram::index_of(LatencyHistogram::lower_ns(i)) == i);
    CHECK(LatencyHistogram::index_of(LatencyHistogram::lower_ns(i + 1) - 1) == i);
  }
  CHECK(LatencyHistogram::index_of(UINT64_MAX) == LatencyHistogram::kBuckets - 1);
}

TEST(quantiles_are_within_a_bucket_of_the_recorded_values) {
  LatencyHistogram histogram;
  for (int i = 0; i < 90; ++i) histogram.record(1ms);
  for (int i = 0; i < 10; ++i) histogram.record(50ms);
  const auto taken = histogram.snapshot();
  CHECK(taken.count == 100);
  CHECK(taken.quantile_ns(0.5) >= 1e6 * 0.94 && taken.quantile_ns(0.5) <= 1e6 * 1.07);
  CHECK(taken.quantile_ns(0.99) >= 50e6 * 0.94 && taken.quantile_ns(0.99) <= 50e6 * 1.07);
  CHECK(taken.sum_ns == 90 * 1'000'000ull + 10 * 50'000'000ull);
  CHECK(LatencyHistogram().snapshot().quantile_ns(0.5) == 0);
}

TEST(concurrent_recording_and_lookup_lose_no_count) {
  ClientMetrics metrics;
  constexpr int kThreads = 4, kPerThread = 20'000, kModels = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto& model = metrics.model("m" + std::to_string((i + t) % kModels));
        model.started(10, true);
        model.finished(grpc::Status::OK, std::chrono::microseconds(i % 500), 20);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto models = metrics.models();
  CHECK(models.size() == kModels);
  uint64_t requests = 0, latencies = 0;
  for (const auto* model : models) {
    requests += model->requests.load();
    latencies += model->latency.snapshot().count;
    CHECK(model->in_flight.load() == 0);
    CHECK(model->bytes_received.load() == 2 * model->bytes_sent.load());
  }
  CHECK(requests == kThreads * kPerThread);
  CHECK(latencies == kThreads * kPerThread);
}

TEST(past_the_table_models_share_one_entry) {
  ClientMetrics metrics;
  for (int i = 0; i < 300; ++i) metrics.model("model" + std::to_string(i)).started(1, false);
  uint64_t requests = 0;
  for (const auto* model : metrics.models()) requests += model->requests.load();
  CHECK(requests == 300);
  CHECK(metrics.models().size() == 257);
}

int main() { return tritonlink::testing::run_all(); }
