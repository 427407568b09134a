#include "inference_service.h"

#include "decoupled_model.h"
#include "request_options.h"
#include "shared_memory_tensors.h"
#include "tensors.h"

namespace tritonlink::server {
namespace {

grpc::ServerUnaryReactor* finish(grpc::CallbackServerContext* context, const grpc::Status& status) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace

InferenceService::InferenceService(std::vector<std::unique_ptr<Model>> models,
                                   const std::string& header_forward_pattern)
    : repository_(std::move(models)), header_forwarding_(header_forward_pattern) {}

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
  response->set_ready(repository_.find_ready(request->name(), request->version(), &status) != nullptr);
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
  if (const ServedModel* served = repository_.find_ready(request->name(), request->version(), &status)) {
    served->model->describe(response);
  }
  return finish(context, status);
}

grpc::ServerUnaryReactor* InferenceService::ModelConfig(grpc::CallbackServerContext* context,
                                                        const inference::ModelConfigRequest* request,
                                                        inference::ModelConfigResponse* response) {
  grpc::Status status;
  if (const ServedModel* served = repository_.find_ready(request->name(), request->version(), &status)) {
    served->model->configure(response->mutable_config());
  }
  return finish(context, status);
}

grpc::ServerUnaryReactor* InferenceService::ModelInfer(grpc::CallbackServerContext* context,
                                                       const inference::ModelInferRequest* request,
                                                       inference::ModelInferResponse* response) {
  InferenceStatistics::Timeline timeline;
  timeline.received = InferenceStatistics::Clock::now();
  peers_.record(context->peer());
  grpc::Status status;
  ServedModel* served = repository_.find_ready(request->model_name(), request->model_version(), &status);
  if (served == nullptr) return finish(context, status);
  SingleResponseModel* model = served->model->as_single_response();
  if (model == nullptr) return finish(context, unary_infer_refusal());

  // The request message belongs to this call and is not read again once the model is done,
  // so models may move tensors out of it instead of copying them.
  auto& owned_request = const_cast<inference::ModelInferRequest&>(*request);
  header_forwarding_.apply(*context, owned_request);
  RequestOptions options;
  if (status = read_request_options(owned_request, &options); !status.ok()) return finish(context, status);
  if (status = read_shared_memory_inputs(shared_memory_, owned_request); !status.ok()) return finish(context, status);

  response->set_model_name(request->model_name());
  response->set_model_version(kModelVersion);
  response->set_id(request->id());
  auto* reactor = context->DefaultReactor();
  timeline.model_started = InferenceStatistics::Clock::now();
  auto done = [this, reactor, request, response, served, timeline](grpc::Status result) mutable {
    timeline.model_finished = InferenceStatistics::Clock::now();
    if (result.ok()) result = select_requested_outputs(*request, *response);
    if (result.ok()) result = write_shared_memory_outputs(shared_memory_, *request, *response);
    timeline.finished = InferenceStatistics::Clock::now();
    served->statistics.record(timeline, result.ok());
    reactor->Finish(result);
  };
  model->infer(owned_request, *response, std::move(done));
  return reactor;
}

StreamReactor* InferenceService::ModelStreamInfer(grpc::CallbackServerContext* context) {
  peers_.record(context->peer());
  return open_streams_.add(
      std::make_unique<InferStream>(context, repository_, shared_memory_, header_forwarding_, open_streams_));
}

grpc::ServerUnaryReactor* InferenceService::ModelStatistics(grpc::CallbackServerContext* context,
                                                            const inference::ModelStatisticsRequest* request,
                                                            inference::ModelStatisticsResponse* response) {
  return finish(context, repository_.statistics(*request, response));
}

grpc::ServerUnaryReactor* InferenceService::RepositoryIndex(grpc::CallbackServerContext* context,
                                                            const inference::RepositoryIndexRequest* request,
                                                            inference::RepositoryIndexResponse* response) {
  return finish(context, repository_.index(*request, response));
}

grpc::ServerUnaryReactor* InferenceService::RepositoryModelLoad(grpc::CallbackServerContext* context,
                                                                const inference::RepositoryModelLoadRequest* request,
                                                                inference::RepositoryModelLoadResponse*) {
  return finish(context, repository_.load(*request));
}

grpc::ServerUnaryReactor* InferenceService::RepositoryModelUnload(
    grpc::CallbackServerContext* context, const inference::RepositoryModelUnloadRequest* request,
    inference::RepositoryModelUnloadResponse*) {
  return finish(context, repository_.unload(*request));
}

grpc::ServerUnaryReactor* InferenceService::SystemSharedMemoryStatus(
    grpc::CallbackServerContext* context, const inference::SystemSharedMemoryStatusRequest* request,
    inference::SystemSharedMemoryStatusResponse* response) {
  return finish(context, shared_memory_.system_status(request->name(), response));
}

grpc::ServerUnaryReactor* InferenceService::SystemSharedMemoryRegister(
    grpc::CallbackServerContext* context, const inference::SystemSharedMemoryRegisterRequest* request,
    inference::SystemSharedMemoryRegisterResponse*) {
  return finish(context, shared_memory_.register_system(*request));
}

grpc::ServerUnaryReactor* InferenceService::SystemSharedMemoryUnregister(
    grpc::CallbackServerContext* context, const inference::SystemSharedMemoryUnregisterRequest* request,
    inference::SystemSharedMemoryUnregisterResponse*) {
  shared_memory_.unregister_system(request->name());
  return finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* InferenceService::CudaSharedMemoryStatus(
    grpc::CallbackServerContext* context, const inference::CudaSharedMemoryStatusRequest* request,
    inference::CudaSharedMemoryStatusResponse* response) {
  return finish(context, shared_memory_.cuda_status(request->name(), response));
}

grpc::ServerUnaryReactor* InferenceService::CudaSharedMemoryRegister(
    grpc::CallbackServerContext* context, const inference::CudaSharedMemoryRegisterRequest* request,
    inference::CudaSharedMemoryRegisterResponse*) {
  return finish(context, shared_memory_.register_cuda(*request));
}

grpc::ServerUnaryReactor* InferenceService::CudaSharedMemoryUnregister(
    grpc::CallbackServerContext* context, const inference::CudaSharedMemoryUnregisterRequest* request,
    inference::CudaSharedMemoryUnregisterResponse*) {
  shared_memory_.unregister_cuda(request->name());
  return finish(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* InferenceService::TraceSetting(grpc::CallbackServerContext* context,
                                                         const inference::TraceSettingRequest* request,
                                                         inference::TraceSettingResponse* response) {
  const bool known_model = repository_.contains(request->model_name());
  return finish(context, trace_settings_.update(*request, known_model, response));
}

grpc::ServerUnaryReactor* InferenceService::LogSettings(grpc::CallbackServerContext* context,
                                                        const inference::LogSettingsRequest* request,
                                                        inference::LogSettingsResponse* response) {
  return finish(context, log_settings_.update(*request, response));
}

}  // namespace tritonlink::server
