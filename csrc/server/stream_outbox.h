// The write side of one ModelStreamInfer stream, and the decision of when the stream ends.
// Responses queue here from any thread and go out one write at a time (gRPC allows one write
// in flight); the stream finishes once nothing is left to answer or send.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

#include <grpcpp/support/server_callback.h>

#include "grpc_service.pb.h"

namespace tritonlink::server {

using StreamReactor = grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>;

class StreamOutbox {
 public:
  explicit StreamOutbox(StreamReactor* reactor) : reactor_(reactor) {}
  StreamOutbox(const StreamOutbox&) = delete;
  StreamOutbox& operator=(const StreamOutbox&) = delete;

  // A request was read; its responses will follow, then one request_done.
  void request_started();
  // One response of a request in progress.
  void push(inference::ModelStreamInferResponse response);
  // A request is answered; `last` is its last response, if it has one.
  void request_done(std::optional<inference::ModelStreamInferResponse> last);

  // The reactor's events.
  void write_done(bool ok);
  void reads_done();  // the client half-closed (or the call ended)
  void cancelled();   // the client went away: what is pending is dropped

  // The server is shutting down: nothing more is read, and the stream ends (UNAVAILABLE)
  // once the requests in progress are answered.
  void close();
  bool closing() const;

 private:
  // What to do, decided under the lock and done outside it: gRPC may run a reaction inline.
  struct Action {
    const inference::ModelStreamInferResponse* write = nullptr;
    std::optional<grpc::Status> finish;
  };
  Action next_action_locked();
  void perform(const Action& action);
  void drop_unsent_locked();

  StreamReactor* reactor_;  // used only until Finish, which comes before the reactor is done
  mutable std::mutex mu_;
  std::deque<inference::ModelStreamInferResponse> queue_;  // front() is being written when writing_
  size_t requests_in_progress_ = 0;
  bool writing_ = false;
  bool reads_done_ = false;
  bool closing_ = false;
  bool broken_ = false;     // cancelled, or a write failed: nothing more reaches the client
  bool finishing_ = false;  // Finish was called
};

}  // namespace tritonlink::server
