// ModelInferResponse decoded in place: outputs point into the received message's bytes, which
// the response keeps alive, so tensors reach Python as views rather than copies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parameters.h"

namespace tritonlink {

struct OutputTensor {
  std::string name;
  std::string datatype;
  std::vector<int64_t> shape;
  Parameters parameters;
  // raw_output_contents entry of the same index; absent for outputs the server did not send
  // inline (shared memory) or sent as typed `contents`, which this client does not decode.
  bool has_data = false;
  bool has_typed_contents = false;
  const char* data = nullptr;
  size_t size = 0;
};

// The bytes of one received message and whatever keeps them alive (a gRPC slice, a string).
struct MessageBytes {
  std::shared_ptr<const void> owner;
  std::string_view bytes;
};

struct InferResponse {
  std::string model_name;
  std::string model_version;
  std::string id;
  Parameters parameters;
  std::vector<OutputTensor> outputs;
  MessageBytes message;  // what every OutputTensor::data points into

  // Index of the output called `name`, or -1.
  int find_output(std::string_view name) const;

  // Whether this is the last response to its request: Triton's `triton_final_response`
  // parameter says so on decoupled models' responses; a response without it is the only one.
  bool is_final() const;
};

// Decodes a serialized ModelInferResponse. Throws wire::MalformedMessage on bytes that are not
// one; never reads outside `message.bytes`.
std::shared_ptr<InferResponse> decode_infer_response(MessageBytes message);

}  // namespace tritonlink
