// Protocol-buffer wire primitives for the hand-written ModelInfer codec.
// Only what the codec needs: varints, length-delimited fields, fixed 32/64-bit values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tritonlink::wire {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// Raised by the reader on bytes that are not a well-formed message; the codec turns it into a
// gRPC INTERNAL status, so it never reaches the interpreter.
class MalformedMessage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline size_t varint_size(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

inline void put_varint(std::string& out, uint64_t value) {
  char buf[10];
  size_t n = 0;
  while (value >= 0x80) {
    buf[n++] = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  buf[n++] = static_cast<char>(value);
  out.append(buf, n);
}

inline void put_tag(std::string& out, uint32_t field, WireType type) {
  put_varint(out, (static_cast<uint64_t>(field) << 3) | type);
}

inline void put_bytes(std::string& out, uint32_t field, std::string_view bytes) {
  put_tag(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes.data(), bytes.size());
}

// proto3 omits empty strings; writing them would still parse, but byte-equality with
// protobuf's own serializer is what the codec tests check.
inline void put_string_if_set(std::string& out, uint32_t field, std::string_view s) {
  if (!s.empty()) put_bytes(out, field, s);
}

inline void put_varint_field(std::string& out, uint32_t field, uint64_t value) {
  put_tag(out, field, kVarint);
  put_varint(out, value);
}

inline void put_fixed64_field(std::string& out, uint32_t field, uint64_t bits) {
  put_tag(out, field, kFixed64);
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(bits >> (8 * i));
  out.append(buf, 8);
}

// One field read from a message: its number, wire type and value (varint/fixed bits or bytes).
struct Field {
  uint32_t number = 0;
  WireType type = kVarint;
  uint64_t scalar = 0;
  std::string_view bytes;
};

// Bounds-checked reader over one message's bytes. Lengths from the wire are never trusted.
class Reader {
 public:
  Reader(const char* data, size_t size) : pos_(data), end_(data + size) {}
  explicit Reader(std::string_view bytes) : Reader(bytes.data(), bytes.size()) {}

  bool done() const { return pos_ >= end_; }

  // Reads the next field; false at the end of the message.
  bool next(Field& field) {
    if (done()) return false;
    const uint64_t key = varint();
    field.number = static_cast<uint32_t>(key >> 3);
    if (field.number == 0 || (key >> 3) > 0x1fffffff) throw MalformedMessage("invalid field number");
    field.type = static_cast<WireType>(key & 7);
    switch (field.type) {
      case kVarint:
        field.scalar = varint();
        break;
      case kFixed64:
        field.scalar = fixed(8);
        break;
      case kFixed32:
        field.scalar = fixed(4);
        break;
      case kLengthDelimited: {
        const uint64_t len = varint();
        if (len > static_cast<uint64_t>(end_ - pos_)) throw MalformedMessage("length past end of message");
        field.bytes = std::string_view(pos_, static_cast<size_t>(len));
        pos_ += len;
        break;
      }
      default:
        throw MalformedMessage("unsupported wire type " + std::to_string(key & 7));
    }
    return true;
  }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= end_) throw MalformedMessage("truncated varint");
      const uint8_t byte = static_cast<uint8_t>(*pos_++);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    throw MalformedMessage("varint longer than 10 bytes");
  }

 private:
  uint64_t fixed(int width) {
    if (end_ - pos_ < width) throw MalformedMessage("truncated fixed-width value");
    uint64_t value = 0;
    for (int i = 0; i < width; ++i) value |= static_cast<uint64_t>(static_cast<uint8_t>(pos_[i])) << (8 * i);
    pos_ += width;
    return value;
  }

  const char* pos_;
  const char* end_;
};

// Requires a field to have the wire type its schema says; anything else is a malformed message.
inline void expect_type(const Field& field, WireType type, const char* what) {
  if (field.type != type) throw MalformedMessage(std::string("wrong wire type for ") + what);
}

}  // namespace tritonlink::wire
