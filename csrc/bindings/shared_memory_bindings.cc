// tritonlink._core.SystemSharedMemory: a mapped POSIX shared-memory object whose bytes Python
// sees through the buffer protocol (numpy views over it keep the mapping alive).
#include <system_error>

#include <pybind11/pybind11.h>

#include "system_shared_memory.h"

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

// OS failures keep their errno, as Python's own OSError does (FileExistsError, ...).
template <typename Open>
SystemSharedMemory opened(Open open) {
  try {
    return open();
  } catch (const std::system_error& error) {
    PyErr_SetObject(PyExc_OSError, py::make_tuple(error.code().value(), error.what()).ptr());
    throw py::error_already_set();
  }
}

}  // namespace

void register_shared_memory(py::module_& m) {
  py::class_<SystemSharedMemory>(m, "SystemSharedMemory", py::buffer_protocol(),
                                 "A POSIX shared-memory object mapped read-write (see tritonlink.shared_memory).")
      .def_static(
          "create",
          [](const std::string& key, size_t byte_size) {
            return opened([&] { return SystemSharedMemory::create(key, byte_size); });
          },
          py::arg("key"), py::arg("byte_size"), "Creates, sizes and maps a new object; unlinked when closed.")
      .def_static(
          "open",
          [](const std::string& key, size_t byte_size) {
            return opened([&] { return SystemSharedMemory::open(key, byte_size); });
          },
          py::arg("key"), py::arg("byte_size"), "Maps the first byte_size bytes of an existing object.")
      .def_static("check_key", &check_shared_memory_key, py::arg("key"),
                  "ValueError unless key is a portable POSIX shared-memory name.")
      .def("unlink", &SystemSharedMemory::unlink,
           "Removes the name of an object this mapping created; the mapping lasts until it is collected.")
      .def_property_readonly("key", &SystemSharedMemory::key)
      .def_property_readonly("byte_size", &SystemSharedMemory::size)
      .def_property_readonly("created", &SystemSharedMemory::created)
      .def_property_readonly("is_open", &SystemSharedMemory::is_open)
      .def_buffer([](SystemSharedMemory& self) {
        if (!self.is_open()) throw py::value_error("shared memory '" + self.key() + "' is closed");
        return py::buffer_info(self.data(), 1, py::format_descriptor<uint8_t>::format(), 1,
                               {static_cast<py::ssize_t>(self.size())}, {1});
      });
}

}  // namespace tritonlink::bindings
