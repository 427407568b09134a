// The client: a pool of channels to a Triton-protocol server (or its replicas), ModelInfer through the hand-written
// codec, and every other RPC through generated protobuf messages.
#pragma once

#include <memory>
#include <string>

#include <google/protobuf/message.h>

#include "blocking_call.h"
#include "call_options.h"
#include "channel_pool.h"
#include "client_metrics.h"
#include "infer_request.h"
#include "infer_response.h"

namespace tritonlink {

class InferClient {
 public:
  // `channels` connections (see ChannelPool); each call takes the next one. With
  // `record_metrics`, every infer is counted in metrics().
  explicit InferClient(const ChannelConfig& config, int channels = 1, bool record_metrics = true);

  // Sends `request` and waits for its response on the calling thread. The request's input
  // payloads are lent to gRPC and are no longer referenced when this returns.
  grpc::Status infer(const InferRequest& request, const CallOptions& options, const InterruptCheck& interrupted,
                     std::shared_ptr<InferResponse>* response);

  // Runs the unary RPC `method` of inference.GRPCInferenceService (e.g. "ServerReady") with a
  // request given as proto3 JSON (field names as in the .proto files), and returns the parsed
  // response message.
  grpc::Status call_unary(const std::string& method, const std::string& request_json, const CallOptions& options,
                          const InterruptCheck& interrupted, std::shared_ptr<google::protobuf::Message>* response);

  // Shared with the async engine, so sync and async calls spread over the same connections.
  const std::shared_ptr<ChannelPool>& channels() const { return channels_; }
  // Shared with the async engine too; null when metrics are off.
  const std::shared_ptr<ClientMetrics>& metrics() const { return metrics_; }

 private:
  std::shared_ptr<ChannelPool> channels_;
  std::shared_ptr<ClientMetrics> metrics_;
};

}  // namespace tritonlink
