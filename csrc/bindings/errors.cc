#include "errors.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

// tritonlink.errors registers its factory at import; a plain RuntimeError is the fallback so
// that a status is never lost even if the Python package was not imported.
py::object& error_factory() {
  static auto* factory = new py::object();  // leaked on purpose: no destructor at exit
  return *factory;
}

}  // namespace

void raise_status(const grpc::Status& status, const std::string& model_name, const std::string& request_id) {
  const int code = static_cast<int>(status.error_code());
  if (error_factory()) {
    py::object error = error_factory()(code, status.error_message(), model_name, request_id);
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  } else {
    PyErr_SetString(PyExc_RuntimeError,
                    ("gRPC status " + std::to_string(code) + ": " + status.error_message()).c_str());
  }
  throw py::error_already_set();
}

void register_errors(py::module_& m) {
  m.def(
      "set_error_factory", [](py::object factory) { error_factory() = std::move(factory); }, py::arg("factory"),
      "Registers factory(code, message, model_name, request_id) -> exception for failed calls.");
}

}  // namespace tritonlink::bindings
