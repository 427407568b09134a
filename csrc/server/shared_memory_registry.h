// The shared-memory regions clients registered with the embedded server, by name (one name
// space for both kinds, as in Triton).
//
// System regions are checked as Triton checks them (the POSIX shared-memory object exists and
// offset + byte_size lies inside it) and mapped, so that tensors placed in them are really read
// and written. CUDA regions are opened from their IPC handle through the core's dlopen facade
// when this process has a CUDA runtime and the device, and then read and written the same way;
// without one (this server runs without a GPU too) they are bookkeeping only: kept, reported,
// and refused as a tensor's place.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/support/status.h>

#include "cuda_runtime.h"
#include "grpc_service.pb.h"
#include "system_shared_memory.h"

namespace tritonlink::server {

// Bytes of a registered region, in host memory (a system region) or on a device (a CUDA
// one); each keeps its mapping open after an unregister. read() and write() throw CudaError.
class SharedMemorySpan {
 public:
  SharedMemorySpan() = default;
  SharedMemorySpan(std::shared_ptr<const SystemSharedMemory> mapping, size_t offset, size_t size);
  SharedMemorySpan(std::shared_ptr<const CudaIpcMapping> device, size_t offset, size_t size);

  size_t size() const { return size_; }
  void read(std::string* bytes) const;         // all of the span
  void write(const std::string& bytes) const;  // at its start; bytes.size() <= size()

 private:
  std::shared_ptr<const SystemSharedMemory> host_;
  std::shared_ptr<const CudaIpcMapping> device_;
  size_t offset_ = 0;
  size_t size_ = 0;
};

class SharedMemoryRegistry {
 public:
  grpc::Status register_system(const inference::SystemSharedMemoryRegisterRequest& request);
  grpc::Status register_cuda(const inference::CudaSharedMemoryRegisterRequest& request);

  // The region called `name`, or every region of that kind when `name` is empty.
  grpc::Status system_status(const std::string& name, inference::SystemSharedMemoryStatusResponse* response) const;
  grpc::Status cuda_status(const std::string& name, inference::CudaSharedMemoryStatusResponse* response) const;

  // Forgets the region called `name`, or every region of that kind when `name` is empty.
  // Unknown names are not an error, as in Triton.
  void unregister_system(const std::string& name);
  void unregister_cuda(const std::string& name);

  // The `byte_size` bytes at `offset` in the region called `name`, checked (and worded) as
  // Triton checks a tensor's place: NOT_FOUND for an unknown region, INVALID_ARGUMENT for bytes
  // outside it, UNAVAILABLE for a CUDA region this process could not open (no CUDA runtime).
  grpc::Status span(const std::string& name, uint64_t offset, uint64_t byte_size, SharedMemorySpan* span) const;

 private:
  bool name_taken(const std::string& name) const;  // mu_ held

  mutable std::mutex mu_;
  struct SystemRegion {
    inference::SystemSharedMemoryRegisterRequest request;
    std::shared_ptr<const SystemSharedMemory> mapping;  // the whole object
  };
  std::map<std::string, SystemRegion> system_;
  struct CudaRegion {
    inference::CudaSharedMemoryRegisterRequest request;
    std::shared_ptr<const CudaIpcMapping> mapping;  // null: no CUDA runtime or device here
  };
  std::map<std::string, CudaRegion> cuda_;
};

}  // namespace tritonlink::server
