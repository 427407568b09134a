#include "request_conversion.h"

#include <cstdint>

#include <pybind11/stl.h>

#include "input_conversion.h"
#include "retry_policy.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

// numpy's abstract scalar types, looked up once: numpy scalars carry their own width and
// signedness, so np.uint64 values go as uint64_param (tritonlink sends `priority` that way).
struct NumpyScalarTypes {
  py::object bool_, unsigned_integer, signed_integer, floating;
};

const NumpyScalarTypes& numpy_scalar_types() {
  static const auto* types = [] {
    const py::module_ np = py::module_::import("numpy");
    return new NumpyScalarTypes{np.attr("bool_"), np.attr("unsignedinteger"), np.attr("signedinteger"),
                                np.attr("floating")};
  }();  // leaked on purpose: no destructor at exit
  return *types;
}

bool is_instance(const py::handle& value, const py::object& type) {
  return PyObject_IsInstance(value.ptr(), type.ptr()) == 1;
}

ParameterValue parameter_value(const std::string& key, const py::handle& value) {
  if (PyBool_Check(value.ptr())) return value.ptr() == Py_True;
  const NumpyScalarTypes& np = numpy_scalar_types();
  if (is_instance(value, np.bool_)) return value.cast<bool>();
  if (is_instance(value, np.unsigned_integer)) return value.attr("item")().cast<uint64_t>();
  if (is_instance(value, np.signed_integer)) return value.attr("item")().cast<int64_t>();
  if (is_instance(value, np.floating)) return value.attr("item")().cast<double>();
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
                                 const py::handle& parameters, py::list& lent) {
  InferRequest request;
  request.model_name = model_name;
  request.model_version = model_version;
  request.id = request_id;
  request.parameters = parameters_from_python(parameters);
  request.inputs = inputs_from_python(inputs, lent);
  for (const auto& item : outputs) {
    const auto fields = py::reinterpret_borrow<py::tuple>(item);
    request.outputs.push_back({fields[0].cast<std::string>(), parameters_from_python(fields[1])});
  }
  return request;
}

CallOptions call_options_from_python(const py::handle& timeout_s, const py::handle& headers, const py::handle& retry) {
  CallOptions options;
  if (!timeout_s.is_none()) options.timeout_s = timeout_s.cast<double>();
  if (!retry.is_none()) options.retry = retry.cast<std::shared_ptr<RetryPolicy>>();
  if (!headers.is_none()) {
    for (const auto& item : headers) {
      const auto pair = py::reinterpret_borrow<py::tuple>(item);
      std::string key = pair[0].cast<std::string>();
      std::string value = pair[1].cast<std::string>();
      if (key == kCompressionRequestKey) {
        options.compression = compression_algorithm_named(value);
        if (!options.compression) throw py::value_error("unknown compression_algorithm '" + value + "'");
      } else {
        options.headers.emplace_back(std::move(key), std::move(value));
      }
    }
  }
  return options;
}

}  // namespace tritonlink::bindings
