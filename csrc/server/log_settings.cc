#include "log_settings.h"

namespace tritonlink::server {
namespace {

using Sent = inference::LogSettingsRequest::SettingValue;
using Value = inference::LogSettingsResponse::SettingValue;

grpc::Status invalid(const std::string& message) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message); }

// The settings a client may change, with the one kind of value each takes.
struct Kind {
  Sent::ParameterChoiceCase choice;
  const char* name;
};

const std::map<std::string, Kind>& settable() {
  static const std::map<std::string, Kind> kinds = {
      {"log_info", {Sent::kBoolParam, "boolean"}},    {"log_warning", {Sent::kBoolParam, "boolean"}},
      {"log_error", {Sent::kBoolParam, "boolean"}},   {"log_verbose_level", {Sent::kUint32Param, "uint32"}},
      {"log_format", {Sent::kStringParam, "string"}},
  };
  return kinds;
}

Value bool_value(bool value) {
  Value v;
  v.set_bool_param(value);
  return v;
}

Value uint32_value(uint32_t value) {
  Value v;
  v.set_uint32_param(value);
  return v;
}

Value string_value(const std::string& value) {
  Value v;
  v.set_string_param(value);
  return v;
}

Value stored(const Sent& sent) {
  switch (sent.parameter_choice_case()) {
    case Sent::kBoolParam:
      return bool_value(sent.bool_param());
    case Sent::kUint32Param:
      return uint32_value(sent.uint32_param());
    default:
      return string_value(sent.string_param());
  }
}

}  // namespace

LogSettings::LogSettings()
    : settings_{
          {"log_file", string_value("")},         {"log_info", bool_value(true)},
          {"log_warning", bool_value(true)},      {"log_error", bool_value(true)},
          {"log_verbose_level", uint32_value(0)}, {"log_format", string_value("default")},
      } {}

grpc::Status LogSettings::update(const inference::LogSettingsRequest& request,
                                 inference::LogSettingsResponse* response) {
  std::map<std::string, Value> changes;
  for (const auto& [key, sent] : request.settings()) {
    if (key == "log_file") {
      return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                          "log file location can not be updated through network protocol");
    }
    const auto kind = settable().find(key);
    if (kind == settable().end()) continue;  // not a log setting: ignored, as Triton does
    if (sent.parameter_choice_case() != kind->second.choice) {
      return invalid(std::string("expect ") + kind->second.name + " for '" + key + "'");
    }
    if (key == "log_format" && sent.string_param() != "default" && sent.string_param() != "ISO8601") {
      return invalid("invalid argument for log_format, got: " + sent.string_param());
    }
    changes[key] = stored(sent);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, value] : changes) settings_[key] = value;
  for (const auto& [key, value] : settings_) (*response->mutable_settings())[key] = value;
  return grpc::Status::OK;
}

}  // namespace tritonlink::server
