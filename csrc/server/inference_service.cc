#include "inference_service.h"

#include "request_options.h"
#include "tensors.h"

namespace tritonlink::server {
namespace {

constexpr char kModelVersion[] = "1";

grpc::ServerUnaryReactor* finish(grpc::CallbackServerContext* context, const grpc::Status& status) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace

void InferenceService::forward_headers(const grpc::CallbackServerContext& context,
                                       inference::ModelInferRequest& request) const {
  if (!header_forward_pattern_) return;
  for (const auto& [key, value] : context.client_metadata()) {
    const std::string name(key.data(), key.size());
    if (std::regex_match(name, *header_forward_pattern_)) {
      (*request.mutable_parameters())[name].set_string_param(std::string(value.data(), value.size()));
    }
  }
}

InferenceService::InferenceService(std::vector<std::unique_ptr<Model>> models, const std::string& header_forward_pattern) {
  // Throws std::regex_error for a pattern that is not a regular expression.
  if (!header_forward_pattern.empty()) header_forward_pattern_.emplace(header_forward_pattern);
  for (auto& model : models) {
    const std::string name = model->name();
    models_.emplace(name, std::move(model));
  }
}

Model* InferenceService::find_model(const std::string& name, const std::string& version, grpc::Status* status) const {
  const auto it = models_.find(name);
  if (it == models_.end()) {
    *status = grpc::Status(grpc::StatusCode::NOT_FOUND, "Request for unknown model: '" + name + "' is not found");
    return nullptr;
  }
  if (!version.empty() && version != kModelVersion) {
    *status = grpc::Status(grpc::StatusCode::NOT_FOUND,
                           "Request for unknown model: '" + name + "' version " + version + " is not found");
    return nullptr;
  }
  *status = grpc::Status::OK;
  return it->second.get();
}

grpc::ServerUnaryReactor* InferenceService::ServerLive(grpc::CallbackServerContext* context,
                                                       const inference::ServerLiveRequest*,
                                                       inference::ServerLiveResponse* response) {
  response->set_live(true);
  return finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* InferenceService::ServerReady(grpc::CallbackServerContext* context,
                                                        const inference::ServerReadyRequest*,
                                                        inference::ServerReadyResponse* response) {
  response->set_ready(true);
  return finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* InferenceService::ModelReady(grpc::CallbackServerContext* context,
                                                       const inference::ModelReadyRequest* request,
                                                       inference::ModelReadyResponse* response) {
  grpc::Status status;
  response->set_ready(find_model(request->name(), request->version(), &status) != nullptr);
  return finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* InferenceService::ServerMetadata(grpc::CallbackServerContext* context,
                                                           const inference::ServerMetadataRequest*,
                                                           inference::ServerMetadataResponse* response) {
  response->set_name("tritonlink-embedded");
  response->set_version(TRITONLINK_VERSION);
  response->add_extensions("model_configuration");
  return finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* InferenceService::ModelMetadata(grpc::CallbackServerContext* context,
                                                          const inference::ModelMetadataRequest* request,
                                                          inference::ModelMetadataResponse* response) {
  grpc::Status status;
  if (const Model* model = find_model(request->name(), request->version(), &status)) model->describe(response);
  return finish(context, status);
}

grpc::ServerUnaryReactor* InferenceService::ModelConfig(grpc::CallbackServerContext* context,
                                                        const inference::ModelConfigRequest* request,
                                                        inference::ModelConfigResponse* response) {
  grpc::Status status;
  if (const Model* model = find_model(request->name(), request->version(), &status)) {
    model->configure(response->mutable_config());
  }
  return finish(context, status);
}

grpc::ServerUnaryReactor* InferenceService::ModelInfer(grpc::CallbackServerContext* context,
                                                       const inference::ModelInferRequest* request,
                                                       inference::ModelInferResponse* response) {
  grpc::Status status;
  Model* model = find_model(request->model_name(), request->model_version(), &status);
  if (model == nullptr) return finish(context, status);

  // The request message belongs to this call and is not read again once the model is done,
  // so models may move tensors out of it instead of copying them.
  auto& owned_request = const_cast<inference::ModelInferRequest&>(*request);
  forward_headers(*context, owned_request);
  RequestOptions options;
  if (status = read_request_options(owned_request, &options); !status.ok()) return finish(context, status);

  response->set_model_name(request->model_name());
  response->set_model_version(kModelVersion);
  response->set_id(request->id());
  auto* reactor = context->DefaultReactor();
  model->infer(owned_request, *response, [reactor, request, response](grpc::Status result) {
    if (result.ok()) result = select_requested_outputs(*request, *response);
    reactor->Finish(result);
  });
  return reactor;
}

}  // namespace tritonlink::server
