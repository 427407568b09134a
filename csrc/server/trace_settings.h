// The embedded server's trace settings, kept in memory as Triton keeps them: global values and
// per-model overrides, validated as Triton validates them. Nothing is traced.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"

namespace tritonlink::server {

class TraceSettings {
 public:
  TraceSettings();  // Triton's defaults

  // Applies the settings `request` carries, for its model or globally when it names none, and
  // reports what then holds there. A setting sent without values is cleared: back to the
  // default globally, back to the global value for a model. `known_model` says whether the
  // model it names exists.
  grpc::Status update(const inference::TraceSettingRequest& request, bool known_model,
                      inference::TraceSettingResponse* response);

 private:
  using Values = std::vector<std::string>;
  using Settings = std::map<std::string, Values>;

  std::mutex mu_;
  Settings global_;
  std::map<std::string, Settings> model_overrides_;
};

}  // namespace tritonlink::server
