// gRPC slices that lend the caller's tensor memory to the transport without copying it.
// The caller's memory may be released only after gRPC has dropped every slice made here.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

#include <grpcpp/support/slice.h>

namespace tritonlink {

class BorrowedPayloads {
 public:
  BorrowedPayloads() = default;
  BorrowedPayloads(const BorrowedPayloads&) = delete;
  BorrowedPayloads& operator=(const BorrowedPayloads&) = delete;
  ~BorrowedPayloads() { wait_until_released(); }

  // A slice over [data, data + size) that counts as outstanding until gRPC releases it.
  grpc::Slice lend(const char* data, size_t size);

  // Blocks until gRPC has released every lent slice.
  void wait_until_released();

 private:
  static void on_slice_released(void* self);

  std::mutex mu_;
  std::condition_variable released_;
  size_t outstanding_ = 0;
};

}  // namespace tritonlink
