// BYTES tensors on the wire: each element is a 4-byte little-endian length, then its bytes.
// Sans-IO: encoding takes element views and returns one owned buffer; decoding checks every
// length prefix against the payload and never reads outside it.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tritonlink {

// Raised for a payload that is not a well-formed BYTES tensor, or an element too long for
// its 32-bit length prefix.
class MalformedBytesTensor : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The wire form of `elements`, in order, in one buffer sized exactly once.
std::string encode_bytes_tensor(const std::vector<std::string_view>& elements);

// The elements of a serialized BYTES tensor, as views into `payload`.
std::vector<std::string_view> decode_bytes_tensor(std::string_view payload);

}  // namespace tritonlink
