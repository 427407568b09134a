#include "async_engine.h"

#include "byte_buffers.h"
#include "unary_rpc.h"

namespace tritonlink {

// Keeps a call's borrowed input memory accounted for: one hold for the call's completion and
// one per slice lent to gRPC. Whichever lets go last tells the consumer the inputs are free.
struct AsyncEngine::PayloadLease {
  PayloadLease(uint64_t call_id, std::shared_ptr<CompletionSink> to) : id(call_id), sink(std::move(to)) {}

  grpc::Slice lend(const char* data, size_t size) {
    holds.fetch_add(1, std::memory_order_relaxed);
    return grpc::Slice(const_cast<char*>(data), size, &PayloadLease::on_slice_released, this);
  }

  static void on_slice_released(void* self) {
    auto* lease = static_cast<PayloadLease*>(self);
    if (lease->holds.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    Completion released;
    released.id = lease->id;
    released.kind = Completion::Kind::kInputsReleased;
    lease->sink->push(std::move(released));
    delete lease;
  }

  // True when no slice is still lent: the completion itself can say the inputs are free.
  bool release_on_completion() {
    if (holds.fetch_sub(1, std::memory_order_acq_rel) != 1) return false;
    delete this;
    return true;
  }

  std::atomic<int> holds{1};
  const uint64_t id;
  const std::shared_ptr<CompletionSink> sink;
};

struct AsyncEngine::Call {
  uint64_t id = 0;
  Completion::Kind kind = Completion::Kind::kInfer;
  std::string method;
  std::shared_ptr<CompletionSink> sink;
  std::unique_ptr<grpc::ClientContext> context = std::make_unique<grpc::ClientContext>();
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  grpc::ByteBuffer response;
  grpc::Status status;
  PayloadLease* lease = nullptr;  // only when some input payload is borrowed
};

AsyncEngine::AsyncEngine(std::shared_ptr<grpc::Channel> channel, int threads)
    : channel_(std::move(channel)), stub_(channel_) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { poll_loop(); });
}

AsyncEngine::~AsyncEngine() { shutdown(); }

void AsyncEngine::start_infer(uint64_t id, const InferRequest& request, const CallOptions& options,
                              std::shared_ptr<CompletionSink> sink) {
  auto call = std::make_unique<Call>();
  call->id = id;
  call->kind = Completion::Kind::kInfer;
  call->sink = std::move(sink);
  options.apply(*call->context);
  const EncodedRequest encoded = encode_infer_request(request);
  if (encoded.borrowed_count() > 0) call->lease = new PayloadLease(call->id, call->sink);
  PayloadLease* lease = call->lease;
  const grpc::ByteBuffer sent =
      to_byte_buffer(encoded, [lease](const char* data, size_t size) { return lease->lend(data, size); });
  launch(std::move(call), method_path("ModelInfer"), sent);
}

void AsyncEngine::start_unary(uint64_t id, const std::string& method, const std::string& request_json,
                             const CallOptions& options, std::shared_ptr<CompletionSink> sink) {
  auto call = std::make_unique<Call>();
  call->id = id;
  call->kind = Completion::Kind::kMessage;
  call->method = method;
  call->sink = std::move(sink);
  options.apply(*call->context);
  grpc::ByteBuffer sent;
  call->status = encode_json_request(method, request_json, &sent);
  launch(std::move(call), method_path(method), sent);
}

void AsyncEngine::launch(std::unique_ptr<Call> call, const std::string& method, const grpc::ByteBuffer& request) {
  bool refuse = !call->status.ok();  // a request that could not even be encoded
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_ && !refuse) {
      call->status = grpc::Status(grpc::StatusCode::CANCELLED, "the client is closed");
      refuse = true;
    }
    ++undelivered_;
    if (!refuse) calls_.emplace(call->id, call.get());
  }
  if (refuse) {
    finish(call.release(), /*started=*/false);
    return;
  }
  Call* raw = call.release();  // owned by the completion queue until finish()
  raw->reader = stub_.PrepareUnaryCall(raw->context.get(), method, request, &queue_);
  raw->reader->StartCall();
  raw->reader->Finish(&raw->response, &raw->status, raw);
}

void AsyncEngine::poll_loop() {
  void* tag = nullptr;
  bool ok = false;
  while (queue_.Next(&tag, &ok)) finish(static_cast<Call*>(tag), /*started=*/true);
}

void AsyncEngine::finish(Call* call, bool started) {
  std::unique_ptr<Call> owned(call);
  if (started) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.erase(call->id);  // from here on cancel() cannot reach the context we destroy below
  }
  Completion done;
  done.id = call->id;
  done.kind = call->kind;
  done.status = call->status;
  if (started && done.status.ok()) {
    if (call->kind == Completion::Kind::kInfer) {
      done.status = decode_received_response(call->response, &done.response);
    } else {
      done.status = decode_response(call->method, call->response, &done.message);
    }
  }
  // Dropping the call lets gRPC release the request's slices, normally right here.
  call->reader.reset();
  call->context.reset();
  done.inputs_released = call->lease == nullptr || call->lease->release_on_completion();
  call->sink->push(std::move(done));

  std::lock_guard<std::mutex> lock(mu_);
  if (--undelivered_ == 0) drained_.notify_all();
}

void AsyncEngine::cancel(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = calls_.find(id);
  if (it != calls_.end()) it->second->context->TryCancel();
}

size_t AsyncEngine::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return undelivered_;
}

void AsyncEngine::shutdown() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (shutting_down_) {
      drained_.wait(lock, [this] { return shut_down_; });
      return;
    }
    shutting_down_ = true;
    for (auto& entry : calls_) entry.second->context->TryCancel();
    drained_.wait(lock, [this] { return undelivered_ == 0; });
  }
  queue_.Shutdown();
  for (auto& thread : threads_) thread.join();
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  drained_.notify_all();
}

}  // namespace tritonlink
