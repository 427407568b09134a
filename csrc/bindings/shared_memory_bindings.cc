// tritonlink._core.SystemSharedMemory: a mapped POSIX shared-memory object whose bytes Python
// sees through the buffer protocol (numpy views over it keep the mapping alive); and
// CudaSharedMemory, device memory exported by IPC handle: host copies in and out, device copies
// in from DLPack capsules and raw device pointers, DLPack capsules out.
#include <system_error>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "cuda_runtime.h"
#include "datatypes.h"
#include "dlpack.h"
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

constexpr const char* kFreshCapsule = "dltensor";  // DLPack's names: unconsumed, and consumed
constexpr const char* kUsedCapsule = "used_dltensor";

DLManagedTensor* unconsumed_tensor(const py::capsule& capsule) {
  if (std::string(capsule.name() ? capsule.name() : "") != kFreshCapsule) {
    throw py::value_error("not an unconsumed DLPack capsule (each __dlpack__() capsule can be used once)");
  }
  return capsule.get_pointer<DLManagedTensor>();
}

// The consumer's side of a capsule: marked used, and its deleter run when the copy is done.
class ConsumedTensor {
 public:
  explicit ConsumedTensor(const py::capsule& capsule) : tensor_(unconsumed_tensor(capsule)) {
    PyCapsule_SetName(capsule.ptr(), kUsedCapsule);
  }
  ~ConsumedTensor() {
    if (tensor_->deleter != nullptr) tensor_->deleter(tensor_);
  }
  ConsumedTensor(const ConsumedTensor&) = delete;
  ConsumedTensor& operator=(const ConsumedTensor&) = delete;
  const DLTensor& tensor() const { return tensor_->dl_tensor; }

 private:
  DLManagedTensor* tensor_;
};

// Copies a DLPack tensor's bytes to `offset`: host memory as a host copy, memory CUDA addresses
// on the legacy default stream (the stream write() asked the producer to make the data ready on).
size_t copy_from_dlpack(CudaSharedMemory& self, size_t offset, const py::capsule& capsule) {
  ConsumedTensor consumed(capsule);
  const DeviceBytes bytes = dlpack_bytes(consumed.tensor(), "DLPack tensor");
  self.check_span(offset, bytes.byte_size);
  const int32_t type = bytes.device.device_type;
  if (type != kDLCPU && type != kDLCUDA && type != kDLCUDAHost && type != kDLCUDAManaged) {
    throw py::value_error("DLPack tensor on device type " + std::to_string(type) +
                          ": only CPU and CUDA memory can be written to a CUDA region");
  }
  py::gil_scoped_release nogil;
  if (type == kDLCPU) {
    self.copy_from_host(offset, bytes.data, bytes.byte_size);
  } else {
    self.copy_from_device(offset, bytes.data, bytes.byte_size, 0);
  }
  return bytes.byte_size;
}

// The reference a handed-out capsule holds on its region, given back when the consumer is done.
void release_reference(void* owner) {
  py::gil_scoped_acquire gil;
  Py_DECREF(static_cast<PyObject*>(owner));
}

void delete_unconsumed_capsule(PyObject* capsule) {
  if (PyCapsule_IsValid(capsule, kFreshCapsule)) {
    auto* tensor = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(capsule, kFreshCapsule));
    tensor->deleter(tensor);
  }
}

py::capsule dlpack_view(const py::object& memory, size_t offset, const std::string& datatype,
                        const std::vector<int64_t>& shape) {
  auto& self = memory.cast<CudaSharedMemory&>();
  const Datatype* type = find_datatype(datatype);
  if (type == nullptr || type->element_size == 0) {
    throw py::value_error("a DLPack view needs a fixed-size Triton datatype, not '" + datatype + "'");
  }
  self.check_span(offset, row_major_byte_size(shape, {}, type->element_size, "DLPack view"));
  void* data = static_cast<char*>(self.device_pointer()) + offset;
  DLManagedTensor* tensor =
      make_dlpack_tensor(data, {kDLCUDA, self.device()}, *type, shape, memory.inc_ref().ptr(), release_reference);
  return py::reinterpret_steal<py::capsule>(PyCapsule_New(tensor, kFreshCapsule, delete_unconsumed_capsule));
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
          py::arg("offset"), py::arg("byte_size"), "A new uint8 array with byte_size bytes from offset.")
      .def("copy_from_dlpack", &copy_from_dlpack, py::arg("offset"), py::arg("capsule"),
           "Consumes a DLPack capsule, copying its tensor's bytes to offset; returns how many.")
      .def(
          "copy_from_device",
          [](CudaSharedMemory& self, size_t offset, uintptr_t pointer, size_t byte_size, uintptr_t stream) {
            py::gil_scoped_release nogil;
            self.copy_from_device(offset, reinterpret_cast<const void*>(pointer), byte_size, stream);
          },
          py::arg("offset"), py::arg("pointer"), py::arg("byte_size"), py::arg("stream"),
          "Copies byte_size bytes of device memory at pointer on the producer's stream, and waits.")
      .def("dlpack", &dlpack_view, py::arg("offset"), py::arg("datatype"), py::arg("shape"),
           "A DLPack capsule over the region's memory at offset (C order), holding the region.");
  m.def(
      "dlpack_byte_size",
      [](const py::capsule& capsule) {
        return dlpack_bytes(unconsumed_tensor(capsule)->dl_tensor, "DLPack tensor").byte_size;
      },
      py::arg("capsule"), "How many bytes an unconsumed DLPack capsule's C-contiguous tensor holds.");
  m.def("row_major_byte_size", &row_major_byte_size, py::arg("shape"), py::arg("byte_strides"), py::arg("element_size"),
        py::arg("what"), "The bytes of a C-order tensor; ValueError naming `what` for other layouts.");
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
