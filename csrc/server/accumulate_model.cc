#include "accumulate_model.h"

#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <variant>

#include "model_config.pb.h"
#include "request_options.h"
#include "tensors.h"

namespace tritonlink::server {
namespace {

using Clock = std::chrono::steady_clock;
using SequenceId = std::variant<uint64_t, std::string>;

// As the real test model's config says (max_sequence_idle_microseconds).
constexpr std::chrono::seconds kMaxSequenceIdle{60};

grpc::Status invalid(const std::string& message) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message); }

bool is_unset(const SequenceId& id) {
  const auto* number = std::get_if<uint64_t>(&id);
  return number != nullptr ? *number == 0 : std::get<std::string>(id).empty();
}

std::string text(const SequenceId& id) {
  const auto* number = std::get_if<uint64_t>(&id);
  return number != nullptr ? std::to_string(*number) : std::get<std::string>(id);
}

void add_control(inference::ModelSequenceBatching* batching, const std::string& name,
                 inference::ModelSequenceBatching::Control::Kind kind) {
  auto* input = batching->add_control_input();
  input->set_name(name);
  auto* control = input->add_control();
  control->set_kind(kind);
  control->add_int32_false_true(0);
  control->add_int32_false_true(1);
}

class AccumulateModel : public SingleResponseModel {
 public:
  AccumulateModel() : SingleResponseModel("accumulate", {{"IN", "INT32", {1}}}, {{"OUT", "INT32", {1}}}) {}

  void infer(inference::ModelInferRequest& request, inference::ModelInferResponse& response, InferDone done) override {
    std::vector<RequestInput> inputs;
    RequestInput in;
    RequestOptions options;
    grpc::Status status = collect_inputs(request, &inputs);
    if (status.ok()) status = find_input(inputs, "IN", &in);
    if (status.ok()) status = check_declared(name(), this->inputs()[0], in);
    if (status.ok()) status = read_request_options(request, &options);
    int32_t value = 0;
    if (status.ok()) {
      std::memcpy(&value, in.raw->data(), sizeof value);
      status = accumulate(options, &value);
    }
    if (status.ok()) {
      add_output(response, "OUT", "INT32", in.tensor->shape(),
                 std::string(reinterpret_cast<char*>(&value), sizeof value));
    }
    done(status);
  }

 protected:
  void configure_scheduling(inference::ModelConfig* config) const override {
    using Control = inference::ModelSequenceBatching::Control;
    auto* batching = config->mutable_sequence_batching();
    batching->set_max_sequence_idle_microseconds(std::chrono::microseconds(kMaxSequenceIdle).count());
    batching->mutable_oldest()->set_max_candidate_sequences(64);
    add_control(batching, "START", Control::CONTROL_SEQUENCE_START);
    add_control(batching, "END", Control::CONTROL_SEQUENCE_END);
    add_control(batching, "READY", Control::CONTROL_SEQUENCE_READY);
  }

 private:
  struct Sequence {
    int32_t sum = 0;
    Clock::time_point last_used;
  };

  // Adds `*value` to its sequence's sum and replaces it by the new sum.
  grpc::Status accumulate(const RequestOptions& options, int32_t* value) {
    if (is_unset(options.sequence_id)) {
      return invalid("inference request to model '" + name() + "' must specify a non-zero or non-empty correlation ID");
    }
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (options.sequence_start) {
      forget_idle_locked(now);
      sequences_[options.sequence_id] = Sequence{0, now};
    }
    auto it = sequences_.find(options.sequence_id);
    if (it == sequences_.end() || now - it->second.last_used > kMaxSequenceIdle) {
      if (it != sequences_.end()) sequences_.erase(it);
      return invalid("inference request for sequence " + text(options.sequence_id) + " to model '" + name() +
                     "' must specify the START flag on the first request of the sequence");
    }
    // Wraps around as the real model's int32 does, without signed overflow.
    it->second.sum = static_cast<int32_t>(static_cast<uint32_t>(it->second.sum) + static_cast<uint32_t>(*value));
    *value = it->second.sum;
    it->second.last_used = now;
    if (options.sequence_end) sequences_.erase(it);
    return grpc::Status::OK;
  }

  // Sequences abandoned without an end go as Triton's idle timeout lets them go.
  void forget_idle_locked(Clock::time_point now) {
    for (auto it = sequences_.begin(); it != sequences_.end();) {
      it = now - it->second.last_used > kMaxSequenceIdle ? sequences_.erase(it) : std::next(it);
    }
  }

  std::mutex mu_;
  std::map<SequenceId, Sequence> sequences_;
};

}  // namespace

std::unique_ptr<Model> make_accumulate_model() { return std::make_unique<AccumulateModel>(); }

}  // namespace tritonlink::server
