// The control-plane RPCs through protobuf's JSON mapping: requests come as proto3 JSON and
// responses go back as proto3 JSON (field names as in the .proto files, like tritonclient's
// `as_json`), so every RPC of the service needs no code of its own.
#pragma once

#include <string>

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

namespace tritonlink {

// gRPC method path of an RPC of inference.GRPCInferenceService.
std::string method_path(const std::string& method);

// Checks that `method` is a unary RPC of the service and encodes its request.
grpc::Status encode_json_request(const std::string& method, const std::string& request_json,
                                 grpc::ByteBuffer* request);

grpc::Status decode_json_response(const std::string& method, const grpc::ByteBuffer& response,
                                  std::string* response_json);

}  // namespace tritonlink
