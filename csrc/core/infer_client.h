// The client: one channel to a Triton-protocol server, ModelInfer through the hand-written
// codec, and every other RPC through generated protobuf messages.
#pragma once

#include <memory>
#include <string>

#include <google/protobuf/message.h>
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

  // Runs the unary RPC `method` of inference.GRPCInferenceService (e.g. "ServerReady") with a
  // request given as proto3 JSON (field names as in the .proto files), and returns the parsed
  // response message.
  grpc::Status call_unary(const std::string& method, const std::string& request_json, const CallOptions& options,
                          const InterruptCheck& interrupted, std::shared_ptr<google::protobuf::Message>* response);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
};

}  // namespace tritonlink
