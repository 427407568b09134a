#include "shared_memory_registry.h"

#include <cstring>
#include <stdexcept>

namespace tritonlink::server {
namespace {

grpc::Status already_registered(const std::string& name) {
  return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "shared memory region '" + name + "' already in manager");
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

// Whether `offset` + `byte_size` lies inside a region of `region_size` bytes.
bool inside(uint64_t region_size, uint64_t offset, uint64_t byte_size) {
  return offset <= region_size && byte_size <= region_size - offset;
}

grpc::Status outside(const std::string& name) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "Invalid offset + byte size for shared memory region: '" + name + "'");
}

}  // namespace

SharedMemorySpan::SharedMemorySpan(std::shared_ptr<const SystemSharedMemory> mapping, size_t offset, size_t size)
    : host_(std::move(mapping)), offset_(offset), size_(size) {}

SharedMemorySpan::SharedMemorySpan(std::shared_ptr<const CudaIpcMapping> device, size_t offset, size_t size)
    : device_(std::move(device)), offset_(offset), size_(size) {}

void SharedMemorySpan::read(std::string* bytes) const {
  if (host_ != nullptr) {
    bytes->assign(host_->data() + offset_, size_);
  } else {
    bytes->resize(size_);
    device_->copy_to_host(offset_, bytes->data(), size_);
  }
}

void SharedMemorySpan::write(const std::string& bytes) const {
  if (host_ != nullptr) {
    std::memcpy(host_->data() + offset_, bytes.data(), bytes.size());
  } else {
    device_->copy_from_host(offset_, bytes.data(), bytes.size());
  }
}

bool SharedMemoryRegistry::name_taken(const std::string& name) const {
  return system_.count(name) != 0 || cuda_.count(name) != 0;
}

grpc::Status SharedMemoryRegistry::register_system(const inference::SystemSharedMemoryRegisterRequest& request) {
  std::shared_ptr<const SystemSharedMemory> mapping;
  try {
    mapping = std::make_shared<const SystemSharedMemory>(SystemSharedMemory::open_whole(request.key()));
  } catch (const std::exception&) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "Unable to open shared memory region: '" + request.key() + "'");
  }
  if (!inside(mapping->size(), request.offset(), request.byte_size())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "failed to register shared memory region '" + request.name() + "': invalid args");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (name_taken(request.name())) return already_registered(request.name());
  system_.emplace(request.name(), SystemRegion{request, std::move(mapping)});
  return grpc::Status::OK;
}

grpc::Status SharedMemoryRegistry::register_cuda(const inference::CudaSharedMemoryRegisterRequest& request) {
  if (request.raw_handle().size() != kCudaIpcHandleSize || request.device_id() < 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "failed to register shared memory region '" + request.name() + "': invalid args");
  }
  std::shared_ptr<const CudaIpcMapping> mapping;
  try {
    mapping = std::make_shared<const CudaIpcMapping>(static_cast<int>(request.device_id()), request.raw_handle());
  } catch (const CudaUnavailable&) {
    // No CUDA runtime or no such device here: kept as bookkeeping, refused as a tensor's place.
  } catch (const CudaError& error) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "failed to register CUDA shared memory region '" + request.name() + "': " + error.what());
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (name_taken(request.name())) return already_registered(request.name());
  cuda_.emplace(request.name(), CudaRegion{request, std::move(mapping)});
  return grpc::Status::OK;
}

grpc::Status SharedMemoryRegistry::system_status(const std::string& name,
                                                 inference::SystemSharedMemoryStatusResponse* response) const {
  std::lock_guard<std::mutex> lock(mu_);
  return report(system_, name, "system", response->mutable_regions(), [](const auto& entry, auto* status) {
    const auto& region = entry.request;
    status->set_name(region.name());
    status->set_key(region.key());
    status->set_offset(region.offset());
    status->set_byte_size(region.byte_size());
  });
}

grpc::Status SharedMemoryRegistry::cuda_status(const std::string& name,
                                               inference::CudaSharedMemoryStatusResponse* response) const {
  std::lock_guard<std::mutex> lock(mu_);
  return report(cuda_, name, "cuda", response->mutable_regions(), [](const auto& entry, auto* status) {
    const auto& region = entry.request;
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

grpc::Status SharedMemoryRegistry::span(const std::string& name, uint64_t offset, uint64_t byte_size,
                                        SharedMemorySpan* span) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (const auto it = system_.find(name); it != system_.end()) {
    const auto& region = it->second.request;
    if (!inside(region.byte_size(), offset, byte_size)) return outside(name);
    *span = SharedMemorySpan(it->second.mapping, region.offset() + offset, byte_size);
    return grpc::Status::OK;
  }
  const auto it = cuda_.find(name);
  if (it == cuda_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "Unable to find shared memory region: '" + name + "'");
  }
  if (it->second.mapping == nullptr) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "CUDA shared memory region '" + name +
                                                           "' is not open in this server: it has no CUDA runtime or "
                                                           "no device " +
                                                           std::to_string(it->second.request.device_id()));
  }
  if (!inside(it->second.request.byte_size(), offset, byte_size)) return outside(name);
  *span = SharedMemorySpan(it->second.mapping, offset, byte_size);
  return grpc::Status::OK;
}

}  // namespace tritonlink::server
