// lease_stress: is every input payload AsyncEngine lends to gRPC reported released, in an order
// a consumer can use? Pure C++ (tritonlink_core, no Python).
//
// AsyncEngine's contract (async_engine.h): a call's completion says inputs_released, or a
// kInputsReleased completion with the same id follows. This drives rounds of ModelInfer calls
// whose payloads are large enough to be borrowed and checks, per call, that
//   - the release is reported exactly once (on the completion or by a kInputsReleased), and
//   - a kInputsReleased never arrives before its call's completion: a consumer that, like
//     tritonlink's CompletionRouter, keeps the inputs when the completion says "not released"
//     would then keep them forever (infer_many and Client.close() wait for them).
//
//   lease_stress --url 127.0.0.1:8001 [--bytes 1048576] [--in-flight 64] [--requests 136]
//                [--rounds 100] [--grace-ms 2000]
//
// Prints one JSON line; exit 1 when a release was lost or overtook its completion.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "async_engine.h"
#include "channel.h"
#include "channel_pool.h"
#include "completion_sink.h"

using namespace tritonlink;
using Clock = std::chrono::steady_clock;

namespace {

enum class State { kInFlight, kReleasedEarly, kCompletedLent };

struct Counts {
  long calls = 0;
  long released_with_completion = 0;
  long released_later = 0;
  long released_before_completion = 0;  // the ordering bug
  long duplicate_releases = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string url = "127.0.0.1:8001";
  size_t bytes = 1 << 20;
  long in_flight = 64, requests = 136, rounds = 100, grace_ms = 2000;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "lease_stress: missing value for %s\n", flag.c_str());
      return 2;
    }
    const char* v = argv[i + 1];
    if (flag == "--url") url = v;
    else if (flag == "--bytes") bytes = std::stoull(v);
    else if (flag == "--in-flight") in_flight = std::stol(v);
    else if (flag == "--requests") requests = std::stol(v);
    else if (flag == "--rounds") rounds = std::stol(v);
    else if (flag == "--grace-ms") grace_ms = std::stol(v);
    else {
      std::fprintf(stderr, "lease_stress: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::vector<char> payload(bytes, 0);
  InferRequest request;
  request.model_name = "identity";
  InputTensor input;
  input.name = "INPUT0";
  input.datatype = "FP32";
  input.shape = {static_cast<int64_t>(bytes / 4)};
  input.data = payload.data();
  input.size = bytes;
  request.inputs.push_back(input);

  AsyncEngine engine(std::make_shared<ChannelPool>(ChannelConfig{url, {}, {}, {}}, 1));
  auto sink = std::make_shared<CompletionSink>();
  std::unordered_map<uint64_t, State> calls;  // not yet fully accounted for
  Counts counts;
  long pending = 0;
  uint64_t next_id = 1;
  std::vector<Completion> batch;

  auto take = [&](int wait_ms) {
    sink->wait(wait_ms);
    batch.clear();
    sink->drain(batch, 1024);
    for (auto& c : batch) {
      auto it = calls.find(c.id);
      if (c.kind == Completion::Kind::kInputsReleased) {
        if (it == calls.end()) {
          ++counts.duplicate_releases;
        } else if (it->second == State::kInFlight) {
          ++counts.released_before_completion;
          it->second = State::kReleasedEarly;
        } else {
          ++counts.released_later;
          calls.erase(it);
        }
        continue;
      }
      if (!c.status.ok()) {
        std::fprintf(stderr, "lease_stress: call failed: %s\n", c.status.error_message().c_str());
        std::exit(1);
      }
      --pending;
      if (c.inputs_released) {
        ++counts.released_with_completion;
        calls.erase(it);
      } else if (it->second == State::kReleasedEarly) {
        calls.erase(it);  // released, but a consumer trusting the completion would never know
      } else {
        it->second = State::kCompletedLent;
      }
    }
  };

  for (long round = 0; round < rounds; ++round) {
    long started = 0;
    while (started < requests || pending > 0) {
      while (started < requests && pending < in_flight) {
        const uint64_t id = next_id++;
        calls.emplace(id, State::kInFlight);
        engine.start_infer(id, request, CallOptions{}, sink);
        ++started;
        ++pending;
        ++counts.calls;
      }
      take(100);
    }
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(grace_ms);
  while (!calls.empty() && Clock::now() < deadline) take(50);

  std::printf(
      "{\"calls\":%ld,\"released_with_completion\":%ld,\"released_later\":%ld,"
      "\"released_before_completion\":%ld,\"never_released\":%zu,\"duplicate_releases\":%ld}\n",
      counts.calls, counts.released_with_completion, counts.released_later, counts.released_before_completion,
      calls.size(), counts.duplicate_releases);
  const bool broken = counts.released_before_completion > 0 || !calls.empty() || counts.duplicate_releases > 0;
  return broken ? 1 : 0;
}
