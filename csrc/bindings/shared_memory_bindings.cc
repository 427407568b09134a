// tritonlink._core.SystemSharedMemory: a mapped POSIX shared-memory object whose bytes Python
// sees through the buffer protocol (numpy views over it keep the mapping alive); and
// CudaSharedMemory, device memory exported by IPC handle (host copies in and out).
#include <system_error>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "cuda_runtime.h"
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

void register_cuda_shared_memory(py::module_& m) {
  py::register_exception<CudaUnavailable>(m, "CudaUnavailableError", PyExc_RuntimeError);
  py::register_exception<CudaError>(m, "CudaError", PyExc_RuntimeError);
  m.def("set_cudart_search_paths", &set_cudart_search_paths, py::arg("paths"),
        "':'-separated directories searched for libcudart.so.12 before the loader's own names.");
  m.def("cuda_device_count", &cuda_device_count, py::call_guard<py::gil_scoped_release>());
  py::class_<CudaSharedMemory>(m, "CudaSharedMemory", "Device memory exported as a CUDA IPC handle.")
      .def(py::init<int, size_t>(), py::arg("device"), py::arg("byte_size"), py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("device", &CudaSharedMemory::device)
      .def_property_readonly("byte_size", &CudaSharedMemory::size)
      .def_property_readonly(
          "device_pointer",
          [](const CudaSharedMemory& self) { return reinterpret_cast<uintptr_t>(self.device_pointer()); })
      .def("ipc_handle", [](const CudaSharedMemory& self) { return py::bytes(self.ipc_handle()); })
      .def(
          "copy_from_host",
          [](CudaSharedMemory& self, size_t offset, const py::buffer& source) {
            const py::buffer_info info = source.request();
            if (!PyBuffer_IsContiguous(info.view(), 'C')) throw py::value_error("the source must be C-contiguous");
            py::gil_scoped_release nogil;
            self.copy_from_host(offset, info.ptr, static_cast<size_t>(info.size * info.itemsize));
          },
          py::arg("offset"), py::arg("source"))
      .def(
          "copy_to_host",
          [](const CudaSharedMemory& self, size_t offset, size_t byte_size) {
            py::array_t<uint8_t> out(static_cast<py::ssize_t>(byte_size));
            uint8_t* data = out.mutable_data();
            {
              py::gil_scoped_release nogil;
              self.copy_to_host(offset, data, byte_size);
            }
            return out;
          },
          py::arg("offset"), py::arg("byte_size"), "A new uint8 array with byte_size bytes from offset.");
}

void register_shared_memory(py::module_& m) {
  register_cuda_shared_memory(m);
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
