#include "repeat_model.h"

#include <chrono>
#include <cstring>
#include <vector>

#include "decoupled_model.h"
#include "tensors.h"

namespace tritonlink::server {
namespace {

template <typename T>
std::vector<T> elements(const RequestInput& input) {
  std::vector<T> values(input.raw->size() / sizeof(T));
  // An empty tensor's data() may be null, which memcpy must not be given even for 0 bytes.
  if (!values.empty()) std::memcpy(values.data(), input.raw->data(), values.size() * sizeof(T));
  return values;
}

google::protobuf::RepeatedField<int64_t> shape_of_one() {
  google::protobuf::RepeatedField<int64_t> shape;
  shape.Add(1);
  return shape;
}

// One request's responses, sent in order, each once its delay has passed.
class Repetition : public std::enable_shared_from_this<Repetition> {
 public:
  Repetition(std::vector<int32_t> values, std::vector<uint32_t> delays_ms, std::shared_ptr<ResponseSender> sender,
             DelayScheduler& scheduler)
      : values_(std::move(values)), delays_ms_(std::move(delays_ms)), sender_(std::move(sender)),
        scheduler_(scheduler) {}

  // Sends the responses from the next one on, until one has to wait (on the scheduler, which
  // then carries on) or none is left.
  void run(bool waited) {
    for (; next_ < values_.size(); ++next_, waited = false) {
      if (!waited && !delays_ms_.empty() && delays_ms_[next_] > 0) {
        scheduler_.run_after(std::chrono::milliseconds(delays_ms_[next_]),
                             [self = shared_from_this()] { self->run(true); });
        return;
      }
      inference::ModelInferResponse response;
      const uint32_t index = static_cast<uint32_t>(next_);
      add_output(response, "OUT", "INT32", shape_of_one(),
                 std::string(reinterpret_cast<const char*>(&values_[next_]), sizeof(int32_t)));
      add_output(response, "IDX", "UINT32", shape_of_one(),
                 std::string(reinterpret_cast<const char*>(&index), sizeof index));
      sender_->send(std::move(response));
    }
    sender_->finish();
  }

 private:
  std::vector<int32_t> values_;
  std::vector<uint32_t> delays_ms_;  // empty: no delays
  size_t next_ = 0;
  std::shared_ptr<ResponseSender> sender_;
  DelayScheduler& scheduler_;
};

class RepeatModel : public DecoupledModel {
 public:
  explicit RepeatModel(DelayScheduler& scheduler)
      : DecoupledModel("repeat", {{"IN", "INT32", {-1}}, {"DELAY_MS", "UINT32", {-1}, true}},
                       {{"OUT", "INT32", {1}}, {"IDX", "UINT32", {1}}}),
        scheduler_(scheduler) {}

  void respond(inference::ModelInferRequest& request, std::shared_ptr<ResponseSender> sender) override {
    std::vector<RequestInput> inputs;
    RequestInput in, delays;
    grpc::Status status = collect_inputs(request, &inputs);
    if (status.ok()) status = find_input(inputs, "IN", &in);
    if (status.ok()) status = check_declared(name(), this->inputs()[0], in);
    const bool delayed = status.ok() && find_input(inputs, "DELAY_MS", &delays).ok();
    if (delayed) status = check_declared(name(), this->inputs()[1], delays);
    if (!status.ok()) return sender->refuse(status);

    std::vector<int32_t> values = elements<int32_t>(in);
    std::vector<uint32_t> delays_ms = delayed ? elements<uint32_t>(delays) : std::vector<uint32_t>();
    if (delayed && delays_ms.size() != values.size()) {
      // The real test model finds this, not Triton: an error the model answers with.
      return sender->finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                         "DELAY_MS has " + std::to_string(delays_ms.size()) + " elements, IN has " +
                                             std::to_string(values.size()) + ": they must match"));
    }
    std::make_shared<Repetition>(std::move(values), std::move(delays_ms), std::move(sender), scheduler_)->run(false);
  }

 private:
  DelayScheduler& scheduler_;
};

}  // namespace

std::unique_ptr<Model> make_repeat_model(DelayScheduler& scheduler) { return std::make_unique<RepeatModel>(scheduler); }

}  // namespace tritonlink::server
