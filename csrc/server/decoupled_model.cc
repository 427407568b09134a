#include "decoupled_model.h"

#include "model_config.pb.h"

namespace tritonlink::server {

grpc::Status unary_infer_refusal() {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      "ModelInfer RPC doesn't support models with decoupled transaction policy");
}

void DecoupledModel::configure_scheduling(inference::ModelConfig* config) const {
  config->mutable_model_transaction_policy()->set_decoupled(true);
}

}  // namespace tritonlink::server
