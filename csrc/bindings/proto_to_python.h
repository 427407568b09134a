// Protobuf messages as plain Python values, shaped like protobuf's JSON mapping (what
// tritonclient's `as_json` returns) but with 64-bit integers as ints, not strings.
#pragma once

#include <google/protobuf/message.h>
#include <pybind11/pybind11.h>

namespace tritonlink::bindings {

// A dict of the fields that are set (proto3: scalars that differ from their default, messages
// that are present, non-empty repeated fields), keyed by proto field name. Nested messages are
// dicts, repeated fields lists, map fields dicts, enums their value names (the number when
// the name is unknown), bytes fields bytes. GIL held.
pybind11::dict message_to_python(const google::protobuf::Message& message);

}  // namespace tritonlink::bindings
