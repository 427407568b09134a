#include "response_bindings.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bytes_conversion.h"
#include "datatype_conversion.h"
#include "receive_blocks.h"
#include "shapes.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

py::object parameter_to_python(const ParameterValue& value) {
  return std::visit([](const auto& v) -> py::object { return py::cast(v); }, value);
}

py::dict parameters_to_python(const Parameters& parameters) {
  py::dict out;
  for (const auto& [key, value] : parameters) out[py::str(key)] = parameter_to_python(value);
  return out;
}

const OutputTensor& output_at(const InferResponse& response, py::ssize_t index) {
  if (index < 0 || static_cast<size_t>(index) >= response.outputs.size())
    throw py::index_error("no output at that index");
  return response.outputs[static_cast<size_t>(index)];
}

// A read-only ndarray of `dtype` over the output's bytes, with the response object as base.
py::array output_view(const py::object& self, py::ssize_t index, const py::dtype& dtype) {
  const InferResponse& response = *self.cast<const PyInferResponse&>().response;
  const OutputTensor& out = output_at(response, index);
  if (!out.has_data) {
    throw py::value_error("output '" + out.name + "' has no raw contents in the response" +
                          (out.has_typed_contents ? " (typed contents are not supported)" : ""));
  }
  std::vector<py::ssize_t> shape(out.shape.begin(), out.shape.end());
  const size_t itemsize = static_cast<size_t>(dtype.itemsize());
  // Cannot overflow: the count is checked against the bytes its shape spans.
  const size_t bytes = checked_element_count(out.name, out.shape, itemsize) * itemsize;
  if (bytes != out.size) {
    // Triton sends an empty entry for an output it wrote into shared memory.
    const char* hint = out.size == 0 ? " (if it was placed in shared memory, read it from the region)" : "";
    throw py::value_error("output '" + out.name + "' has " + std::to_string(out.size) + " bytes, which does not fit " +
                          "its shape and datatype " + out.datatype + hint);
  }
  // numpy wants a non-null pointer even for an empty array.
  const void* data = out.size ? out.data : response.message.bytes.data();
  py::array view(dtype, shape, {}, data, self);
  py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return view;
}

// The BYTES output at `index` as a new object array of bytes shaped as the output says.
py::array output_bytes(const PyInferResponse& self, py::ssize_t index) {
  const OutputTensor& out = output_at(*self.response, index);
  if (!out.has_data) throw py::value_error("output '" + out.name + "' has no raw contents in the response");
  return bytes_output_array(out.name, std::string_view(out.data, out.size), out.shape);
}

// The output called `name` as InferResult.as_numpy returns it, or None when there is none.
py::object as_numpy(const py::object& self, const std::string& name) {
  const InferResponse& response = *self.cast<const PyInferResponse&>().response;
  const py::ssize_t index = response.find_output(name);
  if (index < 0) return py::none();
  const std::string& datatype = output_at(response, index).datatype;
  const Datatype* known = find_datatype(datatype);
  if (known != nullptr && known->element_size == 0) return output_bytes(self.cast<const PyInferResponse&>(), index);
  // numpy_dtype raises naming the output for an unknown name, or for BF16 without ml_dtypes.
  return output_view(self, index, numpy_dtype(datatype, "output '" + name + "'"));
}

py::dict output_description(const OutputTensor& out) {
  py::dict d;
  d["name"] = out.name;
  d["datatype"] = out.datatype;
  d["shape"] = py::cast(out.shape);
  d["parameters"] = parameters_to_python(out.parameters);
  return d;
}

}  // namespace

void register_response(py::module_& m) {
  m.def("release_idle_receive_blocks", &release_idle_receive_blocks, py::call_guard<py::gil_scoped_release>(),
        "Frees the pooled receive blocks no response uses now; returns the bytes freed.");
  py::class_<PyInferResponse>(m, "InferResponse", "A decoded ModelInferResponse (see tritonlink.InferResult).")
      .def_property_readonly("model_name", [](const PyInferResponse& r) { return r.response->model_name; })
      .def_property_readonly("model_version", [](const PyInferResponse& r) { return r.response->model_version; })
      .def_property_readonly("id", [](const PyInferResponse& r) { return r.response->id; })
      .def_property_readonly("parameters",
                             [](const PyInferResponse& r) { return parameters_to_python(r.response->parameters); })
      .def_property_readonly("is_final", [](const PyInferResponse& r) { return r.response->is_final(); })
      .def_property_readonly("output_count", [](const PyInferResponse& r) { return r.response->outputs.size(); })
      .def(
          "output_index",
          [](const PyInferResponse& r, const std::string& name) { return r.response->find_output(name); },
          py::arg("name"), "Index of the output called name, or -1.")
      .def(
          "output_datatype",
          [](const PyInferResponse& r, py::ssize_t index) { return output_at(*r.response, index).datatype; },
          py::arg("index"))
      .def(
          "describe_output",
          [](const PyInferResponse& r, py::ssize_t index) { return output_description(output_at(*r.response, index)); },
          py::arg("index"), "The output's name, datatype, shape and parameters as a dict.")
      .def("as_numpy", &as_numpy, py::arg("name"),
           "The output called name as a numpy array (a read-only view, or for BYTES a new object array); "
           "None when absent.")
      .def("output_view", &output_view, py::arg("index"), py::arg("dtype"),
           "A read-only numpy view of the output's raw contents; it keeps this response alive.");
}

}  // namespace tritonlink::bindings
