#include "bytes_conversion.h"

#include <memory>
#include <optional>
#include <string_view>

#include <pybind11/stl.h>

#include "bytes_tensor.h"
#include "shapes.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

std::string_view object_element(const std::string& name, PyObject* item, size_t index) {
  if (PyBytes_Check(item)) return {PyBytes_AS_STRING(item), static_cast<size_t>(PyBytes_GET_SIZE(item))};
  if (PyUnicode_Check(item)) {
    // The UTF-8 form is cached in the str object, which the array keeps alive.
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(item, &size);
    if (data == nullptr) throw py::error_already_set();
    return {data, static_cast<size_t>(size)};
  }
  throw py::type_error("input '" + name + "' is BYTES: element " + std::to_string(index) + " is " +
                       Py_TYPE(item)->tp_name + ", expected bytes or str");
}

std::vector<std::string_view> element_views(const std::string& name, const py::array& array) {
  if (!(array.flags() & py::array::c_style)) throw py::value_error("input '" + name + "' must be C-contiguous here");
  const size_t count = static_cast<size_t>(array.size());
  std::vector<std::string_view> elements;
  elements.reserve(count);
  const char kind = array.dtype().kind();
  if (kind == 'O') {
    auto* const* items = static_cast<PyObject* const*>(array.data());
    for (size_t i = 0; i < count; ++i) elements.push_back(object_element(name, items[i], i));
  } else if (kind == 'S') {
    const size_t width = static_cast<size_t>(array.itemsize());
    const char* data = static_cast<const char*>(array.data());
    for (size_t i = 0; i < count; ++i) {
      std::string_view element(data + i * width, width);
      const size_t end = element.find_last_not_of('\0');
      elements.push_back(element.substr(0, end == std::string_view::npos ? 0 : end + 1));
    }
  } else {
    throw py::type_error("input '" + name + "' is BYTES: it needs an object or bytes_ (S) array, not " +
                         std::string(py::str(array.dtype())));
  }
  return elements;
}

// A uint8 array over `buffer`, which the array owns (no copy).
py::array owning_uint8_array(std::string buffer) {
  auto owned = std::make_unique<std::string>(std::move(buffer));
  const std::string* raw = owned.get();
  py::capsule owner(owned.release(), [](void* p) { delete static_cast<std::string*>(p); });
  return py::array(py::dtype::of<uint8_t>(), {static_cast<py::ssize_t>(raw->size())}, {}, raw->data(), owner);
}

}  // namespace

py::array serialize_bytes_input(const std::string& name, const py::array& array) {
  const std::vector<std::string_view> elements = element_views(name, array);
  try {
    return owning_uint8_array(encode_bytes_tensor(elements));
  } catch (const MalformedBytesTensor& e) {
    throw py::value_error("input '" + name + "': " + e.what());
  }
}

namespace {

std::vector<std::string_view> decoded_elements(const std::string& name, std::string_view payload) {
  try {
    return decode_bytes_tensor(payload);
  } catch (const MalformedBytesTensor& e) {
    throw py::value_error("output '" + name + "' is not a valid BYTES tensor: " + e.what());
  }
}

py::array object_array(const std::vector<std::string_view>& elements, const std::vector<py::ssize_t>& dims) {
  py::array out(py::dtype("O"), dims);
  auto** items = static_cast<PyObject**>(out.mutable_data());
  for (size_t i = 0; i < elements.size(); ++i) {
    PyObject* element = PyBytes_FromStringAndSize(elements[i].data(), static_cast<Py_ssize_t>(elements[i].size()));
    if (element == nullptr) throw py::error_already_set();
    Py_XDECREF(items[i]);  // numpy may have filled the new array with None
    items[i] = element;
  }
  return out;
}

}  // namespace

py::array bytes_output_array(const std::string& name, std::string_view payload, const std::vector<int64_t>& shape) {
  const std::vector<std::string_view> elements = decoded_elements(name, payload);
  const size_t expected = checked_element_count(name, shape, sizeof(PyObject*));
  if (elements.size() != expected) {
    throw py::value_error("output '" + name + "' holds " + std::to_string(elements.size()) +
                          " BYTES elements but its shape needs " + std::to_string(expected));
  }
  return object_array(elements, std::vector<py::ssize_t>(shape.begin(), shape.end()));
}

void register_bytes(py::module_& m) {
  m.def("serialize_bytes_tensor", &serialize_bytes_input, py::arg("name"), py::arg("array"),
        "The wire form of a C-contiguous object (bytes/str) or S array, as a uint8 array.");
  m.def(
      "deserialize_bytes_tensor",
      [](py::bytes payload, std::optional<std::vector<int64_t>> shape) {
        if (shape) return bytes_output_array("payload", std::string_view(payload), *shape);
        // No shape (tritonclient.utils' form): one dimension, as many elements as there are.
        const std::vector<std::string_view> elements = decoded_elements("payload", std::string_view(payload));
        return object_array(elements, {static_cast<py::ssize_t>(elements.size())});
      },
      py::arg("payload"), py::arg("shape") = py::none(),
      "The elements of a serialized BYTES tensor as an object array (1-d when no shape is given).");
}

}  // namespace tritonlink::bindings
