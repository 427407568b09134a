#include "parameters.h"

#include <cstring>

namespace tritonlink {
namespace {

enum InferParameterField : uint32_t { kBool = 1, kInt64 = 2, kString = 3, kDouble = 4, kUint64 = 5 };
enum MapEntryField : uint32_t { kKey = 1, kValue = 2 };

std::string encode_value(const ParameterValue& value) {
  std::string out;
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          wire::put_varint_field(out, kBool, v ? 1 : 0);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          wire::put_varint_field(out, kInt64, static_cast<uint64_t>(v));
        } else if constexpr (std::is_same_v<T, std::string>) {
          // A oneof member is written even when empty: that is what marks which one is set.
          wire::put_bytes(out, kString, v);
        } else if constexpr (std::is_same_v<T, double>) {
          uint64_t bits;
          std::memcpy(&bits, &v, sizeof bits);
          wire::put_fixed64_field(out, kDouble, bits);
        } else {
          wire::put_varint_field(out, kUint64, v);
        }
      },
      value);
  return out;
}

ParameterValue decode_value(std::string_view bytes) {
  // proto3 semantics: an empty InferParameter (no oneof member) reads as bool false.
  ParameterValue value = false;
  wire::Reader reader(bytes);
  wire::Field f;
  while (reader.next(f)) {
    switch (f.number) {
      case kBool:
        wire::expect_type(f, wire::kVarint, "bool_param");
        value = f.scalar != 0;
        break;
      case kInt64:
        wire::expect_type(f, wire::kVarint, "int64_param");
        value = static_cast<int64_t>(f.scalar);
        break;
      case kString:
        wire::expect_type(f, wire::kLengthDelimited, "string_param");
        value = std::string(f.bytes);
        break;
      case kDouble: {
        wire::expect_type(f, wire::kFixed64, "double_param");
        double d;
        std::memcpy(&d, &f.scalar, sizeof d);
        value = d;
        break;
      }
      case kUint64:
        wire::expect_type(f, wire::kVarint, "uint64_param");
        value = f.scalar;
        break;
      default:
        break;  // unknown fields are skipped, as protobuf does
    }
  }
  return value;
}

}  // namespace

void put_parameters(std::string& out, uint32_t field, const Parameters& parameters) {
  std::string entry;
  for (const auto& [key, value] : parameters) {
    entry.clear();
    wire::put_string_if_set(entry, kKey, key);
    wire::put_bytes(entry, kValue, encode_value(value));
    wire::put_bytes(out, field, entry);
  }
}

void read_parameter_entry(std::string_view entry_bytes, Parameters& parameters) {
  std::string key;
  ParameterValue value = false;
  wire::Reader reader(entry_bytes);
  wire::Field f;
  while (reader.next(f)) {
    if (f.number == kKey) {
      wire::expect_type(f, wire::kLengthDelimited, "parameter key");
      key.assign(f.bytes);
    } else if (f.number == kValue) {
      wire::expect_type(f, wire::kLengthDelimited, "parameter value");
      value = decode_value(f.bytes);
    }
  }
  parameters.emplace_back(std::move(key), std::move(value));
}

}  // namespace tritonlink
