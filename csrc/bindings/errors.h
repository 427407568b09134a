// gRPC statuses become exceptions of tritonlink's own hierarchy (defined in Python).
#pragma once

#include <string>

#include <grpcpp/support/status.h>
#include <pybind11/pybind11.h>

namespace tritonlink::bindings {

// Raises the exception the registered factory makes for `status`; GIL held.
[[noreturn]] void raise_status(const grpc::Status& status, const std::string& model_name = "",
                               const std::string& request_id = "");

void register_errors(pybind11::module_& m);

}  // namespace tritonlink::bindings
