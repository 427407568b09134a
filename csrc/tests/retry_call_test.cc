// Retries on the AsyncEngine: a call that never reaches a server is tried as often as its
// policy says and delivered once; one waiting to retry ends at once when cancelled or when the
// engine shuts down; its borrowed inputs are released once, after its last attempt.
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "async_engine.h"
#include "check.h"
#include "engine_fixture.h"
#include "retry_policy.h"

using namespace tritonlink;
using namespace tritonlink::testing;

namespace {

// A loopback port nothing listens on (bound, then closed).
int unused_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

std::shared_ptr<ChannelPool> nowhere() {
  ChannelConfig config;
  config.target = "127.0.0.1:" + std::to_string(unused_port());
  return std::make_shared<ChannelPool>(config, 1);
}

CallOptions retrying(int max_attempts, double backoff_s) {
  auto policy = std::make_shared<RetryPolicy>();
  policy->max_attempts = max_attempts;
  policy->initial_backoff_s = policy->max_backoff_s = backoff_s;
  policy->jitter = 0;
  CallOptions options;
  options.retry = policy;
  return options;
}

}  // namespace

TEST(a_call_that_never_connects_makes_every_attempt_then_is_delivered_once) {
  AsyncEngine engine(nowhere());
  auto sink = std::make_shared<CompletionSink>();
  const std::vector<float> payload(1024, 1.0f);
  for (uint64_t id = 1; id <= 20; ++id)
    engine.start_infer(id, float_request("identity", payload), retrying(3, 0.01), sink);
  Tally tally;
  tally.collect(*sink, 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // late release notices
  std::vector<Completion> rest;
  sink->drain(rest, 256);
  for (auto& c : rest) tally.record(std::move(c));
  bool all_right = tally.completed.size() == 20;
  for (auto& [id, c] : tally.completed) {
    all_right = all_right && tally.deliveries[id] == 1 && tally.releases[id] == 1 &&
                c.status.error_code() == grpc::StatusCode::UNAVAILABLE &&
                c.status.error_message().find("(after 3 attempts)") != std::string::npos;
  }
  CHECK(all_right);
  CHECK(engine.in_flight() == 0);
}

TEST(cancel_ends_a_call_waiting_to_retry_at_once) {
  AsyncEngine engine(nowhere());
  auto sink = std::make_shared<CompletionSink>();
  const std::vector<float> payload(4, 1.0f);
  engine.start_infer(1, float_request("identity", payload), retrying(5, 30.0), sink);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the first attempt has failed
  const auto start = std::chrono::steady_clock::now();
  engine.cancel(1);
  Tally tally;
  tally.collect(*sink, 1);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(tally.completed[1].status.error_code() == grpc::StatusCode::CANCELLED);
  CHECK(tally.deliveries[1] == 1 && tally.releases[1] == 1);
}

TEST(shutdown_ends_calls_waiting_to_retry) {
  AsyncEngine engine(nowhere());
  auto sink = std::make_shared<CompletionSink>();
  const std::vector<float> payload(4, 1.0f);
  for (uint64_t id = 1; id <= 50; ++id)
    engine.start_infer(id, float_request("identity", payload), retrying(5, 30.0), sink);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  engine.shutdown();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  Tally tally;
  tally.collect(*sink, 50);
  bool all_cancelled = tally.completed.size() == 50;
  for (auto& [id, c] : tally.completed) {
    all_cancelled = all_cancelled && tally.deliveries[id] == 1 && c.status.error_code() == grpc::StatusCode::CANCELLED;
  }
  CHECK(all_cancelled);
}

TEST(a_call_that_succeeds_first_time_under_a_policy_is_plain) {
  Fixture f;
  AsyncEngine engine(f.client.channels());
  const std::vector<float> payload(4, 2.0f);
  engine.start_infer(1, float_request("identity", payload), retrying(3, 0.01), f.sink);
  Tally tally;
  tally.collect(*f.sink, 1);
  CHECK(tally.completed[1].status.ok() && tally.completed[1].response);
}
