#include "unary_call.h"

#include "byte_buffers.h"
#include "unary_rpc.h"

namespace tritonlink {

UnaryCall::UnaryCall(uint64_t id, const InferRequest& request, CallOptions options,
                     std::shared_ptr<CompletionSink> sink, ModelMetrics* metrics)
    : EngineCall(id, std::move(sink)), kind_(Completion::Kind::kInfer), method_("ModelInfer"),
      attempts_(std::move(options)), metrics_(metrics) {
  attempts_.prepare(context());
  request_ = lend_request(request, lease_);
  if (metrics_) metrics_->started(request_.Length(), true);
}

UnaryCall::UnaryCall(uint64_t id, const std::string& method, const std::string& request_json, CallOptions options,
                     std::shared_ptr<CompletionSink> sink)
    : EngineCall(id, std::move(sink)), kind_(Completion::Kind::kMessage), method_(method),
      attempts_(std::move(options)) {
  attempts_.prepare(context());
  status_ = encode_json_request(method, request_json, &request_);
}

void UnaryCall::start(grpc::GenericStub& stub, grpc::CompletionQueue* queue) {
  stub_ = &stub;
  queue_ = queue;
  start_attempt();
}

void UnaryCall::start_attempt() {
  reader_ = stub_->PrepareUnaryCall(&context(), method_path(method_), request_, queue_);
  // Without retries the call holds the only reference to the slices it needs.
  if (!attempts_.may_retry()) request_.Clear();
  reader_->StartCall();
  reader_->Finish(&response_, &status_, tag(Event::kFinished));
}

bool UnaryCall::wait_to_retry() {
  const auto wait = attempts_.retry_after(status_);
  if (!wait) return false;
  std::lock_guard<std::mutex> lock(retry_mu_);
  if (cancelled_) return false;
  reader_.reset();
  response_.Clear();
  renew_context();
  attempts_.prepare(context());
  waiting_to_retry_ = true;
  if (!retry_alarm_) retry_alarm_ = std::make_unique<grpc::Alarm>();
  retry_alarm_->Set(queue_, std::chrono::system_clock::now() + *wait, tag(Event::kRetry));
  return true;
}

void UnaryCall::cancel() {
  {
    std::lock_guard<std::mutex> lock(retry_mu_);
    cancelled_ = true;
    if (waiting_to_retry_) retry_alarm_->Cancel();  // the alarm's event still comes, not ok
  }
  EngineCall::cancel();
}

void UnaryCall::refuse(grpc::Status status) {
  status_ = std::move(status);
  request_.Clear();
  deliver();
}

bool UnaryCall::on_event(Event event, bool ok) {
  if (event == Event::kRetry) {
    bool go_again;
    {
      std::lock_guard<std::mutex> lock(retry_mu_);
      waiting_to_retry_ = false;
      go_again = ok && !cancelled_;
    }
    if (go_again) {
      start_attempt();
      return false;
    }
    status_ = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled while waiting to retry");
  } else if (!status_.ok() && wait_to_retry()) {
    return false;
  }
  status_ = attempts_.outcome(status_);
  deliver();
  return true;
}

void UnaryCall::deliver() {
  Completion done;
  done.id = id();
  done.kind = kind_;
  done.status = status_;
  if (reader_ && done.status.ok()) {
    if (kind_ == Completion::Kind::kInfer) {
      done.status = decode_received_response(response_, &done.response);
    } else {
      done.status = decode_response(method_, response_, &done.message);
    }
  }
  if (metrics_) metrics_->finished(done.status, MetricsClock::now() - started_, response_.Length());
  // Destroying the gRPC call lets it release the request's slices, normally right here.
  reader_.reset();
  release_context();
  request_.Clear();
  done.inputs_released = end_lease(lease_, id(), shared_sink());
  sink().push(std::move(done));
}

}  // namespace tritonlink
