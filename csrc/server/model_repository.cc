#include "model_repository.h"

namespace tritonlink::server {
namespace {

// The server has one repository, its built-in models; Triton refuses to name one too.
grpc::Status check_repository_name(const std::string& repository_name) {
  if (repository_name.empty()) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "'repository_name' specification is not supported");
}

bool is_model_file_override(const std::string& parameter) {
  return parameter == "config" || parameter.rfind("file:", 0) == 0;
}

void fill_statistics(const std::string& name, const ServedModel& served, inference::ModelStatistics* statistics) {
  statistics->set_name(name);
  statistics->set_version(kModelVersion);
  served.statistics.fill(statistics);
}

}  // namespace

ModelRepository::ModelRepository(std::vector<std::unique_ptr<Model>> models) {
  for (auto& model : models) {
    auto served = std::make_unique<ServedModel>();
    const std::string name = model->name();
    served->model = std::move(model);
    models_.emplace(name, std::move(served));
  }
}

ServedModel* ModelRepository::find_ready(const std::string& name, const std::string& version,
                                         grpc::Status* status) const {
  const auto it = models_.find(name);
  if (it == models_.end()) {
    *status = grpc::Status(grpc::StatusCode::NOT_FOUND, "Request for unknown model: '" + name + "' is not found");
    return nullptr;
  }
  if (!it->second->ready.load(std::memory_order_acquire)) {
    *status = grpc::Status(grpc::StatusCode::NOT_FOUND,
                           "Request for unknown model: '" + name + "' has no available versions");
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

grpc::Status ModelRepository::index(const inference::RepositoryIndexRequest& request,
                                    inference::RepositoryIndexResponse* response) const {
  if (auto status = check_repository_name(request.repository_name()); !status.ok()) return status;
  for (const auto& [name, served] : models_) {
    const bool ready = served->ready.load(std::memory_order_acquire);
    if (request.ready() && !ready) continue;
    auto* entry = response->add_models();
    entry->set_name(name);
    entry->set_version(kModelVersion);
    entry->set_state(ready ? "READY" : "UNAVAILABLE");
    if (!ready) entry->set_reason("unloaded");
  }
  return grpc::Status::OK;
}

grpc::Status ModelRepository::load(const inference::RepositoryModelLoadRequest& request) {
  if (auto status = check_repository_name(request.repository_name()); !status.ok()) return status;
  const auto it = models_.find(request.model_name());
  if (it == models_.end()) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "failed to load '" + request.model_name() + "', no such model in the embedded server");
  }
  for (const auto& parameter : request.parameters()) {
    if (is_model_file_override(parameter.first)) {
      return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "failed to load '" + request.model_name() +
                                                               "': the embedded server's models are built in, "
                                                               "it cannot load one from a config or files ('" +
                                                               parameter.first + "')");
    }
  }
  // Loading a loaded model changes nothing, as in Triton when its files did not change.
  ServedModel& served = *it->second;
  if (!served.ready.load(std::memory_order_acquire)) {
    served.statistics.reset();
    served.ready.store(true, std::memory_order_release);
  }
  return grpc::Status::OK;
}

grpc::Status ModelRepository::unload(const inference::RepositoryModelUnloadRequest& request) {
  if (auto status = check_repository_name(request.repository_name()); !status.ok()) return status;
  // Unloading a model that does not exist succeeds, as in Triton; no built-in model has
  // dependents, so "unload_dependents" changes nothing.
  const auto it = models_.find(request.model_name());
  if (it != models_.end()) it->second->ready.store(false, std::memory_order_release);
  return grpc::Status::OK;
}

grpc::Status ModelRepository::statistics(const inference::ModelStatisticsRequest& request,
                                         inference::ModelStatisticsResponse* response) const {
  if (request.name().empty()) {  // every loaded model
    for (const auto& [name, served] : models_) {
      if (served->ready.load(std::memory_order_acquire)) fill_statistics(name, *served, response->add_model_stats());
    }
    return grpc::Status::OK;
  }
  const auto it = models_.find(request.name());
  if (it == models_.end() || !it->second->ready.load(std::memory_order_acquire)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "requested model '" + request.name() + "' is not available");
  }
  if (!request.version().empty() && request.version() != kModelVersion) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "requested model version is not available for model '" + request.name() + "'");
  }
  fill_statistics(request.name(), *it->second, response->add_model_stats());
  return grpc::Status::OK;
}

}  // namespace tritonlink::server
