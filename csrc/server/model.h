// A model of the embedded test server: what it declares (metadata, config) and how it infers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"

namespace tritonlink::server {

struct TensorSpec {
  std::string name;
  std::string datatype;  // Triton datatype name, e.g. "FP32"
  std::vector<int64_t> dims;
};

// Every built-in model has this one version.
inline constexpr char kModelVersion[] = "1";

// Completes one inference; called exactly once, possibly later and from another thread.
using InferDone = std::function<void(grpc::Status)>;

class Model {
 public:
  Model(std::string name, std::vector<TensorSpec> inputs, std::vector<TensorSpec> outputs)
      : name_(std::move(name)), inputs_(std::move(inputs)), outputs_(std::move(outputs)) {}
  virtual ~Model() = default;

  const std::string& name() const { return name_; }
  void describe(inference::ModelMetadataResponse* metadata) const;
  void configure(inference::ModelConfig* config) const;

  // Fills `response` outputs (every output, in declaration order) from `request`, which it may
  // move tensors out of, then calls `done`.
  virtual void infer(inference::ModelInferRequest& request, inference::ModelInferResponse& response,
                     InferDone done) = 0;

 protected:
  const std::vector<TensorSpec>& inputs() const { return inputs_; }

 private:
  std::string name_;
  std::vector<TensorSpec> inputs_;
  std::vector<TensorSpec> outputs_;
};

}  // namespace tritonlink::server
