// A call in flight on the AsyncEngine's completion queue: a small state machine that each
// tagged completion-queue event advances. A unary RPC is the one-request, one-response case;
// a stream is many writes and reads. Both end in exactly one final Completion.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>

#include <grpcpp/client_context.h>

#include "completion_sink.h"
#include "payload_lease.h"

namespace tritonlink {

class EngineCall {
 public:
  // kRetry: a unary call's wait before its next attempt is over (or was cancelled).
  enum class Event : uint8_t { kStarted, kWriteDone, kReadDone, kWritesDone, kFinished, kRetry };
  static constexpr size_t kEventCount = 6;

  // What a completion-queue tag points at: which call, and which of its operations ended.
  struct Tag {
    EngineCall* call;
    Event event;
  };

  // Its context starts bare: the subclass puts the call's options on it.
  EngineCall(uint64_t id, std::shared_ptr<CompletionSink> sink);
  virtual ~EngineCall() = default;
  EngineCall(const EngineCall&) = delete;
  EngineCall& operator=(const EngineCall&) = delete;

  uint64_t id() const { return id_; }

  // Advances the call on one of its events (`ok` as the completion queue reported it).
  // Returns true once the call is over: its final completion is delivered and gRPC holds no
  // operation of it, so the engine may let it go.
  virtual bool on_event(Event event, bool ok) = 0;

  // Asks the server to stop the call; its final completion still comes (CANCELLED unless it
  // had already finished). Safe from any thread, at any time.
  virtual void cancel();

 protected:
  void* tag(Event event) { return &tags_[static_cast<size_t>(event)]; }
  // Valid until release_context(); only the completion-queue side may use it unlocked.
  grpc::ClientContext& context() { return *context_; }
  // Destroys the gRPC call, which drops its last references to the request's slices.
  void release_context();
  // A bare context for the call's next attempt, in place of the last one's.
  void renew_context();
  CompletionSink& sink() { return *sink_; }
  const std::shared_ptr<CompletionSink>& shared_sink() const { return sink_; }

 private:
  const uint64_t id_;
  const std::shared_ptr<CompletionSink> sink_;
  std::mutex context_mu_;  // cancel() may race with release_context()
  std::unique_ptr<grpc::ClientContext> context_ = std::make_unique<grpc::ClientContext>();
  std::array<Tag, kEventCount> tags_;
};

// Tells the consumer that gRPC let go of call (or write) `id`'s borrowed input memory.
void push_inputs_released(CompletionSink& sink, uint64_t id);

// Pushes `id`'s kInputsReleased notice once gRPC lets go of what `lease` lent; true when it
// already has (nothing to notify).
bool end_lease(PayloadLease& lease, uint64_t id, const std::shared_ptr<CompletionSink>& sink);

}  // namespace tritonlink
