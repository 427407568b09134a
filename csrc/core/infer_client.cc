#include "infer_client.h"

#include <future>

#include <grpcpp/client_context.h>
#include <grpcpp/support/byte_buffer.h>

#include "byte_buffers.h"
#include "payload_lease.h"
#include "retry_policy.h"
#include "unary_rpc.h"

namespace tritonlink {
namespace {

const grpc::Status kInterruptedWhileWaiting(grpc::StatusCode::CANCELLED, "interrupted while waiting to retry");

// Runs `attempt(context, interrupted)` on fresh contexts until it succeeds or `options`' retry
// policy gives up; the backoff waits happen on the calling thread. A call the caller
// interrupted is not tried again.
template <typename Attempt>
grpc::Status with_retries(const CallOptions& options, const InterruptCheck& interrupted, Attempt&& attempt) {
  bool was_interrupted = false;
  const InterruptCheck noting = [&] { return was_interrupted = was_interrupted || (interrupted && interrupted()); };
  Attempts attempts(options);
  for (;;) {
    grpc::Status status;
    {
      grpc::ClientContext context;
      attempts.prepare(context);
      status = attempt(context, noting);
    }
    const auto wait = was_interrupted ? std::nullopt : attempts.retry_after(status);
    if (!wait) return attempts.outcome(status);
    if (!sleep_unless_interrupted(*wait, interrupted)) return kInterruptedWhileWaiting;
  }
}

}  // namespace

InferClient::InferClient(const ChannelConfig& config, int channels, bool record_metrics)
    : channels_(std::make_shared<ChannelPool>(config, channels)),
      metrics_(record_metrics ? std::make_shared<ClientMetrics>() : nullptr) {}

grpc::Status InferClient::infer(const InferRequest& request, const CallOptions& options,
                                const InterruptCheck& interrupted, std::shared_ptr<InferResponse>* response) {
  ModelMetrics* metrics = metrics_ ? &metrics_->model(request.model_name) : nullptr;
  const auto started = MetricsClock::now();
  PayloadLease lease;
  grpc::ByteBuffer received;
  grpc::Status status;
  {
    const grpc::ByteBuffer sent = lend_request(request, lease);  // every attempt sends these slices
    if (metrics) metrics->started(sent.Length(), true);
    grpc::GenericStub& stub = channels_->next();
    status = with_retries(options, interrupted, [&](grpc::ClientContext& context, const InterruptCheck& check) {
      received.Clear();
      return blocking_unary_call(stub, context, method_path("ModelInfer"), sent, &received, check);
    });
  }
  // The caller's arrays must outlive gRPC's use of them: wait if it still holds a slice.
  std::promise<void> released;
  std::future<void> all_released = released.get_future();
  if (!lease.end([&released] { released.set_value(); })) all_released.wait();
  if (status.ok()) status = decode_received_response(received, response);
  if (metrics) metrics->finished(status, MetricsClock::now() - started, received.Length());
  return status;
}

grpc::Status InferClient::call_unary(const std::string& method, const std::string& request_json,
                                     const CallOptions& options, const InterruptCheck& interrupted,
                                     std::shared_ptr<google::protobuf::Message>* response) {
  grpc::ByteBuffer sent;
  if (auto status = encode_json_request(method, request_json, &sent); !status.ok()) return status;
  grpc::ByteBuffer received;
  grpc::GenericStub& stub = channels_->next();
  const grpc::Status status =
      with_retries(options, interrupted, [&](grpc::ClientContext& context, const InterruptCheck& check) {
        received.Clear();
        return blocking_unary_call(stub, context, method_path(method), sent, &received, check);
      });
  if (!status.ok()) return status;
  return decode_response(method, received, response);
}

}  // namespace tritonlink
