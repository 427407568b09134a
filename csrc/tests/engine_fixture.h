// What the engine tests share: an embedded server with a client channel to it, a sink, and
// requests for the built-in models.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "completion_sink.h"
#include "embedded_server.h"
#include "infer_client.h"

namespace tritonlink::testing {

struct Fixture {
  server::EmbeddedServer server{"127.0.0.1:0"};
  InferClient client{ChannelConfig{"127.0.0.1:" + std::to_string(server.port()), {}, {}}};
  std::shared_ptr<CompletionSink> sink = std::make_shared<CompletionSink>();
};

inline InferRequest float_request(const std::string& model, const std::vector<float>& data) {
  InferRequest request;
  request.model_name = model;
  InputTensor input;
  input.name = "INPUT0";
  input.datatype = "FP32";
  input.shape = {static_cast<int64_t>(data.size())};
  input.data = reinterpret_cast<const char*>(data.data());
  input.size = data.size() * sizeof(float);
  request.inputs.push_back(std::move(input));
  return request;
}

// Drains until `expected` calls have completed; records completions and input releases per id.
struct Tally {
  std::map<uint64_t, Completion> completed;
  std::map<uint64_t, int> deliveries;
  std::map<uint64_t, int> releases;

  void collect(CompletionSink& sink, size_t expected) {
    std::vector<Completion> batch;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (completed.size() < expected && std::chrono::steady_clock::now() < deadline) {
      batch.clear();
      if (sink.drain(batch, 256) == 0) {
        sink.wait(100);
        continue;
      }
      for (auto& c : batch) record(std::move(c));
    }
  }

  void record(Completion c) {
    if (c.kind == Completion::Kind::kInputsReleased) {
      ++releases[c.id];
      return;
    }
    ++deliveries[c.id];
    if (c.inputs_released) ++releases[c.id];
    completed[c.id] = std::move(c);
  }
};

}  // namespace tritonlink::testing
