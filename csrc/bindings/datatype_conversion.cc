#include "datatype_conversion.h"

#include <algorithm>
#include <vector>

#include "bytes_conversion.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

// numpy numbers the types other packages register (ml_dtypes' bfloat16...) from 256 up: only
// numpy's own types are matched by kind and size, the others by name.
constexpr int kFirstUserDefinedType = 256;

const Datatype& bytes_datatype() {
  static const Datatype* bytes = find_datatype("BYTES");
  return *bytes;
}

// The numpy dtypes of the datatypes numpy types itself, in kDatatypes' order; made once.
const std::vector<py::object>& builtin_dtypes() {
  static const auto* dtypes = [] {
    auto* out = new std::vector<py::object>;  // leaked on purpose: no destructor at exit
    for (const Datatype& datatype : kDatatypes) {
      out->push_back(datatype.numpy_kind ? py::dtype::from_args(py::str(std::string(datatype.numpy_name)))
                                         : py::object());
    }
    return out;
  }();
  return *dtypes;
}

// The dtype another package registers for `datatype`; only ml_dtypes' bfloat16 so far.
py::dtype registered_dtype(const Datatype& datatype, const std::string& what) {
  try {
    return py::dtype::from_args(py::module_::import("ml_dtypes").attr(std::string(datatype.numpy_name).c_str()));
  } catch (py::error_already_set& error) {
    if (!error.matches(PyExc_ImportError)) throw;
    py::raise_from(error, PyExc_ImportError,
                   (what + " has datatype " + std::string(datatype.name) + ", whose numpy dtype (" +
                    std::string(datatype.numpy_name) + ") comes from the ml_dtypes package: pip install ml_dtypes")
                       .c_str());
    throw py::error_already_set();
  }
}

std::string known_names() {
  std::vector<std::string> names;
  for (const Datatype& datatype : kDatatypes) names.emplace_back(datatype.name);
  std::sort(names.begin(), names.end());
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

py::array wire_ready(const py::array& array) {
  const py::dtype dtype = array.dtype();
  const bool big_endian = dtype.byteorder() == '>';
  if (!big_endian && (array.flags() & py::array::c_style)) return array;
  static const auto* ascontiguousarray = new py::object(py::module_::import("numpy").attr("ascontiguousarray"));
  if (big_endian) return (*ascontiguousarray)(array, py::arg("dtype") = dtype.attr("newbyteorder")("<"));
  return (*ascontiguousarray)(array);
}

}  // namespace

const Datatype* sendable_datatype(const py::array& array) {
  static_assert(PY_LITTLE_ENDIAN, "native arrays are sent as they are: the wire is little-endian");
  if (!(array.flags() & py::array::c_style)) return nullptr;
  const py::dtype dtype = array.dtype();
  if (dtype.num() >= kFirstUserDefinedType || dtype.byteorder() == '>') return nullptr;
  return find_numpy_datatype(dtype.kind(), static_cast<size_t>(dtype.itemsize()));
}

const Datatype& datatype_of(const py::dtype& dtype) {
  const char kind = dtype.kind();
  if (kind == 'O' || kind == 'S') return bytes_datatype();
  if (dtype.num() < kFirstUserDefinedType) {
    if (const Datatype* found = find_numpy_datatype(kind, static_cast<size_t>(dtype.itemsize()))) return *found;
  } else {
    const auto name = dtype.attr("name").cast<std::string>();
    for (const Datatype& datatype : kDatatypes) {
      if (!datatype.numpy_kind && datatype.numpy_name == name) return datatype;
    }
  }
  const std::string hint = kind == 'U' ? " (for BYTES, use an object array of str or bytes)" : "";
  throw py::type_error("numpy dtype " + py::str(dtype).cast<std::string>() + " has no Triton datatype" + hint);
}

py::dtype numpy_dtype(const std::string& name, const std::string& what) {
  const Datatype* datatype = find_datatype(name);
  if (datatype == nullptr) {
    throw py::value_error(what + " has unknown Triton datatype " + py::repr(py::str(name)).cast<std::string>() +
                          "; expected one of " + known_names());
  }
  if (!datatype->numpy_kind) return registered_dtype(*datatype, what);
  return py::reinterpret_borrow<py::dtype>(builtin_dtypes()[static_cast<size_t>(datatype - kDatatypes)]);
}

py::array wire_payload(const std::string& name, const Datatype& datatype, const py::array& array) {
  if (&datatype == &bytes_datatype()) {
    static const auto* ascontiguousarray = new py::object(py::module_::import("numpy").attr("ascontiguousarray"));
    return serialize_bytes_input(name, (*ascontiguousarray)(array));
  }
  return wire_ready(array);
}

void register_datatypes(py::module_& m) {
  m.def(
      "datatypes",
      [] {
        py::list out;
        for (const Datatype& d : kDatatypes) {
          out.append(
              py::make_tuple(d.name, d.element_size, std::string(d.numpy_kind ? 1 : 0, d.numpy_kind), d.numpy_name));
        }
        return out;
      },
      "The Triton datatypes as (name, element size or 0 for BYTES, numpy kind or '', numpy dtype name).");
  m.def(
      "triton_datatype", [](const py::dtype& dtype) { return std::string(datatype_of(dtype).name); }, py::arg("dtype"),
      "The Triton datatype that carries arrays of dtype; TypeError when none does.");
  m.def("numpy_dtype", &numpy_dtype, py::arg("datatype"), py::arg("what"),
        "The numpy dtype for a Triton datatype (object for BYTES); ValueError names an unknown one.");
  m.def("wire_ready", &wire_ready, py::arg("array"),
        "The array as the wire wants it: itself when C-contiguous and little-endian, else one converted copy.");
  m.def(
      "wire_payload",
      [](const std::string& name, const std::string& datatype, const py::array& array) {
        const Datatype* found = find_datatype(datatype);
        if (found == nullptr) throw py::value_error("input '" + name + "' has unknown Triton datatype " + datatype);
        return wire_payload(name, *found, array);
      },
      py::arg("name"), py::arg("datatype"), py::arg("array"),
      "What is sent for an input: see wire_ready; for BYTES the serialized elements in one buffer.");
}

}  // namespace tritonlink::bindings
