// What the engine tests share: an embedded server with a client channel to it, a sink, and
// requests for the built-in models.
#pragma once

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

}  // namespace tritonlink::testing
