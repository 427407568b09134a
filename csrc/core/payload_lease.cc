#include "payload_lease.h"

#include <memory>

namespace tritonlink {

struct PayloadLease::Holds {
  std::atomic<int> count{1};              // the owner's hold
  std::function<void()> on_late_release;  // written by end() before it drops the owner's hold

  // Drops one hold; the last one frees the counts (running the late-release notice if the
  // owner's hold was not the last). Returns true when this was the last hold.
  static bool drop(Holds* holds, bool owner) {
    if (holds->count.fetch_sub(1, std::memory_order_acq_rel) != 1) return false;
    std::unique_ptr<Holds> last(holds);
    if (!owner && last->on_late_release) last->on_late_release();
    return true;
  }
};

PayloadLease::~PayloadLease() {
  if (holds_ != nullptr) end(nullptr);
}

grpc::Slice PayloadLease::lend(const char* data, size_t size) {
  if (holds_ == nullptr) holds_ = std::make_unique<Holds>().release();  // owned by the counts from here on
  holds_->count.fetch_add(1, std::memory_order_relaxed);
  // gRPC never writes through a slice it sends; the cast only satisfies the C API's signature.
  return grpc::Slice(const_cast<char*>(data), size, &PayloadLease::on_slice_released, holds_);
}

void PayloadLease::on_slice_released(void* holds) { Holds::drop(static_cast<Holds*>(holds), /*owner=*/false); }

bool PayloadLease::end(std::function<void()> on_late_release) {
  Holds* holds = holds_;
  holds_ = nullptr;
  if (holds == nullptr) return true;
  holds->on_late_release = std::move(on_late_release);
  return Holds::drop(holds, /*owner=*/true);
}

}  // namespace tritonlink
