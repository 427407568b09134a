// The embedded server's implementation of inference.GRPCInferenceService (callback API).
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "grpc_service.grpc.pb.h"
#include "model.h"

namespace tritonlink::server {

class InferenceService final : public inference::GRPCInferenceService::CallbackService {
 public:
  // Request headers whose name matches `header_forward_pattern` (whole name, ECMAScript
  // regex; none when empty) reach models as string request parameters, as Triton's
  // --grpc-header-forward-pattern does.
  explicit InferenceService(std::vector<std::unique_ptr<Model>> models, const std::string& header_forward_pattern = "");

  grpc::ServerUnaryReactor* ServerLive(grpc::CallbackServerContext* context, const inference::ServerLiveRequest* request,
                                       inference::ServerLiveResponse* response) override;
  grpc::ServerUnaryReactor* ServerReady(grpc::CallbackServerContext* context,
                                        const inference::ServerReadyRequest* request,
                                        inference::ServerReadyResponse* response) override;
  grpc::ServerUnaryReactor* ModelReady(grpc::CallbackServerContext* context, const inference::ModelReadyRequest* request,
                                       inference::ModelReadyResponse* response) override;
  grpc::ServerUnaryReactor* ServerMetadata(grpc::CallbackServerContext* context,
                                           const inference::ServerMetadataRequest* request,
                                           inference::ServerMetadataResponse* response) override;
  grpc::ServerUnaryReactor* ModelMetadata(grpc::CallbackServerContext* context,
                                          const inference::ModelMetadataRequest* request,
                                          inference::ModelMetadataResponse* response) override;
  grpc::ServerUnaryReactor* ModelConfig(grpc::CallbackServerContext* context,
                                        const inference::ModelConfigRequest* request,
                                        inference::ModelConfigResponse* response) override;
  grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* context, const inference::ModelInferRequest* request,
                                       inference::ModelInferResponse* response) override;

 private:
  // The model called `name` at `version` ("" or "1"), or null with `status` saying why.
  Model* find_model(const std::string& name, const std::string& version, grpc::Status* status) const;

  void forward_headers(const grpc::CallbackServerContext& context, inference::ModelInferRequest& request) const;

  std::unordered_map<std::string, std::unique_ptr<Model>> models_;
  std::optional<std::regex> header_forward_pattern_;
};

}  // namespace tritonlink::server
