// Where finished calls go: a lock-free multi-producer queue drained by one consumer, plus an
// eventfd that wakes that consumer once per batch (not once per completion).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <concurrentqueue/concurrentqueue.h>

#include "infer_response.h"

namespace tritonlink {

struct Completion {
  enum class Kind : uint8_t {
    kInfer,           // a ModelInfer call ended: `status`, and `response` when it succeeded
    kMessage,         // another unary RPC ended: `status`, and `message` (never null) when it succeeded
    kStream,          // a ModelStreamInfer event: one response (final false), or the stream's end
    kInputsReleased,  // gRPC let go of a call's (or a stream write's) borrowed input memory, late
  };
  uint64_t id = 0;
  Kind kind = Kind::kInfer;
  // Whether the call is over: a stream's responses are not final; its end is, and carries the
  // stream's `status`. Unary calls deliver one final completion.
  bool final = true;
  // A stream response's status is that response's: UNKNOWN with the server's error_message
  // for a request that failed (the stream goes on; `response`, when the server sent one with
  // it, tells which request), INTERNAL for bytes that are not a ModelStreamInferResponse.
  grpc::Status status;
  std::shared_ptr<InferResponse> response;
  std::shared_ptr<google::protobuf::Message> message;
  // False when gRPC still holds the call's borrowed inputs; a kInputsReleased completion with
  // the same id comes once it lets go. It is pushed from another thread, so the consumer may
  // drain it before this completion: the queue orders only what one thread pushes.
  bool inputs_released = true;
};

class CompletionSink {
 public:
  CompletionSink();  // throws std::system_error if no eventfd can be made
  ~CompletionSink();
  CompletionSink(const CompletionSink&) = delete;
  CompletionSink& operator=(const CompletionSink&) = delete;

  // Producer side (any thread). Wakes the consumer only if it is waiting.
  void push(Completion completion);

  // Consumer side (one thread at a time). Moves up to `max` completions into `out`; when the
  // queue runs dry it re-arms the wake-up, so a later push makes the eventfd readable.
  size_t drain(std::vector<Completion>& out, size_t max);

  // Consumer side: blocks until a completion is queued or `timeout_ms` passes (-1: forever).
  void wait(int timeout_ms);

  // Makes the eventfd readable now, so a waiting consumer looks again (e.g. to stop).
  void wake();

  // Readable when completions may be waiting; for event loops (asyncio's add_reader).
  int fd() const { return event_fd_; }

 private:
  void clear_event();

  moodycamel::ConcurrentQueue<Completion> queue_;
  std::atomic<bool> consumer_waiting_{true};
  int event_fd_ = -1;
};

}  // namespace tritonlink
