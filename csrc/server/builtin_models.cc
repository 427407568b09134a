#include "builtin_models.h"

#include <cctype>
#include <cmath>
#include <cstring>
#include <utility>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "accumulate_model.h"
#include "bytes_tensor.h"
#include "datatypes.h"
#include "repeat_model.h"
#include "request_options.h"
#include "tensors.h"

namespace tritonlink::server {
namespace {

// OUTPUT0 = INPUT0; the payload is moved, not copied. `identity` takes any datatype and shape
// (it declares FP32 [-1], as the real test repository's does); `identity_<dtype>` checks its
// input against its declaration, as Triton checks against a config.
class IdentityModel : public SingleResponseModel {
 public:
  IdentityModel()
      : SingleResponseModel("identity", {{"INPUT0", "FP32", {-1}}}, {{"OUTPUT0", "FP32", {-1}}}), checked_(false) {}
  IdentityModel(const std::string& suffix, const std::string& datatype)
      : SingleResponseModel("identity_" + suffix, {{"INPUT0", datatype, {-1}}}, {{"OUTPUT0", datatype, {-1}}}),
        checked_(true) {}

  void infer(inference::ModelInferRequest& request, inference::ModelInferResponse& response, InferDone done) override {
    std::vector<RequestInput> inputs;
    RequestInput input;
    grpc::Status status = collect_inputs(request, &inputs);
    if (status.ok()) status = find_input(inputs, "INPUT0", &input);
    if (status.ok() && checked_) status = check_declared(name(), this->inputs()[0], input);
    if (status.ok())
      add_output(response, "OUTPUT0", input.tensor->datatype(), input.tensor->shape(), std::move(*input.raw));
    done(status);
  }

 private:
  bool checked_;
};

// identity_fp32 for FP32, and so on for every Triton datatype.
std::string identity_suffix(std::string_view datatype) {
  std::string suffix(datatype);
  for (char& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return suffix;
}

// OUTPUT0 = INPUT0 + INPUT1 and OUTPUT1 = INPUT0 - INPUT1, FP32 [16].
class AddSubModel : public SingleResponseModel {
 public:
  AddSubModel()
      : SingleResponseModel("add_sub", {{"INPUT0", "FP32", {16}}, {"INPUT1", "FP32", {16}}},
                            {{"OUTPUT0", "FP32", {16}}, {"OUTPUT1", "FP32", {16}}}) {}

  void infer(inference::ModelInferRequest& request, inference::ModelInferResponse& response, InferDone done) override {
    std::vector<RequestInput> inputs;
    RequestInput a, b;
    grpc::Status status = collect_inputs(request, &inputs);
    if (status.ok()) status = find_input(inputs, "INPUT0", &a);
    if (status.ok()) status = find_input(inputs, "INPUT1", &b);
    if (status.ok()) status = check_fp32_16(a);
    if (status.ok()) status = check_fp32_16(b);
    if (!status.ok()) return done(status);

    float x[16], y[16], sum[16], diff[16];
    std::memcpy(x, a.raw->data(), sizeof x);
    std::memcpy(y, b.raw->data(), sizeof y);
    for (int i = 0; i < 16; ++i) {
      sum[i] = x[i] + y[i];
      diff[i] = x[i] - y[i];
    }
    const auto& shape = a.tensor->shape();
    add_output(response, "OUTPUT0", "FP32", shape, std::string(reinterpret_cast<char*>(sum), sizeof sum));
    add_output(response, "OUTPUT1", "FP32", shape, std::string(reinterpret_cast<char*>(diff), sizeof diff));
    done(grpc::Status::OK);
  }

 private:
  static grpc::Status check_fp32_16(const RequestInput& input) {
    const auto& t = *input.tensor;
    if (t.datatype() != "FP32" || t.shape_size() != 1 || t.shape(0) != 16) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "input '" + t.name() + "' of model 'add_sub' must be FP32 with shape [16]");
    }
    return grpc::Status::OK;
  }
};

// Waits INPUT0 milliseconds (FP32 [1]) without holding a thread, then echoes it as OUTPUT0.
class SleepModel : public SingleResponseModel {
 public:
  explicit SleepModel(DelayScheduler& scheduler)
      : SingleResponseModel("sleep", {{"INPUT0", "FP32", {1}}}, {{"OUTPUT0", "FP32", {1}}}), scheduler_(scheduler) {}

  void infer(inference::ModelInferRequest& request, inference::ModelInferResponse& response, InferDone done) override {
    std::vector<RequestInput> inputs;
    RequestInput input;
    grpc::Status status = collect_inputs(request, &inputs);
    if (status.ok()) status = find_input(inputs, "INPUT0", &input);
    if (status.ok() && (input.tensor->datatype() != "FP32" || input.raw->size() != sizeof(float))) {
      status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "input 'INPUT0' of model 'sleep' must be one FP32");
    }
    if (!status.ok()) return done(status);

    float ms;
    std::memcpy(&ms, input.raw->data(), sizeof ms);
    add_output(response, "OUTPUT0", "FP32", input.tensor->shape(), std::move(*input.raw));
    const auto delay = std::chrono::duration<double, std::milli>(std::isfinite(ms) && ms > 0 ? ms : 0.0);
    scheduler_.run_after(std::chrono::duration_cast<DelayScheduler::Clock::duration>(delay),
                         [done = std::move(done)] { done(grpc::Status::OK); });
  }

 private:
  DelayScheduler& scheduler_;
};

// OUTPUT0 = INPUT0, and PARAMETERS: one BYTES element holding the request's options as the
// model sees them, as JSON: {"parameters": {custom ones}, "sequence_id", "sequence_start",
// "sequence_end", "timeout_us", "priority"}. The real test repository's echo_parameters
// writes the same (without priority, which Triton does not show its backends).
class EchoParametersModel : public SingleResponseModel {
 public:
  EchoParametersModel()
      : SingleResponseModel("echo_parameters", {{"INPUT0", "FP32", {-1}}},
                            {{"OUTPUT0", "FP32", {-1}}, {"PARAMETERS", "BYTES", {1}}}) {}

  void infer(inference::ModelInferRequest& request, inference::ModelInferResponse& response, InferDone done) override {
    std::vector<RequestInput> inputs;
    RequestInput input;
    RequestOptions options;
    std::string json;
    grpc::Status status = collect_inputs(request, &inputs);
    if (status.ok()) status = find_input(inputs, "INPUT0", &input);
    if (status.ok()) status = read_request_options(request, &options);
    if (status.ok()) status = to_json(options, &json);
    if (!status.ok()) return done(status);
    add_output(response, "OUTPUT0", input.tensor->datatype(), input.tensor->shape(), std::move(*input.raw));
    google::protobuf::RepeatedField<int64_t> one;
    one.Add(1);
    add_output(response, "PARAMETERS", "BYTES", one, encode_bytes_tensor({json}));
    done(grpc::Status::OK);
  }

 private:
  static google::protobuf::Value parameter_json(const inference::InferParameter& p) {
    google::protobuf::Value v;
    switch (p.parameter_choice_case()) {
      case inference::InferParameter::kBoolParam:
        v.set_bool_value(p.bool_param());
        break;
      case inference::InferParameter::kInt64Param:
        v.set_number_value(static_cast<double>(p.int64_param()));
        break;
      case inference::InferParameter::kUint64Param:
        v.set_number_value(static_cast<double>(p.uint64_param()));
        break;
      case inference::InferParameter::kDoubleParam:
        v.set_number_value(p.double_param());
        break;
      case inference::InferParameter::kStringParam:
        v.set_string_value(p.string_param());
        break;
      default:
        v.set_null_value(google::protobuf::NULL_VALUE);
        break;
    }
    return v;
  }

  static grpc::Status to_json(const RequestOptions& options, std::string* json) {
    google::protobuf::Struct echo;
    auto& fields = *echo.mutable_fields();
    auto& custom = *fields["parameters"].mutable_struct_value()->mutable_fields();
    for (const auto& [name, value] : options.custom) custom[name] = parameter_json(*value);
    if (const auto* id = std::get_if<std::string>(&options.sequence_id)) {
      fields["sequence_id"].set_string_value(*id);
    } else {
      fields["sequence_id"].set_number_value(static_cast<double>(std::get<uint64_t>(options.sequence_id)));
    }
    fields["sequence_start"].set_bool_value(options.sequence_start);
    fields["sequence_end"].set_bool_value(options.sequence_end);
    fields["timeout_us"].set_number_value(static_cast<double>(options.timeout_us));
    fields["priority"].set_number_value(static_cast<double>(options.priority));
    const auto printed = google::protobuf::util::MessageToJsonString(echo, json);
    if (printed.ok()) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode::INTERNAL, std::string(printed.message()));
  }
};

}  // namespace

std::vector<std::unique_ptr<Model>> make_builtin_models(DelayScheduler& scheduler) {
  std::vector<std::unique_ptr<Model>> models;
  models.push_back(std::make_unique<IdentityModel>());
  for (const Datatype& datatype : kDatatypes) {
    models.push_back(std::make_unique<IdentityModel>(identity_suffix(datatype.name), std::string(datatype.name)));
  }
  models.push_back(std::make_unique<AddSubModel>());
  models.push_back(std::make_unique<EchoParametersModel>());
  models.push_back(std::make_unique<SleepModel>(scheduler));
  models.push_back(make_repeat_model(scheduler));
  models.push_back(make_accumulate_model());
  return models;
}

}  // namespace tritonlink::server
