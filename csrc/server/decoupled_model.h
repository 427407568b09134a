// Decoupled models (Triton's decoupled transaction policy): a request gets any number of
// responses, sent when the model has them, and then the final flag.
#pragma once

#include <memory>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"
#include "model.h"

namespace tritonlink::server {

// What a unary ModelInfer on a decoupled model gets, in Triton's words: it wants exactly one
// response. Triton says so before it looks at the request.
grpc::Status unary_infer_refusal();

// Where a decoupled model answers one request: send() any number of times, then finish()
// once; or refuse() instead of all of it. Callable from any thread, one call at a time.
class ResponseSender {
 public:
  virtual ~ResponseSender() = default;

  // One more response, outputs only (every output, in declaration order); the server adds
  // the request's id, the model's name and the final flag.
  virtual void send(inference::ModelInferResponse response) = 0;

  // The request is complete: the final flag alone, as a Triton model sends
  // TRITONSERVER_RESPONSE_COMPLETE_FINAL without a response. With an error, the final
  // response carries it instead, as a model's error response does.
  virtual void finish(grpc::Status status = grpc::Status::OK) = 0;

  // The request is refused before the model answers it, as Triton refuses a request that
  // fails its checks (inputs, sequence): an error with the request's id and nothing else.
  virtual void refuse(grpc::Status status) = 0;
};

class DecoupledModel : public Model {
 public:
  using Model::Model;

  DecoupledModel* as_decoupled() final { return this; }

  // Answers `request` (which it may move tensors out of) through `sender`.
  virtual void respond(inference::ModelInferRequest& request, std::shared_ptr<ResponseSender> sender) = 0;

 protected:
  void configure_scheduling(inference::ModelConfig* config) const override;
};

}  // namespace tritonlink::server
