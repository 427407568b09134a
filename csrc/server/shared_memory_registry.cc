#include "shared_memory_registry.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tritonlink::server {
namespace {

constexpr size_t kCudaIpcHandleSize = 64;  // sizeof(cudaIpcMemHandle_t)

grpc::Status already_registered(const std::string& name) {
  return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "shared memory region '" + name + "' already in manager");
}

// The size of the POSIX shared-memory object `key`, opened as Triton opens it (read-write).
grpc::Status shared_memory_object_size(const std::string& key, uint64_t* size) {
  const int fd = shm_open(key.c_str(), O_RDWR, 0);
  if (fd < 0) return grpc::Status(grpc::StatusCode::INTERNAL, "Unable to open shared memory region: '" + key + "'");
  struct stat info {};
  const bool known = fstat(fd, &info) == 0 && info.st_size >= 0;
  close(fd);
  if (!known) return grpc::Status(grpc::StatusCode::INTERNAL, "Invalid shared memory region: '" + key + "'");
  *size = static_cast<uint64_t>(info.st_size);
  return grpc::Status::OK;
}

template <typename Regions>
void forget(Regions& regions, const std::string& name) {
  if (name.empty()) {
    regions.clear();
  } else {
    regions.erase(name);
  }
}

// Copies the region called `name` (or all when empty) into `statuses` with `fill(region, status)`.
template <typename Regions, typename Statuses, typename Fill>
grpc::Status report(const Regions& regions, const std::string& name, const char* kind, Statuses* statuses, Fill fill) {
  if (!name.empty() && regions.count(name) == 0) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        std::string("Unable to find ") + kind + " shared memory region: '" + name + "'");
  }
  for (const auto& [region_name, region] : regions) {
    if (name.empty() || region_name == name) fill(region, &(*statuses)[region_name]);
  }
  return grpc::Status::OK;
}

}  // namespace

bool SharedMemoryRegistry::name_taken(const std::string& name) const {
  return system_.count(name) != 0 || cuda_.count(name) != 0;
}

grpc::Status SharedMemoryRegistry::register_system(const inference::SystemSharedMemoryRegisterRequest& request) {
  uint64_t object_size = 0;
  if (auto status = shared_memory_object_size(request.key(), &object_size); !status.ok()) return status;
  if (request.offset() > object_size || request.byte_size() > object_size - request.offset()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "failed to register shared memory region '" + request.name() + "': invalid args");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (name_taken(request.name())) return already_registered(request.name());
  system_.emplace(request.name(), request);
  return grpc::Status::OK;
}

grpc::Status SharedMemoryRegistry::register_cuda(const inference::CudaSharedMemoryRegisterRequest& request) {
  if (request.raw_handle().size() != kCudaIpcHandleSize || request.device_id() < 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "failed to register shared memory region '" + request.name() + "': invalid args");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (name_taken(request.name())) return already_registered(request.name());
  cuda_.emplace(request.name(), request);
  return grpc::Status::OK;
}

grpc::Status SharedMemoryRegistry::system_status(const std::string& name,
                                                 inference::SystemSharedMemoryStatusResponse* response) const {
  std::lock_guard<std::mutex> lock(mu_);
  return report(system_, name, "system", response->mutable_regions(), [](const auto& region, auto* status) {
    status->set_name(region.name());
    status->set_key(region.key());
    status->set_offset(region.offset());
    status->set_byte_size(region.byte_size());
  });
}

grpc::Status SharedMemoryRegistry::cuda_status(const std::string& name,
                                               inference::CudaSharedMemoryStatusResponse* response) const {
  std::lock_guard<std::mutex> lock(mu_);
  return report(cuda_, name, "cuda", response->mutable_regions(), [](const auto& region, auto* status) {
    status->set_name(region.name());
    status->set_device_id(static_cast<uint64_t>(region.device_id()));
    status->set_byte_size(region.byte_size());
  });
}

void SharedMemoryRegistry::unregister_system(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  forget(system_, name);
}

void SharedMemoryRegistry::unregister_cuda(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  forget(cuda_, name);
}

}  // namespace tritonlink::server
