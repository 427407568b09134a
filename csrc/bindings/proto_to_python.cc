#include "proto_to_python.h"

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

namespace py = pybind11;
namespace pb = google::protobuf;

namespace tritonlink::bindings {
namespace {

using Field = pb::FieldDescriptor;

constexpr int kSingular = -1;  // index of a field that is not repeated

py::object text(const std::string& value) {
  // Never fails on what a server sent: invalid UTF-8 becomes U+FFFD instead of an exception.
  PyObject* decoded = PyUnicode_DecodeUTF8(value.data(), static_cast<Py_ssize_t>(value.size()), "replace");
  if (decoded == nullptr) throw py::error_already_set();  // out of memory
  return py::reinterpret_steal<py::object>(decoded);
}

py::object enum_name(const pb::EnumDescriptor* type, int number) {
  // Proto3 enums are open: a number this build does not know stays a number, as in JSON.
  const pb::EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (value == nullptr) return py::int_(number);
  return py::str(value->name());
}

// The value of `field` in `message`: element `index` of a repeated field, or the field itself
// when `index` is kSingular.
py::object field_value(const pb::Message& message, const Field* field, int index) {
  const pb::Reflection& r = *message.GetReflection();
  const bool one = index == kSingular;
  switch (field->cpp_type()) {
    case Field::CPPTYPE_INT32:
      return py::int_(one ? r.GetInt32(message, field) : r.GetRepeatedInt32(message, field, index));
    case Field::CPPTYPE_INT64:
      return py::int_(one ? r.GetInt64(message, field) : r.GetRepeatedInt64(message, field, index));
    case Field::CPPTYPE_UINT32:
      return py::int_(one ? r.GetUInt32(message, field) : r.GetRepeatedUInt32(message, field, index));
    case Field::CPPTYPE_UINT64:
      return py::int_(one ? r.GetUInt64(message, field) : r.GetRepeatedUInt64(message, field, index));
    case Field::CPPTYPE_FLOAT:
      return py::float_(one ? r.GetFloat(message, field) : r.GetRepeatedFloat(message, field, index));
    case Field::CPPTYPE_DOUBLE:
      return py::float_(one ? r.GetDouble(message, field) : r.GetRepeatedDouble(message, field, index));
    case Field::CPPTYPE_BOOL:
      return py::bool_(one ? r.GetBool(message, field) : r.GetRepeatedBool(message, field, index));
    case Field::CPPTYPE_ENUM:
      return enum_name(field->enum_type(),
                       one ? r.GetEnumValue(message, field) : r.GetRepeatedEnumValue(message, field, index));
    case Field::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& value = one ? r.GetStringReference(message, field, &scratch)
                                     : r.GetRepeatedStringReference(message, field, index, &scratch);
      if (field->type() == Field::TYPE_BYTES) return py::bytes(value);
      return text(value);
    }
    case Field::CPPTYPE_MESSAGE:
      return message_to_python(one ? r.GetMessage(message, field) : r.GetRepeatedMessage(message, field, index));
  }
  return py::none();  // unreachable: every cpp_type is handled above
}

// A map field is a repeated field of entries whose fields are `key` (1) and `value` (2); an
// entry's key or value left at its default is still part of the map.
py::dict map_value(const pb::Message& message, const Field* field) {
  const pb::Reflection& r = *message.GetReflection();
  const Field* key = field->message_type()->map_key();
  const Field* value = field->message_type()->map_value();
  py::dict out;
  for (int i = 0; i < r.FieldSize(message, field); ++i) {
    const pb::Message& entry = r.GetRepeatedMessage(message, field, i);
    out[field_value(entry, key, kSingular)] = field_value(entry, value, kSingular);
  }
  return out;
}

py::list repeated_value(const pb::Message& message, const Field* field) {
  const int size = message.GetReflection()->FieldSize(message, field);
  py::list out(size);
  for (int i = 0; i < size; ++i) out[i] = field_value(message, field, i);
  return out;
}

}  // namespace

py::dict message_to_python(const pb::Message& message) {
  std::vector<const Field*> fields;
  message.GetReflection()->ListFields(message, &fields);  // only the fields that are set
  py::dict out;
  for (const Field* field : fields) {
    if (field->is_map()) {
      out[py::str(field->name())] = map_value(message, field);
    } else if (field->is_repeated()) {
      out[py::str(field->name())] = repeated_value(message, field);
    } else {
      out[py::str(field->name())] = field_value(message, field, kSingular);
    }
  }
  return out;
}

}  // namespace tritonlink::bindings
