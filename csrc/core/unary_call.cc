#include "unary_call.h"

#include "byte_buffers.h"
#include "unary_rpc.h"

namespace tritonlink {

UnaryCall::UnaryCall(uint64_t id, const InferRequest& request, const CallOptions& options,
                     std::shared_ptr<CompletionSink> sink, ModelMetrics* metrics)
    : EngineCall(id, std::move(sink), options), kind_(Completion::Kind::kInfer), method_("ModelInfer"),
      metrics_(metrics) {
  request_ = lend_request(request, lease_);
  if (metrics_) metrics_->started(request_.Length(), true);
}

UnaryCall::UnaryCall(uint64_t id, const std::string& method, const std::string& request_json,
                     const CallOptions& options, std::shared_ptr<CompletionSink> sink)
    : EngineCall(id, std::move(sink), options), kind_(Completion::Kind::kMessage), method_(method) {
  status_ = encode_json_request(method, request_json, &request_);
}

void UnaryCall::start(grpc::GenericStub& stub, grpc::CompletionQueue* queue) {
  reader_ = stub.PrepareUnaryCall(&context(), method_path(method_), request_, queue);
  request_.Clear();  // the call holds its own reference to the slices
  reader_->StartCall();
  reader_->Finish(&response_, &status_, tag(Event::kFinished));
}

void UnaryCall::refuse(grpc::Status status) {
  status_ = std::move(status);
  request_.Clear();
  deliver();
}

bool UnaryCall::on_event(Event, bool) {
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
  done.inputs_released = end_lease(lease_, id(), shared_sink());
  sink().push(std::move(done));
}

}  // namespace tritonlink
