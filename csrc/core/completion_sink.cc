#include "completion_sink.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace tritonlink {

CompletionSink::CompletionSink() : event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (event_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

CompletionSink::~CompletionSink() { close(event_fd_); }

void CompletionSink::push(Completion completion) {
  queue_.enqueue(std::move(completion));
  // Pairs with the fence in drain(): either the consumer sees this completion when it
  // re-checks the queue, or we see it waiting and wake it.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (consumer_waiting_.exchange(false, std::memory_order_acq_rel)) wake();
}

void CompletionSink::wake() {
  const uint64_t one = 1;
  while (write(event_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void CompletionSink::clear_event() {
  uint64_t count;
  while (read(event_fd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
}

size_t CompletionSink::drain(std::vector<Completion>& out, size_t max) {
  clear_event();
  size_t taken = 0;
  for (;;) {
    const size_t before = out.size();
    out.resize(before + (max - taken));
    const size_t got = queue_.try_dequeue_bulk(out.begin() + static_cast<std::ptrdiff_t>(before), max - taken);
    out.resize(before + got);
    taken += got;
    if (taken == max) return taken;  // more may be queued: the caller comes back without waiting
    consumer_waiting_.store(true, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (queue_.size_approx() == 0) return taken;
    // A push raced with re-arming; take it now rather than waiting for the wake-up.
    consumer_waiting_.store(false, std::memory_order_relaxed);
  }
}

void CompletionSink::wait(int timeout_ms) {
  if (queue_.size_approx() > 0) return;
  pollfd pfd{event_fd_, POLLIN, 0};
  while (poll(&pfd, 1, timeout_ms) < 0 && errno == EINTR) {
  }
}

}  // namespace tritonlink
