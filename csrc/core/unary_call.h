// A unary RPC on the engine: one request written and one response read in a single gRPC
// batch, so an attempt's only event is kFinished. A failed attempt that the call's retry
// policy covers waits on an alarm (kRetry) and goes again with the same request bytes.
// ModelInfer responses are decoded by the hand-written codec, other RPCs' into protobuf
// messages; both off the GIL, on the completion-queue thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/alarm.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include "client_metrics.h"
#include "engine_call.h"
#include "infer_request.h"
#include "retry_policy.h"

namespace tritonlink {

class UnaryCall final : public EngineCall {
 public:
  // ModelInfer (kind kInfer) with `request`'s payloads lent to gRPC by this call, counted in
  // `metrics` unless null.
  UnaryCall(uint64_t id, const InferRequest& request, CallOptions options, std::shared_ptr<CompletionSink> sink,
            ModelMetrics* metrics = nullptr);
  // Another RPC of the service (kind kMessage), its request given as proto3 JSON.
  UnaryCall(uint64_t id, const std::string& method, const std::string& request_json, CallOptions options,
            std::shared_ptr<CompletionSink> sink);

  // False when the request could not even be encoded: refuse() it with encode_status().
  bool encoded() const { return status_.ok(); }
  const grpc::Status& encode_status() const { return status_; }
  void start(grpc::GenericStub& stub, grpc::CompletionQueue* queue);
  // Delivers the final completion now, without starting: CANCELLED after shutdown, or why
  // the request could not be encoded.
  void refuse(grpc::Status status);

  bool on_event(Event event, bool ok) override;
  void cancel() override;

 private:
  void start_attempt();
  // After a failed attempt: arms the alarm for the next one; false when the call ends here.
  bool wait_to_retry();
  void deliver();

  const Completion::Kind kind_;
  const std::string method_;  // the service's RPC name, e.g. "ModelInfer"
  PayloadLease lease_;
  Attempts attempts_;
  grpc::ByteBuffer request_;  // kept for the next attempt while the policy allows one
  grpc::GenericStub* stub_ = nullptr;
  grpc::CompletionQueue* queue_ = nullptr;
  std::mutex retry_mu_;  // cancel() may race with arming the alarm
  // Made at the first retry: a grpc::Alarm costs a grpc_init()/grpc_shutdown() pair (a global
  // lock each) and an allocation, which most calls never need.
  std::unique_ptr<grpc::Alarm> retry_alarm_;
  bool waiting_to_retry_ = false;
  bool cancelled_ = false;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader_;
  grpc::ByteBuffer response_;
  grpc::Status status_;
  ModelMetrics* const metrics_ = nullptr;  // owned by the engine's ClientMetrics
  const MetricsClock::time_point started_ = MetricsClock::now();
};

}  // namespace tritonlink
