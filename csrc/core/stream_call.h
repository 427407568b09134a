// A ModelStreamInfer stream on the engine: requests written one at a time in the order they
// were sent, responses read one at a time while the consumer has room for them. Reading
// stops when `max_buffered` responses are delivered and not yet consumed, so HTTP/2 flow
// control, not client memory, absorbs a slow consumer.
#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>

#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include "call_options.h"
#include "client_metrics.h"
#include "engine_call.h"
#include "infer_request.h"

namespace tritonlink {

class StreamCall final : public EngineCall {
 public:
  // Requests and responses are counted in `metrics` unless it is null.
  StreamCall(uint64_t id, const CallOptions& options, std::shared_ptr<CompletionSink> sink, size_t max_buffered,
             ClientMetrics* metrics = nullptr);

  void start(grpc::GenericStub& stub, grpc::CompletionQueue* queue);
  // Delivers the final completion now, without starting (the engine is shut down).
  void refuse(grpc::Status status);

  // Queues one request, its payloads lent to gRPC until written. `*lent` says whether a
  // kInputsReleased notice for `send_id` will follow. FAILED_PRECONDITION once the stream no
  // longer takes requests (closed for writing, or over).
  grpc::Status send(uint64_t send_id, const InferRequest& request, bool* lent);
  // The consumer took `count` delivered responses: room to read that many more.
  void consumed(size_t count);
  // Half-closes once the queued requests are written; from then on responses are read
  // without waiting for room, so that the stream can end while nobody consumes.
  void close_writes();
  void cancel() override;

  bool on_event(Event event, bool ok) override;

 private:
  struct PendingWrite {
    uint64_t send_id = 0;
    PayloadLease lease;
    grpc::ByteBuffer message;
  };

  // Each *_locked helper runs with mu_ held.
  void write_next_locked();
  void read_next_locked();
  void finish_locked();
  Completion decode_response();  // of read_buffer_, which it clears
  void count_response(const Completion& response, size_t bytes);
  void end_locked();  // delivers the final completion
  void release_write(PendingWrite& write);

  std::mutex mu_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> stream_;
  std::deque<PendingWrite> writes_;  // while writing_, the front one is with gRPC
  grpc::ByteBuffer read_buffer_;
  grpc::Status status_;
  // Responses that may still be delivered before reading waits; the consumer adds to it
  // without the lock, which it takes only when reading has paused for want of credits.
  std::atomic<size_t> credits_;
  std::atomic<bool> read_paused_{false};
  int operations_ = 0;  // gRPC operations started and not yet reported back
  bool started_ = false;
  bool writing_ = false;
  bool reading_ = false;
  bool writes_closed_ = false;  // no more requests taken
  bool writes_done_sent_ = false;
  bool unlimited_reads_ = false;
  bool finishing_ = false;
  bool finished_ = false;

  // Metrics: a response counts for its model, or for the stream's first request's model when
  // it names none (an error). Reads are one at a time, so the timestamps need no lock.
  ClientMetrics* const metrics_;
  std::atomic<ModelMetrics*> first_model_{nullptr};
  const MetricsClock::time_point opened_ = MetricsClock::now();
  std::optional<MetricsClock::time_point> last_response_;
};

}  // namespace tritonlink
