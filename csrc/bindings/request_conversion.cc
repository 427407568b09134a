#include "request_conversion.h"

#include <cstdint>

#include <pybind11/stl.h>

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

ParameterValue parameter_value(const std::string& key, const py::handle& value) {
  if (PyBool_Check(value.ptr())) return value.ptr() == Py_True;
  if (PyLong_Check(value.ptr())) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow == 0) return static_cast<int64_t>(v);
    if (overflow > 0) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(value.ptr());
      if (!PyErr_Occurred()) return static_cast<uint64_t>(u);
      PyErr_Clear();
    }
    throw py::value_error("parameter '" + key + "' does not fit in 64 bits");
  }
  if (PyFloat_Check(value.ptr())) return PyFloat_AS_DOUBLE(value.ptr());
  if (PyUnicode_Check(value.ptr())) return value.cast<std::string>();
  throw py::type_error("parameter '" + key + "' must be bool, int, float or str, not " +
                       std::string(Py_TYPE(value.ptr())->tp_name));
}

InputTensor input_from_python(const py::handle& item) {
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
  }
  input.parameters = parameters_from_python(fields[4]);
  return input;
}

}  // namespace

Parameters parameters_from_python(const py::handle& parameters) {
  Parameters out;
  if (parameters.is_none()) return out;
  for (const auto& [key, value] : py::reinterpret_borrow<py::dict>(parameters)) {
    if (!PyUnicode_Check(key.ptr())) throw py::type_error("parameter names must be str");
    std::string name = key.cast<std::string>();
    ParameterValue v = parameter_value(name, value);
    out.emplace_back(std::move(name), std::move(v));
  }
  return out;
}

InferRequest request_from_python(const std::string& model_name, const py::handle& inputs, const py::handle& outputs,
                                 const std::string& model_version, const std::string& request_id,
                                 const py::handle& parameters) {
  InferRequest request;
  request.model_name = model_name;
  request.model_version = model_version;
  request.id = request_id;
  request.parameters = parameters_from_python(parameters);
  for (const auto& item : inputs) request.inputs.push_back(input_from_python(item));
  for (const auto& item : outputs) {
    const auto fields = py::reinterpret_borrow<py::tuple>(item);
    request.outputs.push_back({fields[0].cast<std::string>(), parameters_from_python(fields[1])});
  }
  return request;
}

CallOptions call_options_from_python(const py::handle& timeout_s, const py::handle& headers) {
  CallOptions options;
  if (!timeout_s.is_none()) options.timeout_s = timeout_s.cast<double>();
  if (!headers.is_none()) {
    for (const auto& item : headers) {
      const auto pair = py::reinterpret_borrow<py::tuple>(item);
      options.headers.emplace_back(pair[0].cast<std::string>(), pair[1].cast<std::string>());
    }
  }
  return options;
}

}  // namespace tritonlink::bindings
