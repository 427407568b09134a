#include "input_conversion.h"

#include <string>
#include <utility>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "datatype_conversion.h"
#include "request_conversion.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

std::string type_name(const py::handle& object) {
  return py::type::handle_of(object).attr("__name__").cast<std::string>();
}

// The name of a dict entry, checked as InferInput checks its own.
std::string input_name(const py::handle& name) {
  if (!PyUnicode_Check(name.ptr())) {
    throw py::type_error("input name must be str, not " + type_name(name));
  }
  if (PyUnicode_GET_LENGTH(name.ptr()) == 0) throw py::value_error("input name must not be empty");
  return name.cast<std::string>();
}

// An input shaped as `array` whose bytes are `payload`'s (the array itself, or its wire form).
InputTensor tensor_over(std::string name, const Datatype& datatype, const py::array& array, const py::array& payload,
                        py::list& lent) {
  InputTensor input;
  input.name = std::move(name);
  input.datatype = std::string(datatype.name);
  input.shape.assign(array.shape(), array.shape() + array.ndim());
  input.data = static_cast<const char*>(payload.data());
  input.size = static_cast<size_t>(payload.nbytes());
  lent.append(payload);
  return input;
}

InputTensor input_from_tuple(const py::handle& item, py::list& lent) {
  const auto fields = py::reinterpret_borrow<py::tuple>(item);
  InputTensor input;
  input.name = fields[0].cast<std::string>();
  input.datatype = fields[1].cast<std::string>();
  input.shape = fields[2].cast<std::vector<int64_t>>();
  const py::handle data = fields[3];
  if (data.is_none()) {
    input.has_data = false;
  } else {
    const auto array = py::reinterpret_borrow<py::array>(data);
    input.data = static_cast<const char*>(array.data());
    input.size = static_cast<size_t>(array.nbytes());
    lent.append(data);
  }
  input.parameters = parameters_from_python(fields[4]);
  return input;
}

// A dict value placed in shared memory (tritonlink.shared_memory's tensor()) says where it lies
// through this attribute: (datatype, shape, parameters naming the region, offset and size).
constexpr const char* kPlacementAttribute = "_tritonlink_placement";

InputTensor input_in_shared_memory(std::string name, const py::handle& value) {
  const auto placement = py::reinterpret_borrow<py::tuple>(value.attr(kPlacementAttribute));
  InputTensor input;
  input.name = std::move(name);
  input.datatype = placement[0].cast<std::string>();
  input.shape = placement[1].cast<std::vector<int64_t>>();
  input.parameters = parameters_from_python(placement[2]);
  input.has_data = false;
  return input;
}

InputTensor input_from_dict_entry(const py::handle& key, const py::handle& value, py::list& lent) {
  std::string name = input_name(key);
  if (!py::isinstance<py::array>(value)) {
    if (py::hasattr(value, kPlacementAttribute)) return input_in_shared_memory(std::move(name), value);
    throw py::type_error("input '" + name + "' needs a numpy.ndarray, not " + type_name(value));
  }
  const auto array = py::reinterpret_borrow<py::array>(value);
  if (const Datatype* datatype = sendable_datatype(array))
    return tensor_over(std::move(name), *datatype, array, array, lent);
  const Datatype* datatype = nullptr;
  try {
    datatype = &datatype_of(array.dtype());
  } catch (const py::type_error& error) {
    throw py::type_error("input '" + name + "': " + error.what());
  }
  const py::array payload = wire_payload(name, *datatype, array);
  return tensor_over(std::move(name), *datatype, array, payload, lent);
}

}  // namespace

std::vector<InputTensor> inputs_from_python(const py::handle& inputs, py::list& lent) {
  std::vector<InputTensor> out;
  if (PyDict_Check(inputs.ptr())) {
    out.reserve(static_cast<size_t>(PyDict_Size(inputs.ptr())));
    for (const auto& [name, value] : py::reinterpret_borrow<py::dict>(inputs)) {
      out.push_back(input_from_dict_entry(name, value, lent));
    }
    return out;
  }
  for (const auto& item : inputs) out.push_back(input_from_tuple(item, lent));
  return out;
}

}  // namespace tritonlink::bindings
