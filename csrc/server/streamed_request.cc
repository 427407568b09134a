#include "streamed_request.h"

#include <optional>
#include <utility>

#include "decoupled_model.h"
#include "request_options.h"
#include "shared_memory_tensors.h"
#include "tensors.h"

namespace tritonlink::server {
namespace {

using Clock = InferenceStatistics::Clock;

void mark_final(inference::ModelInferResponse& response, bool final) {
  (*response.mutable_parameters())["triton_final_response"].set_bool_param(final);
}

inference::ModelStreamInferResponse refusal(const std::string& request_id, const grpc::Status& status) {
  inference::ModelStreamInferResponse refused;
  refused.set_error_message(status.error_message());
  refused.mutable_infer_response()->set_id(request_id);
  return refused;
}

// What a request that has got past the server's own checks becomes: its model's answers.
class StreamedRequest final : public ResponseSender, public std::enable_shared_from_this<StreamedRequest> {
 public:
  StreamedRequest(std::shared_ptr<StreamOutbox> outbox, std::unique_ptr<inference::ModelInferRequest> request,
                  ServedModel& served, const SharedMemoryRegistry& shared_memory, bool empty_final_response,
                  InferenceStatistics::Timeline timeline)
      : outbox_(std::move(outbox)), request_(std::move(request)), served_(served), shared_memory_(shared_memory),
        empty_final_response_(empty_final_response), timeline_(timeline) {}

  void start() {
    timeline_.model_started = Clock::now();
    if (DecoupledModel* decoupled = served_.model->as_decoupled())
      return decoupled->respond(*request_, shared_from_this());
    served_.model->as_single_response()->infer(
        *request_, response_, [self = shared_from_this()](grpc::Status status) { self->answered(status); });
  }

  void send(inference::ModelInferResponse response) override {
    if (unshapeable_) return;
    grpc::Status status = select_requested_outputs(*request_, response);
    if (status.ok()) status = write_shared_memory_outputs(shared_memory_, *request_, response);
    if (!status.ok()) {
      // The same for every response of this request (the outputs asked for do not fit), so
      // the client hears it once, as a refusal, and the rest is dropped.
      unshapeable_ = true;
      outbox_->push(refusal(request_->id(), status));
      return;
    }
    identify(response, kModelVersion);
    mark_final(response, false);
    outbox_->push(wrap(std::move(response)));
  }

  void finish(grpc::Status status) override {
    timeline_.model_finished = Clock::now();
    if (unshapeable_) return end(std::nullopt, false);
    // A model that answers with an error has still run: Triton counts it a success.
    if (status.ok() && !empty_final_response_) return end(std::nullopt, true);
    inference::ModelInferResponse final_response;
    identify(final_response, "");  // Triton leaves the version out of a final flag's response
    mark_final(final_response, true);
    auto last = wrap(std::move(final_response));
    last.set_error_message(status.error_message());
    end(std::move(last), true);
  }

  void refuse(grpc::Status status) override {
    timeline_.model_finished = Clock::now();
    end(refusal(request_->id(), status), false);
  }

 private:
  // A single-response model's answer.
  void answered(grpc::Status status) {
    timeline_.model_finished = Clock::now();
    if (status.ok()) status = select_requested_outputs(*request_, response_);
    if (status.ok()) status = write_shared_memory_outputs(shared_memory_, *request_, response_);
    if (!status.ok()) return end(refusal(request_->id(), status), false);
    identify(response_, kModelVersion);
    mark_final(response_, true);
    end(wrap(std::move(response_)), true);
  }

  void identify(inference::ModelInferResponse& response, const std::string& version) const {
    response.set_model_name(request_->model_name());
    response.set_model_version(version);
    response.set_id(request_->id());
  }

  static inference::ModelStreamInferResponse wrap(inference::ModelInferResponse response) {
    inference::ModelStreamInferResponse streamed;
    *streamed.mutable_infer_response() = std::move(response);
    return streamed;
  }

  void end(std::optional<inference::ModelStreamInferResponse> last, bool succeeded) {
    timeline_.finished = Clock::now();
    served_.statistics.record(timeline_, succeeded);
    outbox_->request_done(std::move(last));
  }

  std::shared_ptr<StreamOutbox> outbox_;
  std::unique_ptr<inference::ModelInferRequest> request_;  // models may move tensors out of it
  ServedModel& served_;
  const SharedMemoryRegistry& shared_memory_;
  const bool empty_final_response_;
  InferenceStatistics::Timeline timeline_;
  inference::ModelInferResponse response_;  // a single-response model's
  bool unshapeable_ = false;
};

}  // namespace

void answer_streamed_request(const ModelRepository& repository, const SharedMemoryRegistry& shared_memory,
                             std::shared_ptr<StreamOutbox> outbox,
                             std::unique_ptr<inference::ModelInferRequest> request, Clock::time_point received) {
  grpc::Status status;
  ServedModel* served = repository.find_ready(request->model_name(), request->model_version(), &status);
  RequestOptions options;
  if (served != nullptr) status = read_request_options(*request, &options);
  if (status.ok()) status = read_shared_memory_inputs(shared_memory, *request);
  if (!status.ok()) return outbox->request_done(refusal(request->id(), status));
  InferenceStatistics::Timeline timeline;
  timeline.received = received;
  std::make_shared<StreamedRequest>(std::move(outbox), std::move(request), *served, shared_memory,
                                    options.enable_empty_final_response, timeline)
      ->start();
}

}  // namespace tritonlink::server
