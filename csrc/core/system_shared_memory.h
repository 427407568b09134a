// A POSIX shared-memory object (shm_open + mmap) mapped into this process, the memory that
// Triton's system shared-memory regions name by key. Used by the client and the embedded server.
#pragma once

#include <cstddef>
#include <string>

namespace tritonlink {

// Throws std::invalid_argument unless `key` is a portable POSIX shared-memory name: a leading
// '/', then 1 to 254 characters with no other '/' (what shm_open accepts everywhere).
void check_shared_memory_key(const std::string& key);

class SystemSharedMemory {
 public:
  // Creates the object `key` (it must not exist yet) of `byte_size` bytes, zero-filled. The
  // mapping unlinks the object when it is closed: its creator owns its name.
  static SystemSharedMemory create(const std::string& key, size_t byte_size);
  // Maps the first `byte_size` bytes of the existing object `key` (which must hold that many).
  static SystemSharedMemory open(const std::string& key, size_t byte_size);
  // Maps the whole existing object `key`, however large it is now.
  static SystemSharedMemory open_whole(const std::string& key);

  SystemSharedMemory(SystemSharedMemory&& other) noexcept;
  SystemSharedMemory& operator=(SystemSharedMemory&& other) noexcept;
  SystemSharedMemory(const SystemSharedMemory&) = delete;
  SystemSharedMemory& operator=(const SystemSharedMemory&) = delete;
  ~SystemSharedMemory() { close(); }

  // Unmaps, and unlinks the object if this mapping created it. Closing twice is harmless.
  void close() noexcept;
  // Removes the object's name now (if this mapping created it); the memory stays mapped.
  void unlink() noexcept;

  bool is_open() const { return data_ != nullptr; }
  char* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& key() const { return key_; }
  bool created() const { return created_; }

 private:
  static SystemSharedMemory open_mapping(const std::string& key, long long byte_size);
  SystemSharedMemory(std::string key, char* data, size_t size, bool created)
      : key_(std::move(key)), data_(data), size_(size), created_(created) {}

  std::string key_;
  char* data_ = nullptr;
  size_t size_ = 0;
  bool created_ = false;
};

}  // namespace tritonlink
