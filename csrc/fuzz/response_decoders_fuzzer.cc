// libFuzzer target for everything that decodes bytes from the wire: ModelInferResponse,
// ModelStreamInferResponse and BYTES tensors. Malformed input must end in the decoders' own
// exceptions; AddressSanitizer catches any read outside the input, including through the
// tensor views a decoded response hands out.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bytes_tensor.h"
#include "datatypes.h"
#include "infer_response.h"
#include "stream_response.h"
#include "tensor_shape.h"
#include "wire.h"

namespace {

// Reads every byte a view claims, so that a view past the input is an ASan report.
volatile uint8_t g_sink;

void touch(std::string_view bytes) {
  uint8_t sum = 0;
  for (char c : bytes) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  g_sink = sum;
}

// Decodes a BYTES payload; what it gives must account for every byte of the payload.
void check_bytes_tensor(std::string_view payload) {
  try {
    size_t accounted = 0;
    for (std::string_view element : tritonlink::decode_bytes_tensor(payload)) {
      touch(element);
      accounted += 4 + element.size();
    }
    if (accounted != payload.size()) __builtin_trap();
  } catch (const tritonlink::MalformedBytesTensor&) {
  }
}

// A checked element count, times the element size, must not overflow.
void check_shape(const tritonlink::OutputTensor& out) {
  const tritonlink::Datatype* type = tritonlink::find_datatype(out.datatype);
  const size_t element_size = type ? type->element_size : 1;
  try {
    size_t bytes = 0;
    if (__builtin_mul_overflow(tritonlink::element_count(out.shape, element_size), element_size, &bytes)) {
      __builtin_trap();
    }
  } catch (const tritonlink::BadShape&) {
  }
}

void check_response(const tritonlink::InferResponse& response) {
  for (const tritonlink::OutputTensor& out : response.outputs) {
    check_shape(out);
    if (!out.has_data) continue;
    const std::string_view payload(out.data, out.size);
    touch(payload);
    check_bytes_tensor(payload);
  }
  response.is_final();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    check_response(*tritonlink::decode_infer_response(tritonlink::MessageBytes{nullptr, bytes}));
  } catch (const tritonlink::wire::MalformedMessage&) {
  }
  try {
    const tritonlink::StreamResponse decoded =
        tritonlink::decode_stream_response(tritonlink::MessageBytes{nullptr, bytes});
    if (decoded.response) check_response(*decoded.response);
  } catch (const tritonlink::wire::MalformedMessage&) {
  }
  check_bytes_tensor(bytes);
  return 0;
}
