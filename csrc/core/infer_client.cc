#include "infer_client.h"

#include <future>

#include <grpcpp/client_context.h>
#include <grpcpp/support/byte_buffer.h>

#include "byte_buffers.h"
#include "payload_lease.h"
#include "unary_rpc.h"

namespace tritonlink {

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
    grpc::ClientContext context;
    options.apply(context);
    const grpc::ByteBuffer sent = lend_request(request, lease);
    if (metrics) metrics->started(sent.Length(), true);
    status = blocking_unary_call(channels_->next(), context, method_path("ModelInfer"), sent, &received, interrupted);
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
  grpc::ClientContext context;
  options.apply(context);
  const grpc::Status status = blocking_unary_call(channels_->next(), context, method_path(method), sent, &received, interrupted);
  if (!status.ok()) return status;
  return decode_response(method, received, response);
}

}  // namespace tritonlink
