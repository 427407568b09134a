#include "input_conversion.h"

#include <string>
#include <utility>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "request_conversion.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

static_assert(PY_LITTLE_ENDIAN, "the fast path sends native arrays as they are: the wire is little-endian");

// tritonlink._datatypes.TRITON_FOR_NUMPY, {(kind, itemsize): name}, read once so that the
// mapping is written in one place.
struct FixedDatatype {
  char kind;
  py::ssize_t itemsize;
  std::string name;
};

const std::vector<FixedDatatype>& fixed_datatypes() {
  static const auto* table = [] {
    auto* out = new std::vector<FixedDatatype>;  // leaked on purpose: no destructor at exit
    const py::dict by_kind = py::module_::import("tritonlink._datatypes").attr("TRITON_FOR_NUMPY");
    for (const auto& [key, name] : by_kind) {
      const auto kind_size = key.cast<std::pair<std::string, py::ssize_t>>();
      out->push_back({kind_size.first.at(0), kind_size.second, name.cast<std::string>()});
    }
    return out;
  }();
  return *table;
}

// The datatype of an array the wire can take as it is, or null.
const std::string* sendable_datatype(const py::array& array) {
  if (!(array.flags() & py::array::c_style)) return nullptr;
  const py::dtype dtype = array.dtype();
  // numpy numbers types registered by other packages (ml_dtypes' bfloat16...) from 256 up:
  // only numpy's own types are matched by kind and size.
  constexpr int kFirstUserDefinedType = 256;
  if (dtype.num() >= kFirstUserDefinedType || dtype.byteorder() == '>') return nullptr;
  const char kind = dtype.kind();
  const py::ssize_t itemsize = dtype.itemsize();
  for (const FixedDatatype& fixed : fixed_datatypes()) {
    if (fixed.kind == kind && fixed.itemsize == itemsize) return &fixed.name;
  }
  return nullptr;  // BYTES, BF16, or no datatype at all: the Python layer decides
}

bool is_input_name(const py::handle& name) {
  return PyUnicode_Check(name.ptr()) && PyUnicode_GET_LENGTH(name.ptr()) > 0;
}

InputTensor input_from_tuple(const py::handle& item, py::list& lent) {
  const auto fields = py::reinterpret_borrow<py::tuple>(item);
  InputTensor input;
  input.name = fields[0].cast<std::string>();
  input.datatype = fields[1].cast<std::string>();
  input.shape = fields[2].cast<std::vector<int64_t>>();
  const py::handle data = fields[3];
  if (data.is_none()) {
    input.has_data = false;
  } else {
    const auto array = py::reinterpret_borrow<py::array>(data);
    input.data = static_cast<const char*>(array.data());
    input.size = static_cast<size_t>(array.nbytes());
    lent.append(data);
  }
  input.parameters = parameters_from_python(fields[4]);
  return input;
}

InputTensor input_from_dict_entry(const py::handle& name, const py::handle& value, py::list& lent) {
  if (is_input_name(name) && py::isinstance<py::array>(value)) {
    const auto array = py::reinterpret_borrow<py::array>(value);
    if (const std::string* datatype = sendable_datatype(array)) {
      InputTensor input;
      input.name = name.cast<std::string>();
      input.datatype = *datatype;
      input.shape.assign(array.shape(), array.shape() + array.ndim());
      input.data = static_cast<const char*>(array.data());
      input.size = static_cast<size_t>(array.nbytes());
      lent.append(value);
      return input;
    }
  }
  static const auto* prepare = new py::object(py::module_::import("tritonlink._tensors").attr("core_input_from_array"));
  return input_from_tuple((*prepare)(name, value), lent);
}

}  // namespace

std::vector<InputTensor> inputs_from_python(const py::handle& inputs, py::list& lent) {
  std::vector<InputTensor> out;
  if (PyDict_Check(inputs.ptr())) {
    out.reserve(static_cast<size_t>(PyDict_Size(inputs.ptr())));
    for (const auto& [name, value] : py::reinterpret_borrow<py::dict>(inputs)) {
      out.push_back(input_from_dict_entry(name, value, lent));
    }
    return out;
  }
  for (const auto& item : inputs) out.push_back(input_from_tuple(item, lent));
  return out;
}

}  // namespace tritonlink::bindings
