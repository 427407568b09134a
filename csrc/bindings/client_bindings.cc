#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "errors.h"
#include "infer_client.h"
#include "metrics_conversion.h"
#include "proto_to_python.h"
#include "request_conversion.h"
#include "response_bindings.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

// Lets Ctrl-C reach a thread blocked in a call: briefly takes the GIL to run signal handlers.
// A raised KeyboardInterrupt stays set and is re-raised once the cancelled call returns.
bool python_signal_pending() {
  py::gil_scoped_acquire gil;
  return PyErr_CheckSignals() != 0;
}

void raise_if_interrupted() {
  if (PyErr_Occurred()) throw py::error_already_set();
}

PyInferResponse infer(InferClient& client, const std::string& model_name, const py::handle& inputs,
                      const py::handle& outputs, const std::string& model_version, const std::string& request_id,
                      const py::handle& parameters, const py::handle& timeout_s, const py::handle& headers,
                      const py::handle& retry) {
  py::list lent;  // keeps what the request borrows referenced until the call returns
  const InferRequest request =
      request_from_python(model_name, inputs, outputs, model_version, request_id, parameters, lent);
  const CallOptions options = call_options_from_python(timeout_s, headers, retry);
  std::shared_ptr<InferResponse> response;
  grpc::Status status;
  {
    py::gil_scoped_release nogil;
    status = client.infer(request, options, python_signal_pending, &response);
  }
  raise_if_interrupted();
  if (!status.ok()) raise_status(status, model_name, request_id);
  return PyInferResponse{std::move(response)};
}

py::dict call_unary(InferClient& client, const std::string& method, const std::string& request_json,
                    const py::handle& timeout_s, const py::handle& headers, const std::string& model_name,
                    const py::handle& retry) {
  const CallOptions options = call_options_from_python(timeout_s, headers, retry);
  std::shared_ptr<google::protobuf::Message> response;
  grpc::Status status;
  {
    py::gil_scoped_release nogil;
    status = client.call_unary(method, request_json, options, python_signal_pending, &response);
  }
  raise_if_interrupted();
  if (status.ok() && !response)
    status = grpc::Status(grpc::StatusCode::INTERNAL, method + ": the RPC returned no message");
  if (!status.ok()) raise_status(status, model_name);
  return message_to_python(*response);
}

std::string optional_bytes(const py::handle& value) {
  return value.is_none() ? std::string() : value.cast<std::string>();
}

// `tls`: None, or (root certificates, private key, certificate chain), each PEM bytes or None.
ChannelConfig channel_config(const std::string& target, const py::dict& int_args, const py::dict& string_args,
                             const py::handle& tls) {
  ChannelConfig config;
  config.target = target;
  if (!tls.is_none()) {
    const auto pems = py::reinterpret_borrow<py::tuple>(tls);
    config.tls = TlsConfig{optional_bytes(pems[0]), optional_bytes(pems[1]), optional_bytes(pems[2])};
  }
  for (const auto& [key, value] : int_args) config.int_args.emplace_back(key.cast<std::string>(), value.cast<int>());
  for (const auto& [key, value] : string_args) {
    config.string_args.emplace_back(key.cast<std::string>(), value.cast<std::string>());
  }
  return config;
}

}  // namespace

void register_client(py::module_& m) {
  py::class_<InferClient>(m, "Client", "A channel to one Triton-protocol server (see tritonlink.Client).")
      .def(py::init([](const std::string& target, const py::dict& int_args, const py::dict& string_args,
                       const py::object& tls, int channels, bool metrics) {
             return std::make_unique<InferClient>(channel_config(target, int_args, string_args, tls), channels,
                                                  metrics);
           }),
           py::arg("target"), py::arg("int_args") = py::dict(), py::arg("string_args") = py::dict(),
           py::arg("tls") = py::none(), py::arg("channels") = 1, py::arg("metrics") = true)
      .def(
          "metrics",
          [](const InferClient& client) {
            return client.metrics() ? metrics_to_python(*client.metrics()) : py::dict();
          },
          "{model: counters and histograms}; empty when metrics are off.")
      .def("infer", &infer, py::arg("model_name"), py::arg("inputs"), py::arg("outputs"), py::arg("model_version"),
           py::arg("request_id"), py::arg("parameters"), py::arg("timeout_s"), py::arg("headers"),
           py::arg("retry") = py::none())
      .def("call_unary", &call_unary, py::arg("method"), py::arg("request_json"), py::arg("timeout_s"),
           py::arg("headers"), py::arg("model_name") = "", py::arg("retry") = py::none());
}

}  // namespace tritonlink::bindings
