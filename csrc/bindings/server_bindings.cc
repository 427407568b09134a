#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <regex>
#include <stdexcept>

#include "embedded_server.h"

namespace py = pybind11;

namespace tritonlink::bindings {

void register_server(py::module_& m) {
  py::class_<server::EmbeddedServer>(m, "EmbeddedServer", "The built-in Triton-protocol test server.")
      .def(py::init([](const std::string& address, const py::object& tls, const std::string& header_forward_pattern) {
             server::ServerOptions options;
             options.header_forward_pattern = header_forward_pattern;
             if (!tls.is_none()) {
               const auto pems = tls.cast<py::tuple>();
               options.tls = server::ServerTls{pems[0].cast<std::string>(), pems[1].cast<std::string>(),
                                               pems[2].is_none() ? std::string() : pems[2].cast<std::string>()};
             }
             py::gil_scoped_release nogil;
             try {
               return std::make_unique<server::EmbeddedServer>(address, options);
             } catch (const std::regex_error& e) {
               throw std::invalid_argument("header_forward_pattern is not a regular expression: " +
                                           std::string(e.what()));
             }
           }),
           py::arg("address"), py::arg("tls") = py::none(), py::arg("header_forward_pattern") = "",
           "tls: None or (certificate chain, private key, client CA or None) as PEM bytes.")
      .def_property_readonly("port", &server::EmbeddedServer::port)
      .def("peers", &server::EmbeddedServer::peers, py::call_guard<py::gil_scoped_release>())
      .def("shutdown", &server::EmbeddedServer::shutdown, py::call_guard<py::gil_scoped_release>())
      .def("wait", &server::EmbeddedServer::wait, py::call_guard<py::gil_scoped_release>());
}

}  // namespace tritonlink::bindings
