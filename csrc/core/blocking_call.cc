#include "blocking_call.h"

#include <chrono>
#include <thread>

#include <grpcpp/completion_queue.h>

namespace tritonlink {
namespace {

constexpr auto kInterruptPollInterval = std::chrono::milliseconds(100);

// Each thread reuses one completion queue for its blocking calls; it is shut down and drained
// when the thread exits, as gRPC requires.
class ThreadCompletionQueue {
 public:
  ~ThreadCompletionQueue() {
    queue_.Shutdown();
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
    }
  }
  grpc::CompletionQueue& get() { return queue_; }

 private:
  grpc::CompletionQueue queue_;
};

grpc::CompletionQueue& thread_queue() {
  thread_local ThreadCompletionQueue queue;
  return queue.get();
}

}  // namespace

grpc::Status blocking_unary_call(grpc::GenericStub& stub, grpc::ClientContext& context, const std::string& method,
                                 const grpc::ByteBuffer& request, grpc::ByteBuffer* response,
                                 const InterruptCheck& interrupted) {
  grpc::CompletionQueue& queue = thread_queue();
  auto call = stub.PrepareUnaryCall(&context, method, request, &queue);
  call->StartCall();
  grpc::Status status;
  int finish_tag = 0;
  call->Finish(response, &status, &finish_tag);

  // Only this call is pending on this thread's queue, so the first event is its completion.
  void* tag = nullptr;
  bool ok = false;
  bool cancelled = false;
  for (;;) {
    const auto deadline = std::chrono::system_clock::now() + kInterruptPollInterval;
    const auto result = queue.AsyncNext(&tag, &ok, deadline);
    if (result == grpc::CompletionQueue::GOT_EVENT) break;
    if (result == grpc::CompletionQueue::SHUTDOWN) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "completion queue shut down during a call");
    }
    if (!cancelled && interrupted && interrupted()) {
      context.TryCancel();  // the completion still arrives, as CANCELLED
      cancelled = true;
    }
  }
  return status;
}

bool sleep_unless_interrupted(std::chrono::nanoseconds duration, const InterruptCheck& interrupted) {
  const auto until = std::chrono::steady_clock::now() + duration;
  for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
    if (interrupted && interrupted()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kInterruptPollInterval));
  }
  return true;
}

}  // namespace tritonlink
