#include "infer_client.h"

#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/byte_buffer.h>

#include "borrowed_payloads.h"
#include "grpc_service.pb.h"

namespace tritonlink {
namespace {

constexpr char kServicePath[] = "/inference.GRPCInferenceService/";

grpc::ByteBuffer to_byte_buffer(const EncodedRequest& encoded, BorrowedPayloads& lender) {
  std::vector<grpc::Slice> slices;
  slices.reserve(encoded.pieces().size());
  for (const auto& piece : encoded.pieces()) {
    if (piece.borrowed) {
      slices.push_back(lender.lend(piece.borrowed, piece.size));
    } else {
      slices.emplace_back(encoded.piece_data(piece), piece.size);  // copies the small owned bytes
    }
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

// The received message as one contiguous block: the slice itself when gRPC delivered it in one
// piece, otherwise one copy.
MessageBytes contiguous_bytes(const grpc::ByteBuffer& buffer) {
  auto slice = std::make_shared<grpc::Slice>();
  if (!buffer.TrySingleSlice(slice.get()).ok()) buffer.DumpToSingleSlice(slice.get());
  std::string_view bytes(reinterpret_cast<const char*>(slice->begin()), slice->size());
  return MessageBytes{std::move(slice), bytes};
}

const google::protobuf::ServiceDescriptor& service_descriptor() {
  // Referencing a generated type here also keeps its descriptors linked into the binary.
  static const auto* service = inference::ModelInferRequest::descriptor()->file()->FindServiceByName(
      "GRPCInferenceService");
  return *service;
}

grpc::Status invalid(const std::string& message) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message); }

}  // namespace

InferClient::InferClient(const ChannelConfig& config) : channel_(make_channel(config)), stub_(channel_) {}

grpc::Status InferClient::infer(const InferRequest& request, const CallOptions& options,
                                const InterruptCheck& interrupted, std::shared_ptr<InferResponse>* response) {
  BorrowedPayloads lender;  // declared first: destroyed last, after gRPC let go of the slices
  grpc::ByteBuffer received;
  grpc::Status status;
  {
    grpc::ClientContext context;
    options.apply(context);
    grpc::ByteBuffer sent = to_byte_buffer(encode_infer_request(request), lender);
    status = blocking_unary_call(stub_, context, std::string(kServicePath) + "ModelInfer", sent, &received,
                                 interrupted);
  }
  lender.wait_until_released();
  if (!status.ok()) return status;
  try {
    *response = decode_infer_response(contiguous_bytes(received));
  } catch (const wire::MalformedMessage& e) {
    return grpc::Status(grpc::StatusCode::INTERNAL, std::string("malformed ModelInferResponse: ") + e.what());
  }
  return grpc::Status::OK;
}

grpc::Status InferClient::call_json(const std::string& method, const std::string& request_json,
                                    const CallOptions& options, const InterruptCheck& interrupted,
                                    std::string* response_json) {
  namespace pb = google::protobuf;
  const pb::MethodDescriptor* descriptor = service_descriptor().FindMethodByName(method);
  if (descriptor == nullptr || descriptor->client_streaming() || descriptor->server_streaming()) {
    return invalid("no unary RPC named '" + method + "' in inference.GRPCInferenceService");
  }
  pb::MessageFactory* factory = pb::MessageFactory::generated_factory();
  std::unique_ptr<pb::Message> request(factory->GetPrototype(descriptor->input_type())->New());
  std::unique_ptr<pb::Message> reply(factory->GetPrototype(descriptor->output_type())->New());

  const auto parsed = pb::util::JsonStringToMessage(request_json, request.get());
  if (!parsed.ok()) return invalid("bad " + method + " request: " + std::string(parsed.message()));
  const std::string wire_request = request->SerializeAsString();
  grpc::Slice slice(wire_request.data(), wire_request.size());
  grpc::ByteBuffer sent(&slice, 1);
  grpc::ByteBuffer received;
  grpc::ClientContext context;
  options.apply(context);
  const grpc::Status status =
      blocking_unary_call(stub_, context, kServicePath + method, sent, &received, interrupted);
  if (!status.ok()) return status;

  const MessageBytes bytes = contiguous_bytes(received);
  if (!reply->ParseFromArray(bytes.bytes.data(), static_cast<int>(bytes.bytes.size()))) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "malformed " + method + " response");
  }
  pb::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  response_json->clear();
  const auto printed = pb::util::MessageToJsonString(*reply, response_json, print);
  if (!printed.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, std::string(printed.message()));
  return grpc::Status::OK;
}

}  // namespace tritonlink
