// The embedded server's log settings, kept in memory as Triton keeps them and validated as
// Triton validates them. The server itself logs nothing.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"

namespace tritonlink::server {

class LogSettings {
 public:
  LogSettings();  // Triton's defaults

  // Applies the settings `request` carries (all or none) and reports every setting.
  grpc::Status update(const inference::LogSettingsRequest& request, inference::LogSettingsResponse* response);

 private:
  using Value = inference::LogSettingsResponse::SettingValue;

  std::mutex mu_;
  std::map<std::string, Value> settings_;
};

}  // namespace tritonlink::server
