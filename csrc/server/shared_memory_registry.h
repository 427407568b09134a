// The shared-memory regions clients registered with the embedded server, by name (one name
// space for both kinds, as in Triton).
//
// System regions are checked as Triton checks them: the POSIX shared-memory object exists and
// offset + byte_size lies inside it. CUDA regions are bookkeeping only: this server may run
// without a GPU and never opens the IPC handle; it keeps it and reports the region's status.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"

namespace tritonlink::server {

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

 private:
  bool name_taken(const std::string& name) const;  // mu_ held

  mutable std::mutex mu_;
  std::map<std::string, inference::SystemSharedMemoryRegisterRequest> system_;
  std::map<std::string, inference::CudaSharedMemoryRegisterRequest> cuda_;
};

}  // namespace tritonlink::server
