// tritonlink._core: the compiled core. Converts arguments, releases the GIL, nothing else.
#include <pybind11/pybind11.h>

#include "errors.h"
#include "grpc_runtime.h"

namespace py = pybind11;

namespace tritonlink::bindings {
void register_async(py::module_& m);
void register_bytes(py::module_& m);
void register_client(py::module_& m);
void register_codec(py::module_& m);
void register_datatypes(py::module_& m);
void register_response(py::module_& m);
void register_retry(py::module_& m);
void register_server(py::module_& m);
void register_shared_memory(py::module_& m);
}  // namespace tritonlink::bindings

PYBIND11_MODULE(_core, m) {
  using namespace tritonlink::bindings;
  m.doc() = "tritonlink's compiled core (gRPC C++). Use the tritonlink package, not this module.";
  tritonlink::disable_lock_order_checks();  // before any client or server starts a thread
  register_errors(m);
  register_response(m);
  register_retry(m);
  register_client(m);
  register_async(m);
  register_codec(m);
  register_bytes(m);
  register_datatypes(m);
  register_server(m);
  register_shared_memory(m);
  m.def(
      "keep_forever", [](py::object object) { object.inc_ref(); }, py::arg("object"),
      "Leaks one reference so the object is never destroyed: for gRPC objects inherited through "
      "fork(), whose destructors would wait on threads that do not exist in the child.");
}
