#include "trace_settings.h"

#include <charconv>
#include <cstdint>

namespace tritonlink::server {
namespace {

grpc::Status invalid(const std::string& message) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message); }

const std::map<std::string, std::vector<std::string>>& defaults() {
  static const std::map<std::string, std::vector<std::string>> values = {
      {"trace_level", {"OFF"}}, {"trace_rate", {"1000"}}, {"trace_count", {"-1"}},
      {"log_frequency", {"0"}}, {"trace_file", {""}},     {"trace_mode", {"triton"}},
  };
  return values;
}

bool is_integer_in(const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto parsed = std::from_chars(text.data(), end, value);
  return parsed.ec == std::errc() && parsed.ptr == end && value >= min && value <= max;
}

grpc::Status check_single_integer(const std::string& key, const std::vector<std::string>& values, int64_t min) {
  if (values.size() != 1) return invalid("expect only 1 value for '" + key + "'");
  if (!is_integer_in(values[0], min, UINT32_MAX)) {
    return invalid("Unable to parse '" + key + "'. Expecting an integer from " + std::to_string(min) + " to " +
                   std::to_string(UINT32_MAX) + ", got: " + values[0]);
  }
  return grpc::Status::OK;
}

grpc::Status check_levels(const std::vector<std::string>& values) {
  for (const auto& level : values) {
    if (level != "OFF" && level != "TIMESTAMPS" && level != "TENSORS") {
      return invalid("Unable to parse 'trace_level', got: " + level);
    }
    // Triton's own rule: tracing needs a trace file, and the protocol cannot set one.
    if (level != "OFF") return invalid("Attempting to set invalid trace setting: trace file name is not given");
  }
  return grpc::Status::OK;
}

bool is_settable(const std::string& key) {
  return key == "trace_level" || key == "trace_rate" || key == "trace_count" || key == "log_frequency";
}

grpc::Status check_values(const std::string& key, const std::vector<std::string>& values) {
  if (key == "trace_level") return check_levels(values);
  return check_single_integer(key, values, key == "trace_count" ? -1 : 0);
}

}  // namespace

TraceSettings::TraceSettings() : global_(defaults()) {}

grpc::Status TraceSettings::update(const inference::TraceSettingRequest& request, bool known_model,
                                   inference::TraceSettingResponse* response) {
  const std::string& model = request.model_name();
  if (!model.empty() && !known_model) return invalid("Request for unknown model : " + model);

  Settings changes;
  for (const auto& [key, setting] : request.settings()) {
    const Values values(setting.value().begin(), setting.value().end());
    if (key == "trace_file" && !values.empty()) {
      return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                          "trace file location can not be updated through network protocol");
    }
    if (!is_settable(key)) continue;  // trace_mode, trace_file cleared, unknown names: ignored, as Triton does
    if (!values.empty()) {
      if (auto status = check_values(key, values); !status.ok()) return status;
    }
    changes.emplace(key, values);
  }

  std::lock_guard<std::mutex> lock(mu_);
  Settings& target = model.empty() ? global_ : model_overrides_[model];
  for (const auto& [key, values] : changes) {
    if (!values.empty()) {
      target[key] = values;
    } else if (model.empty()) {
      target[key] = defaults().at(key);
    } else {
      target.erase(key);
    }
  }
  Settings effective = global_;
  if (!model.empty()) {
    for (const auto& [key, values] : model_overrides_[model]) effective[key] = values;
  }
  for (const auto& [key, values] : effective) {
    auto& out = (*response->mutable_settings())[key];
    for (const auto& value : values) out.add_value(value);
  }
  return grpc::Status::OK;
}

}  // namespace tritonlink::server
