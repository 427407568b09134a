// The few CUDA runtime calls shared memory needs, from libcudart loaded with dlopen at first
// use: the package builds, imports and runs everything else on machines without CUDA.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace tritonlink {

constexpr size_t kCudaIpcHandleSize = 64;  // sizeof(cudaIpcMemHandle_t)

// No usable CUDA runtime (library missing, no device): says what was looked for and where.
class CudaUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failed CUDA call: names the call and CUDA's own message.
class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where libcudart is looked for, in order: `extra_paths` (the Python layer adds the
// nvidia-cuda-runtime-cu12 wheel's lib directory), then the names the dynamic loader resolves.
void set_cudart_search_paths(std::string extra_paths);  // ':'-separated

// Device memory of `byte_size` bytes on `device`, exported as an IPC handle (RAII: freed on
// destruction). Throws CudaUnavailable or CudaError.
class CudaSharedMemory {
 public:
  CudaSharedMemory(int device, size_t byte_size);
  CudaSharedMemory(const CudaSharedMemory&) = delete;
  CudaSharedMemory& operator=(const CudaSharedMemory&) = delete;
  ~CudaSharedMemory();

  int device() const { return device_; }
  size_t size() const { return size_; }
  void* device_pointer() const { return data_; }
  // The 64-byte cudaIpcMemHandle_t another process opens with cudaIpcOpenMemHandle.
  std::string ipc_handle() const;

  // Host <-> device copies at `offset` (bounds checked: std::out_of_range).
  void copy_from_host(size_t offset, const void* source, size_t byte_size);
  void copy_to_host(size_t offset, void* destination, size_t byte_size) const;
  // From memory CUDA can address (another device's, managed, pinned host), copied on the
  // producer's `stream` (0: the legacy default stream) so that it follows the producer's own
  // work there, and waited for before returning.
  void copy_from_device(size_t offset, const void* source, size_t byte_size, uintptr_t stream);

  // std::out_of_range unless byte_size bytes at offset lie inside the region.
  void check_span(size_t offset, size_t byte_size) const;

 private:
  int device_;
  size_t size_;
  void* data_ = nullptr;
};

// Device memory another process exported, opened on `device` from its 64-byte IPC handle (RAII:
// closed on destruction): what a server does with a registered CUDA region. Throws
// CudaUnavailable (no runtime, no such device) or CudaError (the handle does not open).
class CudaIpcMapping {
 public:
  CudaIpcMapping(int device, const std::string& handle);
  CudaIpcMapping(const CudaIpcMapping&) = delete;
  CudaIpcMapping& operator=(const CudaIpcMapping&) = delete;
  ~CudaIpcMapping();

  // Copies at `offset`; the caller checks the span against the size the region was registered with.
  void copy_to_host(size_t offset, void* destination, size_t byte_size) const;
  void copy_from_host(size_t offset, const void* source, size_t byte_size) const;

 private:
  int device_;
  void* data_ = nullptr;
};

// How many CUDA devices there are; throws CudaUnavailable without a runtime.
int cuda_device_count();

}  // namespace tritonlink
