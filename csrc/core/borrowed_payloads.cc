#include "borrowed_payloads.h"

namespace tritonlink {

grpc::Slice BorrowedPayloads::lend(const char* data, size_t size) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++outstanding_;
  }
  // gRPC never writes through a slice it sends; the cast only satisfies the C API's signature.
  return grpc::Slice(const_cast<char*>(data), size, &BorrowedPayloads::on_slice_released, this);
}

void BorrowedPayloads::on_slice_released(void* self) {
  auto* payloads = static_cast<BorrowedPayloads*>(self);
  // Decrement under the lock so that a waiter cannot see zero and destroy us before we unlock.
  std::lock_guard<std::mutex> lock(payloads->mu_);
  if (--payloads->outstanding_ == 0) payloads->released_.notify_all();
}

void BorrowedPayloads::wait_until_released() {
  std::unique_lock<std::mutex> lock(mu_);
  released_.wait(lock, [this] { return outstanding_ == 0; });
}

}  // namespace tritonlink
