// ModelStreamInferResponse decoded in place: the server's per-request error message, and the
// ModelInferResponse it wraps (decoded as a unary response is, its tensors still views).
#pragma once

#include <memory>
#include <string>

#include "infer_response.h"

namespace tritonlink {

struct StreamResponse {
  std::string error_message;                // set when the request it answers failed
  std::shared_ptr<InferResponse> response;  // null when the server sent no infer_response
};

// Throws wire::MalformedMessage on bytes that are not one; never reads outside `message.bytes`.
StreamResponse decode_stream_response(MessageBytes message);

}  // namespace tritonlink
