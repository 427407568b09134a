#include "stream_response.h"

#include "wire.h"

namespace tritonlink {
namespace {

enum StreamResponseField : uint32_t { kErrorMessage = 1, kInferResponse = 2 };

}  // namespace

StreamResponse decode_stream_response(MessageBytes message) {
  StreamResponse decoded;
  std::string_view infer_bytes;
  bool has_infer_response = false;
  wire::Reader reader(message.bytes);
  wire::Field f;
  while (reader.next(f)) {
    switch (f.number) {
      case kErrorMessage:
        wire::expect_type(f, wire::kLengthDelimited, "error_message");
        decoded.error_message.assign(f.bytes);
        break;
      case kInferResponse:
        wire::expect_type(f, wire::kLengthDelimited, "infer_response");
        infer_bytes = f.bytes;  // proto3 merges repeated message fields; Triton sends one
        has_infer_response = true;
        break;
      default:
        break;
    }
  }
  if (has_infer_response) {
    // The inner message's tensors stay views into the same received bytes.
    decoded.response = decode_infer_response(MessageBytes{std::move(message.owner), infer_bytes});
  }
  return decoded;
}

}  // namespace tritonlink
