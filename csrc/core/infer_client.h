// The client: one channel to a Triton-protocol server, ModelInfer through the hand-written
// codec, and every other RPC through protobuf's JSON mapping.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include "blocking_call.h"
#include "call_options.h"
#include "channel.h"
#include "infer_request.h"
#include "infer_response.h"

namespace tritonlink {

class InferClient {
 public:
  explicit InferClient(const ChannelConfig& config);

  // Sends `request` and waits for its response on the calling thread. The request's input
  // payloads are lent to gRPC and are no longer referenced when this returns.
  grpc::Status infer(const InferRequest& request, const CallOptions& options, const InterruptCheck& interrupted,
                     std::shared_ptr<InferResponse>* response);

  // Runs the RPC `method` of inference.GRPCInferenceService (e.g. "ServerReady") with a
  // request given as proto3 JSON, and returns the response as proto3 JSON (field names as in
  // the .proto files, as tritonclient's `as_json` returns them).
  grpc::Status call_json(const std::string& method, const std::string& request_json, const CallOptions& options,
                         const InterruptCheck& interrupted, std::string* response_json);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
};

}  // namespace tritonlink
