#include "async_engine.h"

#include <algorithm>

#include "stream_call.h"
#include "unary_call.h"

namespace tritonlink {
namespace {

const grpc::Status kClientClosed(grpc::StatusCode::CANCELLED, "the client is closed");

}  // namespace

AsyncEngine::AsyncEngine(std::shared_ptr<ChannelPool> channels, std::shared_ptr<ClientMetrics> metrics, int threads)
    : channels_(std::move(channels)), metrics_(std::move(metrics)) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { poll_loop(); });
}

AsyncEngine::~AsyncEngine() { shutdown(); }

void AsyncEngine::start_infer(uint64_t id, const InferRequest& request, CallOptions options,
                              std::shared_ptr<CompletionSink> sink) {
  ModelMetrics* metrics = metrics_ ? &metrics_->model(request.model_name) : nullptr;
  launch(std::make_shared<UnaryCall>(id, request, std::move(options), std::move(sink), metrics));
}

void AsyncEngine::start_unary(uint64_t id, const std::string& method, const std::string& request_json,
                              CallOptions options, std::shared_ptr<CompletionSink> sink) {
  auto call = std::make_shared<UnaryCall>(id, method, request_json, std::move(options), std::move(sink));
  if (!call->encoded()) {
    call->refuse(call->encode_status());
    return;
  }
  launch(std::move(call));
}

void AsyncEngine::start_stream(uint64_t id, const CallOptions& options, std::shared_ptr<CompletionSink> sink,
                               size_t max_buffered) {
  launch(std::make_shared<StreamCall>(id, options, std::move(sink), max_buffered, metrics_.get()));
}

template <typename Call>
void AsyncEngine::launch(std::shared_ptr<Call> call) {
  bool refused;
  {
    std::lock_guard<std::mutex> lock(mu_);
    refused = shutting_down_;
    if (!refused) calls_.emplace(call->id(), call);
  }
  if (refused) {
    call->refuse(kClientClosed);
    return;
  }
  call->start(channels_->next(), &queue_);  // outside the lock: gRPC may write the request on this thread
}

std::shared_ptr<EngineCall> AsyncEngine::find(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : it->second;
}

std::shared_ptr<StreamCall> AsyncEngine::find_stream(uint64_t id) const {
  return std::dynamic_pointer_cast<StreamCall>(find(id));
}

grpc::Status AsyncEngine::stream_send(uint64_t stream_id, uint64_t send_id, const InferRequest& request, bool* lent) {
  const auto stream = find_stream(stream_id);
  if (!stream) return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the stream has ended");
  return stream->send(send_id, request, lent);
}

void AsyncEngine::stream_consumed(uint64_t stream_id, size_t count) {
  if (const auto stream = find_stream(stream_id)) stream->consumed(count);
}

void AsyncEngine::stream_close(uint64_t stream_id) {
  if (const auto stream = find_stream(stream_id)) stream->close_writes();
}

void AsyncEngine::cancel(uint64_t id) {
  if (const auto call = find(id)) call->cancel();
}

void AsyncEngine::poll_loop() {
  void* tag = nullptr;
  bool ok = false;
  while (queue_.Next(&tag, &ok)) {
    const auto* event = static_cast<const EngineCall::Tag*>(tag);
    if (event->call->on_event(event->event, ok)) forget(event->call->id());
  }
}

void AsyncEngine::forget(uint64_t id) {
  std::shared_ptr<EngineCall> over;  // destroyed after the lock is let go
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = calls_.find(id);
  over = std::move(it->second);
  calls_.erase(it);
  if (calls_.empty()) drained_.notify_all();
}

size_t AsyncEngine::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_.size();
}

void AsyncEngine::shutdown() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (shutting_down_) {
      drained_.wait(lock, [this] { return shut_down_; });
      return;
    }
    shutting_down_ = true;
    for (auto& entry : calls_) entry.second->cancel();
    drained_.wait(lock, [this] { return calls_.empty(); });
  }
  queue_.Shutdown();
  for (auto& thread : threads_) thread.join();
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  drained_.notify_all();
}

}  // namespace tritonlink
