// Asynchronous calls: started from any thread on one completion queue, finished on the
// engine's own threads (decoding included, no Python involved), and handed to a
// CompletionSink. Every started call is delivered exactly once: success, error, deadline,
// cancellation or shutdown.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include "call_options.h"
#include "completion_sink.h"
#include "infer_request.h"

namespace tritonlink {

class AsyncEngine {
 public:
  AsyncEngine(std::shared_ptr<grpc::Channel> channel, int threads = 1);
  ~AsyncEngine();  // shutdown()
  AsyncEngine(const AsyncEngine&) = delete;
  AsyncEngine& operator=(const AsyncEngine&) = delete;

  // Starts ModelInfer; its completion (kInfer) goes to `sink` under `id`, which the caller
  // chooses (unique among this engine's calls in flight) so it can be registered before the
  // completion can possibly arrive. The request's input payloads are lent to gRPC until the
  // completion says inputs_released, or until a kInputsReleased completion with that id.
  void start_infer(uint64_t id, const InferRequest& request, const CallOptions& options,
                   std::shared_ptr<CompletionSink> sink);

  // Starts a unary RPC of inference.GRPCInferenceService with its request given as proto3
  // JSON; completes kMessage with the parsed response.
  void start_unary(uint64_t id, const std::string& method, const std::string& request_json,
                  const CallOptions& options, std::shared_ptr<CompletionSink> sink);

  // Asks the server to cancel the call; its completion still arrives (CANCELLED unless it had
  // already finished). Unknown or finished ids are ignored.
  void cancel(uint64_t id);

  size_t in_flight() const;

  // Cancels every call in flight, waits until each has been delivered, and joins the
  // threads. Calls started afterwards complete at once with CANCELLED. Idempotent.
  void shutdown();

 private:
  struct Call;
  struct PayloadLease;

  void launch(std::unique_ptr<Call> call, const std::string& method, const grpc::ByteBuffer& request);
  void poll_loop();
  // Delivers the call's completion and frees it; `started` is false for a call refused
  // before it reached gRPC.
  void finish(Call* call, bool started);

  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  grpc::CompletionQueue queue_;
  std::vector<std::thread> threads_;

  mutable std::mutex mu_;
  std::condition_variable drained_;
  std::unordered_map<uint64_t, Call*> calls_;  // started and not finished, for cancel()
  size_t undelivered_ = 0;                     // launched and not yet pushed to their sink
  bool shutting_down_ = false;
  bool shut_down_ = false;
};

}  // namespace tritonlink
