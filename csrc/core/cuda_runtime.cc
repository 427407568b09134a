#include "cuda_runtime.h"

#include <dlfcn.h>

#include <memory>
#include <mutex>
#include <vector>

namespace tritonlink {
namespace {

// cudaError_t is an int enum and cudaMemcpyKind an int; the handle is 64 opaque bytes.
struct IpcHandle {
  char bytes[kCudaIpcHandleSize];
};
constexpr int kMemcpyHostToDevice = 1;
constexpr int kMemcpyDeviceToHost = 2;
constexpr int kMemcpyDefault = 4;  // the direction follows from unified addressing
constexpr unsigned int kIpcMemLazyEnablePeerAccess = 1;

struct CudaRuntime {
  int (*get_device_count)(int*) = nullptr;
  int (*set_device)(int) = nullptr;
  int (*malloc)(void**, size_t) = nullptr;
  int (*free)(void*) = nullptr;
  int (*memcpy)(void*, const void*, size_t, int) = nullptr;
  int (*memcpy_async)(void*, const void*, size_t, int, void*) = nullptr;
  int (*stream_synchronize)(void*) = nullptr;
  int (*ipc_get_mem_handle)(IpcHandle*, void*) = nullptr;
  int (*ipc_open_mem_handle)(void**, IpcHandle, unsigned int) = nullptr;  // the handle by value
  int (*ipc_close_mem_handle)(void*) = nullptr;
  const char* (*get_error_string)(int) = nullptr;
  std::string loaded_from;
};

std::mutex search_mu;
std::string extra_search_paths;

std::vector<std::string> candidates() {
  std::vector<std::string> names;
  std::lock_guard<std::mutex> lock(search_mu);
  size_t start = 0;
  while (start <= extra_search_paths.size()) {
    const size_t end = extra_search_paths.find(':', start);
    const std::string dir =
        extra_search_paths.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty()) names.push_back(dir + "/libcudart.so.12");
    if (end == std::string::npos) break;
    start = end + 1;
  }
  for (const char* name : {"libcudart.so.12", "libcudart.so", "/usr/local/cuda/lib64/libcudart.so.12",
                           "/usr/local/cuda/lib64/libcudart.so"}) {
    names.emplace_back(name);
  }
  return names;
}

template <typename F>
void resolve(void* library, const char* symbol, F* out, std::string* missing) {
  *out = reinterpret_cast<F>(dlsym(library, symbol));
  if (*out == nullptr) *missing += std::string(missing->empty() ? "" : ", ") + symbol;
}

// Loaded once, at first use; a failure throws (saying what was tried) and is retried next time.
const CudaRuntime& runtime() {
  static const CudaRuntime* loaded = [] {
    auto rt = std::make_unique<CudaRuntime>();
    std::string tried;
    void* library = nullptr;
    for (const auto& name : candidates()) {
      library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (library != nullptr) {
        rt->loaded_from = name;
        break;
      }
      tried += (tried.empty() ? "" : ", ") + name;
    }
    if (library == nullptr) {
      throw CudaUnavailable("CUDA runtime not found: looked for " + tried +
                            " (install CUDA or the nvidia-cuda-runtime-cu12 wheel)");
    }
    std::string missing;
    resolve(library, "cudaGetDeviceCount", &rt->get_device_count, &missing);
    resolve(library, "cudaSetDevice", &rt->set_device, &missing);
    resolve(library, "cudaMalloc", &rt->malloc, &missing);
    resolve(library, "cudaFree", &rt->free, &missing);
    resolve(library, "cudaMemcpy", &rt->memcpy, &missing);
    resolve(library, "cudaMemcpyAsync", &rt->memcpy_async, &missing);
    resolve(library, "cudaStreamSynchronize", &rt->stream_synchronize, &missing);
    resolve(library, "cudaIpcGetMemHandle", &rt->ipc_get_mem_handle, &missing);
    resolve(library, "cudaIpcOpenMemHandle", &rt->ipc_open_mem_handle, &missing);
    resolve(library, "cudaIpcCloseMemHandle", &rt->ipc_close_mem_handle, &missing);
    resolve(library, "cudaGetErrorString", &rt->get_error_string, &missing);
    if (!missing.empty()) throw CudaUnavailable("the CUDA runtime found lacks " + missing);
    return rt.release();  // kept until exit, as libcudart stays loaded
  }();
  return *loaded;
}

void check(int code, const char* call) {
  if (code != 0) throw CudaError(std::string(call) + " failed: " + runtime().get_error_string(code));
}

// The runtime, with `device` made current; CudaUnavailable when there is no such device.
const CudaRuntime& on_device(int device) {
  const CudaRuntime& rt = runtime();
  if (cuda_device_count() <= device || device < 0) {
    throw CudaUnavailable("no CUDA device " + std::to_string(device) + ": the CUDA runtime loaded from " +
                          rt.loaded_from + " finds " + std::to_string(cuda_device_count()));
  }
  check(rt.set_device(device), "cudaSetDevice");
  return rt;
}

}  // namespace

void set_cudart_search_paths(std::string extra_paths) {
  std::lock_guard<std::mutex> lock(search_mu);
  extra_search_paths = std::move(extra_paths);
}

int cuda_device_count() {
  int count = 0;
  if (runtime().get_device_count(&count) != 0) return 0;
  return count;
}

CudaSharedMemory::CudaSharedMemory(int device, size_t byte_size) : device_(device), size_(byte_size) {
  check(on_device(device).malloc(&data_, byte_size ? byte_size : 1), "cudaMalloc");
}

CudaSharedMemory::~CudaSharedMemory() {
  if (data_ != nullptr) {
    runtime().set_device(device_);
    runtime().free(data_);
  }
}

std::string CudaSharedMemory::ipc_handle() const {
  IpcHandle handle{};
  check(runtime().set_device(device_), "cudaSetDevice");
  check(runtime().ipc_get_mem_handle(&handle, data_), "cudaIpcGetMemHandle");
  return std::string(handle.bytes, sizeof(handle.bytes));
}

void CudaSharedMemory::check_span(size_t offset, size_t byte_size) const {
  if (offset > size_ || byte_size > size_ - offset) {
    throw std::out_of_range("offset " + std::to_string(offset) + " and size " + std::to_string(byte_size) +
                            " do not fit in a CUDA region of " + std::to_string(size_) + " bytes");
  }
}

void CudaSharedMemory::copy_from_host(size_t offset, const void* source, size_t byte_size) {
  check_span(offset, byte_size);
  check(runtime().set_device(device_), "cudaSetDevice");
  check(runtime().memcpy(static_cast<char*>(data_) + offset, source, byte_size, kMemcpyHostToDevice), "cudaMemcpy");
}

void CudaSharedMemory::copy_to_host(size_t offset, void* destination, size_t byte_size) const {
  check_span(offset, byte_size);
  check(runtime().set_device(device_), "cudaSetDevice");
  check(runtime().memcpy(destination, static_cast<char*>(data_) + offset, byte_size, kMemcpyDeviceToHost),
        "cudaMemcpy");
}

void CudaSharedMemory::copy_from_device(size_t offset, const void* source, size_t byte_size, uintptr_t stream) {
  check_span(offset, byte_size);
  check(runtime().set_device(device_), "cudaSetDevice");
  void* handle = reinterpret_cast<void*>(stream);
  check(runtime().memcpy_async(static_cast<char*>(data_) + offset, source, byte_size, kMemcpyDefault, handle),
        "cudaMemcpyAsync");
  check(runtime().stream_synchronize(handle), "cudaStreamSynchronize");
}

CudaIpcMapping::CudaIpcMapping(int device, const std::string& handle) : device_(device) {
  if (handle.size() != kCudaIpcHandleSize) {
    throw std::invalid_argument("a CUDA IPC handle has " + std::to_string(kCudaIpcHandleSize) + " bytes, not " +
                                std::to_string(handle.size()));
  }
  IpcHandle bytes{};
  handle.copy(bytes.bytes, sizeof(bytes.bytes));
  check(on_device(device).ipc_open_mem_handle(&data_, bytes, kIpcMemLazyEnablePeerAccess), "cudaIpcOpenMemHandle");
}

CudaIpcMapping::~CudaIpcMapping() {
  runtime().set_device(device_);
  runtime().ipc_close_mem_handle(data_);
}

void CudaIpcMapping::copy_to_host(size_t offset, void* destination, size_t byte_size) const {
  check(runtime().set_device(device_), "cudaSetDevice");
  check(runtime().memcpy(destination, static_cast<char*>(data_) + offset, byte_size, kMemcpyDeviceToHost),
        "cudaMemcpy");
}

void CudaIpcMapping::copy_from_host(size_t offset, const void* source, size_t byte_size) const {
  check(runtime().set_device(device_), "cudaSetDevice");
  check(runtime().memcpy(static_cast<char*>(data_) + offset, source, byte_size, kMemcpyHostToDevice), "cudaMemcpy");
}

}  // namespace tritonlink
