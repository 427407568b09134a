// The ModelInfer codec on bytes, without any transport: for wire-format tests and fuzzing.
#include <pybind11/pybind11.h>

#include "infer_request.h"
#include "request_conversion.h"
#include "response_bindings.h"

namespace py = pybind11;

namespace tritonlink::bindings {

void register_codec(py::module_& m) {
  m.def(
      "encode_infer_request",
      [](const std::string& model_name, const py::handle& inputs, const py::handle& outputs,
         const std::string& model_version, const std::string& request_id, const py::handle& parameters,
         size_t borrow_threshold) {
        py::list lent;
        const InferRequest request =
            request_from_python(model_name, inputs, outputs, model_version, request_id, parameters, lent);
        const EncodedRequest encoded = encode_infer_request(request, borrow_threshold);
        return py::make_tuple(py::bytes(encoded.flatten()), encoded.borrowed_count());
      },
      py::arg("model_name"), py::arg("inputs"), py::arg("outputs"), py::arg("model_version"), py::arg("request_id"),
      py::arg("parameters"), py::arg("borrow_threshold") = kDefaultBorrowThreshold,
      "Encodes a ModelInferRequest as infer() would; returns (bytes, number of borrowed payload pieces).");
  m.def(
      "decode_infer_response",
      [](py::bytes message) {
        auto owner = std::make_shared<std::string>(message);
        std::string_view bytes(*owner);
        try {
          return PyInferResponse{decode_infer_response(MessageBytes{std::move(owner), bytes})};
        } catch (const wire::MalformedMessage& e) {
          throw py::value_error(std::string("malformed ModelInferResponse: ") + e.what());
        }
      },
      py::arg("message"), "Decodes serialized ModelInferResponse bytes as infer() would.");
}

}  // namespace tritonlink::bindings
