// Input memory lent to gRPC: the one owner of every borrowed payload slice, for sync calls,
// async calls and stream writes alike.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include <grpcpp/support/slice.h>

namespace tritonlink {

// The caller's memory behind lent slices may be reused only once gRPC has dropped them all.
// The lease counts one hold for its owner and one per lent slice; whoever lets go last
// learns that the memory is free.
class PayloadLease {
 public:
  PayloadLease() = default;
  PayloadLease(PayloadLease&& other) noexcept : holds_(other.holds_) { other.holds_ = nullptr; }
  PayloadLease& operator=(PayloadLease&&) = delete;
  PayloadLease(const PayloadLease&) = delete;
  PayloadLease& operator=(const PayloadLease&) = delete;
  ~PayloadLease();  // ends the lease if the owner did not: nobody is told of a late release

  // A slice over [data, data + size) that counts as lent until gRPC drops it.
  grpc::Slice lend(const char* data, size_t size);

  // Whether some slice was lent (and so a release may still be due).
  bool lent() const { return holds_ != nullptr; }

  // Drops the owner's hold. True when no slice is lent any more; otherwise `on_late_release`
  // runs once, on the thread where gRPC drops the last slice.
  bool end(std::function<void()> on_late_release);

 private:
  struct Holds;  // shared with the slices; freed by whoever drops the last hold
  static void on_slice_released(void* holds);

  Holds* holds_ = nullptr;  // made at the first lend: most requests lend nothing
};

}  // namespace tritonlink
