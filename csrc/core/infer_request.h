// ModelInferRequest: what a caller asks for, and the hand-written encoder that turns it into
// wire bytes without copying large tensor payloads (they stay borrowed from the caller).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parameters.h"

namespace tritonlink {

struct InputTensor {
  std::string name;
  std::string datatype;
  std::vector<int64_t> shape;
  Parameters parameters;
  // Payload sent as raw_input_contents. Borrowed: it must stay valid until the encoded request
  // (and every gRPC slice made from it) is released. Inputs without a payload (shared memory)
  // set has_data = false and contribute no raw_input_contents entry.
  bool has_data = true;
  const char* data = nullptr;
  size_t size = 0;
};

struct RequestedOutput {
  std::string name;
  Parameters parameters;
};

struct InferRequest {
  std::string model_name;
  std::string model_version;
  std::string id;
  Parameters parameters;
  std::vector<InputTensor> inputs;
  std::vector<RequestedOutput> outputs;
};

// The encoded message as consecutive pieces: bytes the encoding owns, and spans of the inputs'
// own memory. Concatenated, the pieces are exactly one serialized ModelInferRequest.
class EncodedRequest {
 public:
  struct Piece {
    const char* borrowed;  // null for a piece of owned_
    size_t offset;         // into owned_, for owned pieces
    size_t size;
  };

  const std::vector<Piece>& pieces() const { return pieces_; }
  const char* piece_data(const Piece& p) const { return p.borrowed ? p.borrowed : owned_.data() + p.offset; }
  size_t size() const;
  size_t borrowed_count() const;
  std::string flatten() const;  // one contiguous copy, for tests and the codec round trip

 private:
  friend EncodedRequest encode_infer_request(const InferRequest&, size_t);
  void close_owned_piece();
  void add_borrowed(const char* data, size_t size);

  std::string owned_;
  size_t open_piece_start_ = 0;
  std::vector<Piece> pieces_;
};

// Payloads smaller than this are copied next to the header: for them a copy costs less than
// a separately reference-counted slice whose release must be handed back to the caller.
constexpr size_t kDefaultBorrowThreshold = 16 * 1024;

EncodedRequest encode_infer_request(const InferRequest& request, size_t borrow_threshold = kDefaultBorrowThreshold);

}  // namespace tritonlink
