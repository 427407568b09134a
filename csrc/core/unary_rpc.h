// The control-plane RPCs: requests come as proto3 JSON (field names as in the .proto files)
// and responses go back as parsed protobuf messages, so every unary RPC of the service needs
// no code of its own here.
#pragma once

#include <memory>
#include <string>

#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

namespace tritonlink {

// gRPC method path of an RPC of inference.GRPCInferenceService.
std::string method_path(const std::string& method);

// Checks that `method` is a unary RPC of the service and encodes its request.
grpc::Status encode_json_request(const std::string& method, const std::string& request_json, grpc::ByteBuffer* request);

// Parses the response of `method` into a new message of its response type.
grpc::Status decode_response(const std::string& method, const grpc::ByteBuffer& response,
                             std::shared_ptr<google::protobuf::Message>* message);

}  // namespace tritonlink
