#include "system_shared_memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace tritonlink {
namespace {

constexpr size_t kMaxKeyLength = 255;  // NAME_MAX, with the leading '/'

[[noreturn]] void fail(const std::string& what, const std::string& key) {
  throw std::system_error(errno, std::generic_category(), what + " shared memory '" + key + "'");
}

// Closes the descriptor once the mapping exists: the mapping alone keeps the memory.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

char* map(int fd, size_t byte_size, const std::string& key) {
  // mmap refuses a zero length; a zero-byte region still needs a distinct, valid address.
  void* data = mmap(nullptr, byte_size ? byte_size : 1, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) fail("cannot map", key);
  return static_cast<char*>(data);
}

}  // namespace

void check_shared_memory_key(const std::string& key) {
  if (key.size() < 2 || key.size() > kMaxKeyLength || key[0] != '/' || key.find('/', 1) != std::string::npos ||
      key.find('\0') != std::string::npos) {
    throw std::invalid_argument("shared memory key '" + key +
                                "' must be '/' followed by 1 to 254 characters, none of them '/'");
  }
}

SystemSharedMemory SystemSharedMemory::create(const std::string& key, size_t byte_size) {
  check_shared_memory_key(key);
  Descriptor fd{shm_open(key.c_str(), O_RDWR | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR)};
  if (fd.fd < 0) fail("cannot create", key);
  if (ftruncate(fd.fd, static_cast<off_t>(byte_size)) != 0) {
    const int error = errno;
    shm_unlink(key.c_str());
    errno = error;
    fail("cannot size", key);
  }
  try {
    return SystemSharedMemory(key, map(fd.fd, byte_size, key), byte_size, true);
  } catch (...) {
    shm_unlink(key.c_str());
    throw;
  }
}

// Opens `key` read-write, as Triton does, and maps `byte_size` bytes of it (all when negative).
SystemSharedMemory SystemSharedMemory::open_mapping(const std::string& key, long long byte_size) {
  check_shared_memory_key(key);
  Descriptor fd{shm_open(key.c_str(), O_RDWR, 0)};
  if (fd.fd < 0) fail("cannot open", key);
  struct stat info {};
  if (fstat(fd.fd, &info) != 0) fail("cannot stat", key);
  if (byte_size < 0) byte_size = info.st_size;
  if (info.st_size < byte_size) {
    throw std::invalid_argument("shared memory '" + key + "' holds " + std::to_string(info.st_size) +
                                " bytes, fewer than the " + std::to_string(byte_size) + " asked for");
  }
  const auto size = static_cast<size_t>(byte_size);
  return SystemSharedMemory(key, map(fd.fd, size, key), size, false);
}

SystemSharedMemory SystemSharedMemory::open(const std::string& key, size_t byte_size) {
  if (byte_size > static_cast<size_t>(LLONG_MAX)) throw std::invalid_argument("shared memory size too large");
  return open_mapping(key, static_cast<long long>(byte_size));
}

SystemSharedMemory SystemSharedMemory::open_whole(const std::string& key) { return open_mapping(key, -1); }

SystemSharedMemory::SystemSharedMemory(SystemSharedMemory&& other) noexcept
    : key_(std::move(other.key_)), data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)),
      created_(std::exchange(other.created_, false)) {}

SystemSharedMemory& SystemSharedMemory::operator=(SystemSharedMemory&& other) noexcept {
  if (this != &other) {
    close();
    key_ = std::move(other.key_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    created_ = std::exchange(other.created_, false);
  }
  return *this;
}

void SystemSharedMemory::unlink() noexcept {
  if (created_) shm_unlink(key_.c_str());
  created_ = false;
}

void SystemSharedMemory::close() noexcept {
  if (data_ == nullptr) return;
  munmap(data_, size_ ? size_ : 1);
  unlink();
  data_ = nullptr;
  size_ = 0;
}

}  // namespace tritonlink
