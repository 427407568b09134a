#include <pybind11/pybind11.h>

#include "embedded_server.h"

namespace py = pybind11;

namespace tritonlink::bindings {

void register_server(py::module_& m) {
  py::class_<server::EmbeddedServer>(m, "EmbeddedServer", "The built-in Triton-protocol test server.")
      .def(py::init<const std::string&>(), py::arg("address"), py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("port", &server::EmbeddedServer::port)
      .def("shutdown", &server::EmbeddedServer::shutdown, py::call_guard<py::gil_scoped_release>())
      .def("wait", &server::EmbeddedServer::wait, py::call_guard<py::gil_scoped_release>());
}

}  // namespace tritonlink::bindings
