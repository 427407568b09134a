#include "bytes_tensor.h"

#include <cstdint>
#include <limits>

namespace tritonlink {
namespace {

constexpr size_t kLengthPrefix = 4;

void put_length(char* out, uint32_t length) {
  for (size_t i = 0; i < kLengthPrefix; ++i) out[i] = static_cast<char>(length >> (8 * i));
}

uint32_t read_length(const char* in) {
  uint32_t length = 0;
  for (size_t i = 0; i < kLengthPrefix; ++i) length |= static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  return length;
}

}  // namespace

std::string encode_bytes_tensor(const std::vector<std::string_view>& elements) {
  size_t total = 0;
  for (const auto& element : elements) {
    if (element.size() > std::numeric_limits<uint32_t>::max()) {
      throw MalformedBytesTensor("a BYTES element of " + std::to_string(element.size()) +
                                 " bytes does not fit its 4-byte length prefix");
    }
    total += kLengthPrefix + element.size();
  }
  std::string out(total, '\0');
  char* pos = out.data();
  for (const auto& element : elements) {
    put_length(pos, static_cast<uint32_t>(element.size()));
    pos += kLengthPrefix;
    if (!element.empty()) element.copy(pos, element.size());
    pos += element.size();
  }
  return out;
}

std::vector<std::string_view> decode_bytes_tensor(std::string_view payload) {
  std::vector<std::string_view> elements;
  size_t pos = 0;
  while (pos < payload.size()) {
    if (payload.size() - pos < kLengthPrefix) {
      throw MalformedBytesTensor("BYTES payload ends inside a length prefix at byte " + std::to_string(pos));
    }
    const uint32_t length = read_length(payload.data() + pos);
    pos += kLengthPrefix;
    if (length > payload.size() - pos) {
      throw MalformedBytesTensor("BYTES element at byte " + std::to_string(pos - kLengthPrefix) + " claims " +
                                 std::to_string(length) + " bytes but only " + std::to_string(payload.size() - pos) +
                                 " remain");
    }
    elements.emplace_back(payload.data() + pos, length);
    pos += length;
  }
  return elements;
}

}  // namespace tritonlink
