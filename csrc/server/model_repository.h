// The embedded server's models and their state, as Triton's explicit model control shows
// them: every built-in model starts loaded; unloading makes it unavailable and loading makes
// it ready again, with fresh statistics. Models are never destroyed while the server runs, so
// a request in flight keeps its model across an unload.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"
#include "model.h"
#include "statistics.h"

namespace tritonlink::server {

struct ServedModel {
  std::unique_ptr<Model> model;
  InferenceStatistics statistics;
  std::atomic<bool> ready{true};
};

class ModelRepository {
 public:
  explicit ModelRepository(std::vector<std::unique_ptr<Model>> models);

  // The model called `name` at `version` ("" or "1") if it is loaded; otherwise null, with
  // `status` saying why in Triton's words.
  ServedModel* find_ready(const std::string& name, const std::string& version, grpc::Status* status) const;

  // Whether a model of that name exists, loaded or not.
  bool contains(const std::string& name) const { return models_.count(name) != 0; }

  grpc::Status index(const inference::RepositoryIndexRequest& request,
                     inference::RepositoryIndexResponse* response) const;
  grpc::Status load(const inference::RepositoryModelLoadRequest& request);
  grpc::Status unload(const inference::RepositoryModelUnloadRequest& request);
  grpc::Status statistics(const inference::ModelStatisticsRequest& request,
                          inference::ModelStatisticsResponse* response) const;

 private:
  std::map<std::string, std::unique_ptr<ServedModel>> models_;  // by name: listed in order, as Triton does
};

}  // namespace tritonlink::server
