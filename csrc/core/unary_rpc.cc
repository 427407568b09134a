#include "unary_rpc.h"

#include <limits>
#include <memory>
#include <new>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include "byte_buffers.h"
#include "grpc_service.pb.h"

namespace tritonlink {
namespace {

namespace pb = google::protobuf;

const pb::MethodDescriptor* unary_method(const std::string& method) {
  // Referencing a generated type here also keeps its descriptors linked into the binary.
  static const pb::ServiceDescriptor* service =
      inference::ModelInferRequest::descriptor()->file()->FindServiceByName("GRPCInferenceService");
  const pb::MethodDescriptor* descriptor = service->FindMethodByName(method);
  if (descriptor == nullptr || descriptor->client_streaming() || descriptor->server_streaming()) return nullptr;
  return descriptor;
}

std::unique_ptr<pb::Message> new_message(const pb::Descriptor* type) {
  return std::unique_ptr<pb::Message>(pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

}  // namespace

std::string method_path(const std::string& method) { return "/inference.GRPCInferenceService/" + method; }

grpc::Status encode_json_request(const std::string& method, const std::string& request_json,
                                 grpc::ByteBuffer* request) {
  const pb::MethodDescriptor* descriptor = unary_method(method);
  if (descriptor == nullptr) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "no unary RPC named '" + method + "' in inference.GRPCInferenceService");
  }
  auto message = new_message(descriptor->input_type());
  const auto parsed = pb::util::JsonStringToMessage(request_json, message.get());
  if (!parsed.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "bad " + method + " request: " + std::string(parsed.message()));
  }
  const std::string bytes = message->SerializeAsString();
  grpc::Slice slice(bytes.data(), bytes.size());
  *request = grpc::ByteBuffer(&slice, 1);
  return grpc::Status::OK;
}

grpc::Status decode_response(const std::string& method, const grpc::ByteBuffer& response,
                             std::shared_ptr<pb::Message>* message) {
  const pb::MethodDescriptor* descriptor = unary_method(method);
  if (descriptor == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "unknown method " + method);
  std::shared_ptr<pb::Message> parsed = new_message(descriptor->output_type());
  MessageBytes bytes;
  try {
    bytes = contiguous_bytes(response);
  } catch (const std::bad_alloc&) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "no memory for a " + method + " response");
  }
  const bool fits = bytes.bytes.size() <= static_cast<size_t>(std::numeric_limits<int>::max());
  if (!fits || !parsed->ParseFromArray(bytes.bytes.data(), static_cast<int>(bytes.bytes.size()))) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "malformed " + method + " response");
  }
  *message = std::move(parsed);
  return grpc::Status::OK;
}

}  // namespace tritonlink
