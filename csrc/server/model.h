// A model of the embedded test server: what it declares (metadata, config), and the two ways
// a model answers: one response per request, or any number (decoupled_model.h).
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
  bool optional = false;  // a request may leave this input out
};

// Every built-in model has this one version.
inline constexpr char kModelVersion[] = "1";

class SingleResponseModel;
class DecoupledModel;

class Model {
 public:
  Model(std::string name, std::vector<TensorSpec> inputs, std::vector<TensorSpec> outputs)
      : name_(std::move(name)), inputs_(std::move(inputs)), outputs_(std::move(outputs)) {}
  virtual ~Model() = default;

  const std::string& name() const { return name_; }
  void describe(inference::ModelMetadataResponse* metadata) const;
  void configure(inference::ModelConfig* config) const;

  // How the model answers: exactly one of these is not null.
  virtual SingleResponseModel* as_single_response() { return nullptr; }
  virtual DecoupledModel* as_decoupled() { return nullptr; }

 protected:
  const std::vector<TensorSpec>& inputs() const { return inputs_; }
  // What the model's config says beyond its tensors (transaction policy, sequence batching).
  virtual void configure_scheduling(inference::ModelConfig*) const {}

 private:
  std::string name_;
  std::vector<TensorSpec> inputs_;
  std::vector<TensorSpec> outputs_;
};

// Completes one inference; called exactly once, possibly later and from another thread.
using InferDone = std::function<void(grpc::Status)>;

// A model that answers each request with one response, through ModelInfer or the stream.
class SingleResponseModel : public Model {
 public:
  using Model::Model;

  SingleResponseModel* as_single_response() final { return this; }

  // Fills `response` outputs (every output, in declaration order) from `request`, which it may
  // move tensors out of, then calls `done`.
  virtual void infer(inference::ModelInferRequest& request, inference::ModelInferResponse& response,
                     InferDone done) = 0;
};

}  // namespace tritonlink::server
