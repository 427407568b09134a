// AsyncEngine against the embedded server: each started call is delivered exactly once, with
// the right result, whether it succeeds, is cancelled, times out or meets shutdown; borrowed
// inputs are reported released exactly once. Run under ASan/UBSan in CI.
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "async_engine.h"
#include "check.h"
#include "engine_fixture.h"

#include <google/protobuf/message.h>

using namespace tritonlink;
using namespace tritonlink::testing;

TEST(a_pooled_engine_spreads_calls_over_its_connections_and_counts_them) {
  Fixture f;
  ChannelConfig config;
  config.target = "127.0.0.1:" + std::to_string(f.server.port());
  auto metrics = std::make_shared<ClientMetrics>();
  AsyncEngine engine(std::make_shared<ChannelPool>(config, 3), metrics);
  const std::vector<float> payload(4, 1.0f);
  for (int i = 0; i < 9; ++i) engine.start_infer(i, float_request("identity", payload), {}, f.sink);
  Tally tally;
  tally.collect(*f.sink, 9);
  CHECK(tally.completed.size() == 9);
  CHECK(f.server.peers().size() == 3);
  const ModelMetrics& identity = metrics->model("identity");
  CHECK(identity.requests.load() == 9);
  CHECK(identity.in_flight.load() == 0);
  CHECK(identity.by_status[0].load() == 9);
  CHECK(identity.latency.snapshot().count == 9);
}

TEST(many_calls_each_complete_once_with_their_own_result) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  constexpr int kCalls = 3000;
  std::vector<std::vector<float>> payloads;
  for (int i = 0; i < kCalls; ++i) payloads.emplace_back(i % 3 == 0 ? 8192 : 4, static_cast<float>(i));
  for (int i = 0; i < kCalls; ++i) engine.start_infer(i, float_request("identity", payloads[i]), {}, f.sink);
  Tally tally;
  tally.collect(*f.sink, kCalls);
  // Late input releases may still be on their way.
  std::vector<Completion> rest;
  for (int spins = 0; spins < 50 && tally.releases.size() < kCalls; ++spins) {
    rest.clear();
    f.sink->wait(20);
    f.sink->drain(rest, 1024);
    for (auto& c : rest) tally.record(std::move(c));
  }
  CHECK(tally.completed.size() == kCalls);
  bool all_right = true;
  for (int i = 0; i < kCalls; ++i) {
    const Completion& c = tally.completed[i];
    all_right = all_right && tally.deliveries[i] == 1 && tally.releases[i] == 1 && c.status.ok() && c.response &&
                c.response->outputs.size() == 1 && c.response->outputs[0].size == payloads[i].size() * sizeof(float) &&
                std::memcmp(c.response->outputs[0].data, payloads[i].data(), c.response->outputs[0].size) == 0;
  }
  CHECK(all_right);
  CHECK(engine.in_flight() == 0);
}

TEST(cancel_delivers_cancelled) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  const std::vector<float> ms{5000.0f};
  engine.start_infer(1, float_request("sleep", ms), {}, f.sink);
  engine.cancel(1);
  engine.cancel(99);  // unknown ids are ignored
  Tally tally;
  tally.collect(*f.sink, 1);
  CHECK(tally.completed[1].status.error_code() == grpc::StatusCode::CANCELLED);
}

TEST(deadline_delivers_deadline_exceeded) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  const std::vector<float> ms{5000.0f};
  CallOptions options;
  options.timeout_s = 0.1;
  engine.start_infer(1, float_request("sleep", ms), options, f.sink);
  Tally tally;
  tally.collect(*f.sink, 1);
  CHECK(tally.completed[1].status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST(shutdown_delivers_every_call_in_flight_and_refuses_new_ones) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  const std::vector<float> ms{5000.0f};
  for (int i = 0; i < 500; ++i) engine.start_infer(i, float_request("sleep", ms), {}, f.sink);
  const auto start = std::chrono::steady_clock::now();
  engine.shutdown();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(engine.in_flight() == 0);
  engine.start_infer(1000, float_request("sleep", ms), {}, f.sink);
  engine.shutdown();  // idempotent
  Tally tally;
  tally.collect(*f.sink, 501);
  CHECK(tally.completed.size() == 501);
  bool all_cancelled = true;
  for (auto& [id, c] : tally.completed) {
    all_cancelled = all_cancelled && tally.deliveries[id] == 1 && c.status.error_code() == grpc::StatusCode::CANCELLED;
  }
  CHECK(all_cancelled);
}

TEST(unary_calls_complete_with_the_parsed_response) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  engine.start_unary(1, "ServerReady", "{}", {}, f.sink);
  engine.start_unary(2, "NoSuchRpc", "{}", {}, f.sink);
  engine.start_unary(3, "ModelReady", "{not json", {}, f.sink);
  Tally tally;
  tally.collect(*f.sink, 3);
  const auto& ready = tally.completed[1];
  CHECK(ready.status.ok() && ready.message && ready.message->ShortDebugString() == "ready: true");
  CHECK(tally.completed[2].status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(tally.completed[3].status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
}

int main() { return tritonlink::testing::run_all(); }
