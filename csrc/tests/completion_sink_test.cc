// CompletionSink under concurrency: every pushed completion is drained exactly once, and the
// consumer is never left asleep with work queued (a lost wake-up would hang, so the waits
// here have no timeout and the test runner's timeout catches a hang). Run under TSan in CI.
#include <atomic>
#include <thread>
#include <vector>

#include "check.h"
#include "completion_sink.h"

using tritonlink::Completion;
using tritonlink::CompletionSink;

namespace {

constexpr int kProducers = 4;
constexpr uint64_t kPerProducer = 50'000;

void produce(CompletionSink& sink, int producer) {
  for (uint64_t i = 0; i < kPerProducer; ++i) {
    Completion c;
    c.id = static_cast<uint64_t>(producer) * kPerProducer + i;
    sink.push(std::move(c));
    if (i % 1024 == 0) std::this_thread::yield();  // let the consumer go to sleep sometimes
  }
}

}  // namespace

TEST(every_completion_is_drained_exactly_once_by_a_waiting_consumer) {
  CompletionSink sink;
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) producers.emplace_back(produce, std::ref(sink), p);

  std::vector<int> seen(kProducers * kPerProducer, 0);
  std::vector<Completion> batch;
  uint64_t total = 0;
  size_t batches = 0;
  while (total < seen.size()) {
    batch.clear();
    sink.drain(batch, 256);
    if (batch.empty()) {
      sink.wait(-1);
      continue;
    }
    ++batches;
    for (const auto& c : batch) ++seen[c.id];
    total += batch.size();
  }
  for (auto& t : producers) t.join();
  batch.clear();
  CHECK(sink.drain(batch, 256) == 0);
  bool exactly_once = true;
  for (int count : seen) exactly_once = exactly_once && count == 1;
  CHECK(exactly_once);
  CHECK(batches < total);  // completions were taken in batches, not one wake-up each
}

TEST(drain_stops_at_max_and_keeps_the_rest) {
  CompletionSink sink;
  for (uint64_t i = 0; i < 10; ++i) {
    Completion c;
    c.id = i;
    sink.push(std::move(c));
  }
  std::vector<Completion> batch;
  CHECK(sink.drain(batch, 4) == 4);
  CHECK(sink.drain(batch, 100) == 6);
  CHECK(batch.size() == 10);
  CHECK(sink.drain(batch, 100) == 0);
}

TEST(a_push_after_draining_dry_makes_the_fd_readable) {
  CompletionSink sink;
  std::vector<Completion> batch;
  CHECK(sink.drain(batch, 16) == 0);  // arms the wake-up
  std::thread producer([&sink] { sink.push(Completion{}); });
  sink.wait(-1);
  producer.join();
  CHECK(sink.drain(batch, 16) == 1);
}

TEST(wake_interrupts_a_waiting_consumer) {
  CompletionSink sink;
  std::vector<Completion> batch;
  sink.drain(batch, 16);
  std::thread waker([&sink] { sink.wake(); });
  sink.wait(-1);
  waker.join();
  CHECK(batch.empty());
}

int main() { return tritonlink::testing::run_all(); }
