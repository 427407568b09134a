// Asynchronous calls and streams: started from any thread on one completion queue, advanced on
// the engine's own threads (decoding included, no Python involved), and delivered to a
// CompletionSink. Every started call ends in exactly one final completion: success, error,
// deadline, cancellation or shutdown.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <grpcpp/completion_queue.h>

#include "call_options.h"
#include "channel_pool.h"
#include "client_metrics.h"
#include "completion_sink.h"
#include "engine_call.h"
#include "infer_request.h"

namespace tritonlink {

class StreamCall;

class AsyncEngine {
 public:
  // Each call takes the next channel of `channels`; a stream keeps its one for its life.
  // Infers and streams are counted in `metrics` unless it is null.
  explicit AsyncEngine(std::shared_ptr<ChannelPool> channels, std::shared_ptr<ClientMetrics> metrics = nullptr,
                       int threads = 1);
  ~AsyncEngine();  // shutdown()
  AsyncEngine(const AsyncEngine&) = delete;
  AsyncEngine& operator=(const AsyncEngine&) = delete;

  // Starts ModelInfer; its completion (kInfer) goes to `sink` under `id`, which the caller
  // chooses (unique among this engine's calls in flight) so it can be registered before the
  // completion can possibly arrive. The request's input payloads are lent to gRPC until the
  // completion says inputs_released, or until a kInputsReleased completion with that id.
  // The call keeps `options` for its attempts: pass them moved, and nothing is copied.
  void start_infer(uint64_t id, const InferRequest& request, CallOptions options, std::shared_ptr<CompletionSink> sink);

  // Starts a unary RPC of inference.GRPCInferenceService with its request given as proto3
  // JSON; completes kMessage with the parsed response.
  void start_unary(uint64_t id, const std::string& method, const std::string& request_json, CallOptions options,
                   std::shared_ptr<CompletionSink> sink);

  // Opens a ModelStreamInfer stream: each response comes to `sink` as a kStream completion
  // under `id` with final false, and the stream's end as one with final true. At most
  // `max_buffered` responses are delivered ahead of stream_consumed().
  void start_stream(uint64_t id, const CallOptions& options, std::shared_ptr<CompletionSink> sink, size_t max_buffered);

  // Queues a request on stream `stream_id` (see StreamCall::send); FAILED_PRECONDITION once
  // that stream takes no more requests.
  grpc::Status stream_send(uint64_t stream_id, uint64_t send_id, const InferRequest& request, bool* lent);
  // The stream's consumer took `count` responses (see StreamCall::consumed).
  void stream_consumed(uint64_t stream_id, size_t count);
  // Half-closes the stream after its queued requests (see StreamCall::close_writes).
  void stream_close(uint64_t stream_id);

  // Asks the server to cancel a call or stream; its final completion still arrives
  // (CANCELLED unless it had already finished). Unknown or finished ids are ignored.
  void cancel(uint64_t id);

  size_t in_flight() const;

  // Cancels every call in flight, waits until each has been delivered, and joins the
  // threads. Calls started afterwards complete at once with CANCELLED. Idempotent.
  void shutdown();

 private:
  // Starts `call`, or refuses it (CANCELLED after shutdown) with its final completion.
  template <typename Call>
  void launch(std::shared_ptr<Call> call);
  std::shared_ptr<EngineCall> find(uint64_t id) const;
  std::shared_ptr<StreamCall> find_stream(uint64_t id) const;
  void forget(uint64_t id);
  void poll_loop();

  std::shared_ptr<ChannelPool> channels_;
  std::shared_ptr<ClientMetrics> metrics_;
  grpc::CompletionQueue queue_;
  std::vector<std::thread> threads_;

  mutable std::mutex mu_;
  std::condition_variable drained_;
  std::unordered_map<uint64_t, std::shared_ptr<EngineCall>> calls_;  // started and not over
  bool shutting_down_ = false;
  bool shut_down_ = false;
};

}  // namespace tritonlink
