// The shared-memory regions clients registered with the embedded server, by name (one name
// space for both kinds, as in Triton).
//
// System regions are checked as Triton checks them (the POSIX shared-memory object exists and
// offset + byte_size lies inside it) and mapped, so that tensors placed in them are really read
// and written. CUDA regions are bookkeeping only: this server may run without a GPU and never
// opens the IPC handle; it keeps it and reports the region's status.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"
#include "system_shared_memory.h"

namespace tritonlink::server {

// Bytes of a registered system region; `mapping` keeps them mapped after an unregister.
struct SharedMemorySpan {
  std::shared_ptr<const SystemSharedMemory> mapping;
  char* data = nullptr;
  size_t size = 0;
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

  // The `byte_size` bytes at `offset` in the system region called `name`, checked (and worded)
  // as Triton checks a tensor's place: NOT_FOUND for an unknown region, INVALID_ARGUMENT for
  // bytes outside it, UNIMPLEMENTED for a CUDA region (this server does not open those).
  grpc::Status system_span(const std::string& name, uint64_t offset, uint64_t byte_size, SharedMemorySpan* span) const;

 private:
  bool name_taken(const std::string& name) const;  // mu_ held

  mutable std::mutex mu_;
  struct SystemRegion {
    inference::SystemSharedMemoryRegisterRequest request;
    std::shared_ptr<const SystemSharedMemory> mapping;  // the whole object
  };
  std::map<std::string, SystemRegion> system_;
  std::map<std::string, inference::CudaSharedMemoryRegisterRequest> cuda_;
};

}  // namespace tritonlink::server
