// The asynchronous engine and completion sinks, for tritonlink's dispatcher thread, asyncio
// driver and infer_many. Completions come out in batches: one GIL acquisition per batch.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "async_engine.h"
#include "errors.h"
#include "infer_client.h"
#include "proto_to_python.h"
#include "request_conversion.h"
#include "response_bindings.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

// (id, kind, status code, message, payload, inputs_released, final); payload is an
// InferResponse (also beside a failed stream response's error, when the server sent one), a
// dict (the response message of another RPC), or None.
py::tuple completion_to_python(Completion& c) {
  py::object payload = py::none();
  if (c.response) {
    payload = py::cast(PyInferResponse{std::move(c.response)});
  } else if (c.kind == Completion::Kind::kMessage && c.status.ok()) {
    if (c.message) {
      payload = message_to_python(*c.message);
    } else {
      c.status = grpc::Status(grpc::StatusCode::INTERNAL, "the RPC returned no message");
    }
  }
  return py::make_tuple(c.id, static_cast<int>(c.kind), static_cast<int>(c.status.error_code()),
                        c.status.error_message(), std::move(payload), c.inputs_released, c.final);
}

py::list drain(CompletionSink& sink, size_t max) {
  std::vector<Completion> batch;
  batch.reserve(std::min<size_t>(max, 256));
  sink.drain(batch, max);
  py::list out(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) out[i] = completion_to_python(batch[i]);
  return out;
}

// `lent` receives what the request borrows; the caller keeps it until the inputs are released.
void start_infer(AsyncEngine& engine, const std::shared_ptr<CompletionSink>& sink, py::list lent, uint64_t id,
                 const std::string& model_name, const py::handle& inputs, const py::handle& outputs,
                 const std::string& model_version, const std::string& request_id, const py::handle& parameters,
                 const py::handle& timeout_s, const py::handle& headers, const py::handle& retry) {
  const InferRequest request =
      request_from_python(model_name, inputs, outputs, model_version, request_id, parameters, lent);
  CallOptions options = call_options_from_python(timeout_s, headers, retry);
  // gRPC writes the request on this thread (sendmsg): other Python threads, the dispatcher
  // first, run meanwhile.
  py::gil_scoped_release nogil;
  engine.start_infer(id, request, std::move(options), sink);
}

// Returns whether gRPC borrows some of the request's memory: then a kInputsReleased notice
// for `send_id` follows, and `lent` must stay referenced until it comes.
bool stream_send(AsyncEngine& engine, py::list lent, uint64_t stream_id, uint64_t send_id,
                 const std::string& model_name, const py::handle& inputs, const py::handle& outputs,
                 const std::string& model_version, const std::string& request_id, const py::handle& parameters) {
  const InferRequest request =
      request_from_python(model_name, inputs, outputs, model_version, request_id, parameters, lent);
  bool borrowed = false;
  grpc::Status status;
  {
    py::gil_scoped_release nogil;  // the write may happen on this thread
    status = engine.stream_send(stream_id, send_id, request, &borrowed);
  }
  if (!status.ok()) raise_status(status, model_name, request_id);
  return borrowed;
}

void start_stream(AsyncEngine& engine, const std::shared_ptr<CompletionSink>& sink, uint64_t id,
                  const py::handle& timeout_s, const py::handle& headers, size_t max_buffered) {
  const CallOptions options = call_options_from_python(timeout_s, headers);
  py::gil_scoped_release nogil;
  engine.start_stream(id, options, sink, max_buffered);
}

void start_unary(AsyncEngine& engine, const std::shared_ptr<CompletionSink>& sink, uint64_t id,
                 const std::string& method, const std::string& request_json, const py::handle& timeout_s,
                 const py::handle& headers, const py::handle& retry) {
  engine.start_unary(id, method, request_json, call_options_from_python(timeout_s, headers, retry), sink);
}

}  // namespace

void register_async(py::module_& m) {
  py::class_<CompletionSink, std::shared_ptr<CompletionSink>>(
      m, "CompletionSink", "Finished calls, queued without locks; fd is readable when some may be waiting.")
      .def(py::init<>())
      .def_property_readonly("fd", &CompletionSink::fd)
      .def("drain", &drain, py::arg("max") = 256,
           "Up to max completions as (id, kind, code, message, payload, inputs_released, final) tuples.")
      .def("wake", &CompletionSink::wake, "Makes a waiting consumer look again.")
      .def("wait", &CompletionSink::wait, py::arg("timeout_ms"), py::call_guard<py::gil_scoped_release>(),
           "Blocks (GIL released) until a completion may be waiting or timeout_ms passes.");

  py::enum_<Completion::Kind>(m, "CompletionKind")
      .value("INFER", Completion::Kind::kInfer)
      .value("MESSAGE", Completion::Kind::kMessage)
      .value("STREAM", Completion::Kind::kStream)
      .value("INPUTS_RELEASED", Completion::Kind::kInputsReleased);

  py::class_<AsyncEngine>(m, "AsyncEngine", "Calls in flight on a completion queue with its own C++ threads.")
      .def(py::init([](const InferClient& client, int threads) {
             return std::make_unique<AsyncEngine>(client.channels(), client.metrics(), threads);
           }),
           py::arg("client"), py::arg("threads") = 1)
      .def("start_infer", &start_infer, py::arg("sink"), py::arg("lent"), py::arg("id"), py::arg("model_name"),
           py::arg("inputs"), py::arg("outputs"), py::arg("model_version"), py::arg("request_id"),
           py::arg("parameters"), py::arg("timeout_s"), py::arg("headers"), py::arg("retry") = py::none())
      .def("start_unary", &start_unary, py::arg("sink"), py::arg("id"), py::arg("method"), py::arg("request_json"),
           py::arg("timeout_s"), py::arg("headers"), py::arg("retry") = py::none())
      .def("start_stream", &start_stream, py::arg("sink"), py::arg("id"), py::arg("timeout_s"), py::arg("headers"),
           py::arg("max_buffered"))
      .def("stream_send", &stream_send, py::arg("lent"), py::arg("stream_id"), py::arg("send_id"),
           py::arg("model_name"), py::arg("inputs"), py::arg("outputs"), py::arg("model_version"),
           py::arg("request_id"), py::arg("parameters"))
      .def("stream_consumed", &AsyncEngine::stream_consumed, py::arg("stream_id"), py::arg("count"))
      .def("stream_close", &AsyncEngine::stream_close, py::arg("stream_id"), py::call_guard<py::gil_scoped_release>())
      .def("cancel", &AsyncEngine::cancel, py::arg("id"), py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("in_flight", &AsyncEngine::in_flight)
      .def("shutdown", &AsyncEngine::shutdown, py::call_guard<py::gil_scoped_release>(),
           "Cancels what is in flight, waits until each call is delivered, joins the threads.");
}

}  // namespace tritonlink::bindings
