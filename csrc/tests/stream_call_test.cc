// Streams on the AsyncEngine against the embedded server's `repeat` and `identity` models: responses arrive
// in order and then one final completion; reading waits for room (max_buffered); cancel and
// shutdown end a stream; every lent payload of a write is reported released once.
#include <chrono>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "async_engine.h"
#include "check.h"
#include "engine_fixture.h"

using namespace tritonlink;
using namespace tritonlink::testing;

namespace {

// A `repeat` request: one response per element of IN (each OUT = [IN[i]]), each delayed by
// delay_ms, then an empty final response.
struct RepeatRequest {
  std::vector<int32_t> values;
  std::vector<uint32_t> delays;
  InferRequest request;

  RepeatRequest(std::vector<int32_t> in, uint32_t delay_ms, const std::string& id) : values(std::move(in)) {
    request.model_name = "repeat";
    request.id = id;
    request.parameters.emplace_back("triton_enable_empty_final_response", true);
    add_input("IN", "INT32", values.data(), values.size() * sizeof(int32_t));
    if (delay_ms > 0) {
      delays.assign(values.size(), delay_ms);
      add_input("DELAY_MS", "UINT32", delays.data(), delays.size() * sizeof(uint32_t));
    }
  }

  void add_input(const char* name, const char* datatype, const void* data, size_t size) {
    InputTensor input;
    input.name = name;
    input.datatype = datatype;
    input.shape = {static_cast<int64_t>(values.size())};
    input.data = static_cast<const char*>(data);
    input.size = size;
    request.inputs.push_back(std::move(input));
  }
};

// What one stream delivered, drained from the sink.
struct StreamTally {
  std::vector<Completion> responses;
  std::vector<Completion> ends;
  std::map<uint64_t, int> releases;

  void drain_for(CompletionSink& sink, std::chrono::milliseconds how_long) {
    const auto until = std::chrono::steady_clock::now() + how_long;
    while (std::chrono::steady_clock::now() < until) take(sink, 10);
  }

  void drain_until_end(CompletionSink& sink) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ends.empty() && std::chrono::steady_clock::now() < deadline) take(sink, 50);
  }

  void take(CompletionSink& sink, int wait_ms) {
    std::vector<Completion> batch;
    if (sink.drain(batch, 256) == 0) sink.wait(wait_ms);
    for (auto& c : batch) {
      if (c.kind == Completion::Kind::kInputsReleased) {
        ++releases[c.id];
      } else if (c.final) {
        ends.push_back(std::move(c));
      } else {
        responses.push_back(std::move(c));
      }
    }
  }

  std::vector<int32_t> values() const {
    std::vector<int32_t> out;
    for (const auto& r : responses) {
      if (!r.response || r.response->outputs.empty()) continue;  // the empty final response
      int32_t v;
      std::memcpy(&v, r.response->outputs[0].data, sizeof v);
      out.push_back(v);
    }
    return out;
  }
};

std::vector<int32_t> iota(int count) {
  std::vector<int32_t> v(count);
  for (int i = 0; i < count; ++i) v[i] = i;
  return v;
}

}  // namespace

TEST(stream_delivers_responses_in_order_then_one_final_end) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  engine.start_stream(1, {}, f.sink, 1024);
  RepeatRequest repeat(iota(100), 0, "r");
  bool lent = true;
  CHECK(engine.stream_send(1, 2, repeat.request, &lent).ok());
  CHECK(!lent);  // 400 bytes are copied next to the header, not lent
  engine.stream_close(1);
  StreamTally tally;
  tally.drain_until_end(*f.sink);
  CHECK(tally.values() == iota(100));
  CHECK(tally.responses.size() == 101);
  CHECK(tally.responses.back().response && tally.responses.back().response->is_final());
  CHECK(tally.ends.size() == 1 && tally.ends[0].status.ok());
  // The engine lets the call go just after its final completion is pushed.
  for (int spins = 0; spins < 100 && engine.in_flight() > 0; ++spins) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(engine.in_flight() == 0);
  grpc::Status after = engine.stream_send(1, 3, repeat.request, &lent);
  CHECK(after.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
}

TEST(stream_reads_only_while_the_consumer_has_room) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  engine.start_stream(1, {}, f.sink, 4);
  RepeatRequest repeat(iota(50), 0, "r");
  bool lent = false;
  CHECK(engine.stream_send(1, 2, repeat.request, &lent).ok());
  StreamTally tally;
  tally.drain_for(*f.sink, std::chrono::milliseconds(300));
  CHECK(tally.responses.size() == 4);
  engine.stream_consumed(1, 4);
  tally.drain_for(*f.sink, std::chrono::milliseconds(300));
  CHECK(tally.responses.size() == 8);
  engine.stream_close(1);  // from here on reading no longer waits for room
  tally.drain_until_end(*f.sink);
  CHECK(tally.values() == iota(50));
  CHECK(tally.ends.size() == 1 && tally.ends[0].status.ok());
}

TEST(cancel_ends_a_stream_whose_responses_are_still_due) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  engine.start_stream(1, {}, f.sink, 1);
  RepeatRequest repeat(iota(10), 1000, "slow");
  bool lent = false;
  CHECK(engine.stream_send(1, 2, repeat.request, &lent).ok());
  const auto start = std::chrono::steady_clock::now();
  engine.cancel(1);
  StreamTally tally;
  tally.drain_until_end(*f.sink);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK(tally.ends.size() == 1 && tally.ends[0].status.error_code() == grpc::StatusCode::CANCELLED);
}

TEST(shutdown_ends_open_streams_and_refuses_new_ones) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  RepeatRequest repeat(iota(3), 5000, "slow");
  for (uint64_t id = 1; id <= 20; ++id) {
    engine.start_stream(id, {}, f.sink, 16);
    bool lent = false;
    CHECK(engine.stream_send(id, 100 + id, repeat.request, &lent).ok());
  }
  engine.shutdown();
  CHECK(engine.in_flight() == 0);
  engine.start_stream(50, {}, f.sink, 16);
  StreamTally tally;
  for (int spins = 0; spins < 100 && tally.ends.size() < 21; ++spins) tally.take(*f.sink, 20);
  CHECK(tally.ends.size() == 21);
  bool all_cancelled = true;
  for (const auto& end : tally.ends)
    all_cancelled = all_cancelled && end.status.error_code() == grpc::StatusCode::CANCELLED;
  CHECK(all_cancelled);
}

TEST(every_lent_write_is_reported_released_once) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  engine.start_stream(1, {}, f.sink, 4096);
  constexpr int kSends = 200;
  const std::vector<float> big(8192, 1.0f);  // 32 KiB: lent, not copied
  const InferRequest request = float_request("identity", big);
  int lent_sends = 0;
  for (int i = 0; i < kSends; ++i) {
    bool lent = false;
    CHECK(engine.stream_send(1, 1000 + i, request, &lent).ok());
    lent_sends += lent;
  }
  CHECK(lent_sends == kSends);
  engine.stream_close(1);
  StreamTally tally;
  tally.drain_until_end(*f.sink);
  tally.drain_for(*f.sink, std::chrono::milliseconds(200));  // late releases
  CHECK(tally.ends.size() == 1 && tally.ends[0].status.ok());
  CHECK(tally.responses.size() == kSends);
  bool once_each = tally.releases.size() == kSends;
  for (const auto& [id, count] : tally.releases)
    once_each = once_each && count == 1 && id >= 1000 && id < 1000 + kSends;
  CHECK(once_each);
}
