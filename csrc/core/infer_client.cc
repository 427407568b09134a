#include "infer_client.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/byte_buffer.h>

#include "borrowed_payloads.h"
#include "byte_buffers.h"
#include "unary_rpc.h"

namespace tritonlink {

InferClient::InferClient(const ChannelConfig& config) : channel_(make_channel(config)), stub_(channel_) {}

grpc::Status InferClient::infer(const InferRequest& request, const CallOptions& options,
                                const InterruptCheck& interrupted, std::shared_ptr<InferResponse>* response) {
  BorrowedPayloads lender;  // declared first: destroyed last, after gRPC let go of the slices
  grpc::ByteBuffer received;
  grpc::Status status;
  {
    grpc::ClientContext context;
    options.apply(context);
    const grpc::ByteBuffer sent = to_byte_buffer(
        encode_infer_request(request), [&lender](const char* data, size_t size) { return lender.lend(data, size); });
    status = blocking_unary_call(stub_, context, method_path("ModelInfer"), sent, &received, interrupted);
  }
  lender.wait_until_released();
  if (!status.ok()) return status;
  return decode_received_response(received, response);
}

grpc::Status InferClient::call_unary(const std::string& method, const std::string& request_json,
                                     const CallOptions& options, const InterruptCheck& interrupted,
                                     std::shared_ptr<google::protobuf::Message>* response) {
  grpc::ByteBuffer sent;
  if (auto status = encode_json_request(method, request_json, &sent); !status.ok()) return status;
  grpc::ByteBuffer received;
  grpc::ClientContext context;
  options.apply(context);
  const grpc::Status status = blocking_unary_call(stub_, context, method_path(method), sent, &received, interrupted);
  if (!status.ok()) return status;
  return decode_response(method, received, response);
}

}  // namespace tritonlink
