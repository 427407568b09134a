#include "stream_call.h"

#include <optional>

#include "byte_buffers.h"
#include "unary_rpc.h"

namespace tritonlink {

StreamCall::StreamCall(uint64_t id, const CallOptions& options, std::shared_ptr<CompletionSink> sink,
                       size_t max_buffered, ClientMetrics* metrics)
    : EngineCall(id, std::move(sink)), credits_(max_buffered), metrics_(metrics) {
  options.apply(context());
}

void StreamCall::start(grpc::GenericStub& stub, grpc::CompletionQueue* queue) {
  std::lock_guard<std::mutex> lock(mu_);
  stream_ = stub.PrepareCall(&context(), method_path("ModelStreamInfer"), queue);
  ++operations_;
  stream_->StartCall(tag(Event::kStarted));
}

void StreamCall::refuse(grpc::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  finishing_ = writes_closed_ = true;
  status_ = std::move(status);
  end_locked();
}

grpc::Status StreamCall::send(uint64_t send_id, const InferRequest& request, bool* lent) {
  PendingWrite write;
  write.send_id = send_id;
  write.message = lend_request(request, write.lease);  // encoded before taking the lock
  if (metrics_) {
    ModelMetrics& model = metrics_->model(request.model_name);
    model.started(write.message.Length(), false);
    ModelMetrics* none = nullptr;
    first_model_.compare_exchange_strong(none, &model, std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (writes_closed_) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        finishing_ ? "the stream has ended" : "the stream is closed for sending");
  }
  *lent = write.lease.lent();
  writes_.push_back(std::move(write));
  write_next_locked();
  return grpc::Status::OK;
}

void StreamCall::consumed(size_t count) {
  credits_.fetch_add(count);
  // Pairs with read_next_locked(): either it sees these credits, or this sees it paused.
  if (!read_paused_.load()) return;
  std::lock_guard<std::mutex> lock(mu_);
  read_next_locked();
}

void StreamCall::close_writes() {
  std::lock_guard<std::mutex> lock(mu_);
  writes_closed_ = true;
  unlimited_reads_ = true;
  write_next_locked();
  read_next_locked();
}

void StreamCall::cancel() {
  EngineCall::cancel();
  // Reads end at once on a cancelled call; one must be pending to reach Finish.
  std::lock_guard<std::mutex> lock(mu_);
  writes_closed_ = true;
  unlimited_reads_ = true;
  read_next_locked();
}

void StreamCall::write_next_locked() {
  if (!started_ || writing_ || finishing_) return;
  if (!writes_.empty()) {
    writing_ = true;
    ++operations_;
    // With more requests queued behind it, gRPC may hold this one back to send them together
    // (fewer sendmsg calls); the last one queued goes without the hint, which flushes.
    grpc::WriteOptions options;
    if (writes_.size() > 1) options.set_buffer_hint();
    stream_->Write(writes_.front().message, options, tag(Event::kWriteDone));
  } else if (writes_closed_ && !writes_done_sent_) {
    writes_done_sent_ = true;
    ++operations_;
    stream_->WritesDone(tag(Event::kWritesDone));
  }
}

void StreamCall::read_next_locked() {
  if (!started_ || reading_ || finishing_) return;
  if (credits_.load() == 0 && !unlimited_reads_) {
    read_paused_.store(true);
    if (credits_.load() == 0) return;  // consumed() will see the pause and read
  }
  read_paused_.store(false);
  reading_ = true;
  ++operations_;
  stream_->Read(&read_buffer_, tag(Event::kReadDone));
}

void StreamCall::finish_locked() {
  if (finishing_) return;
  finishing_ = writes_closed_ = true;
  ++operations_;
  stream_->Finish(&status_, tag(Event::kFinished));
}

void StreamCall::release_write(PendingWrite& write) {
  const bool lent = write.lease.lent();
  write.message.Clear();
  // A lent write's consumer waits for a notice: sent now if gRPC already let go, else later.
  if (end_lease(write.lease, write.send_id, shared_sink()) && lent) push_inputs_released(sink(), write.send_id);
}

Completion StreamCall::decode_response() {
  Completion event;
  event.id = id();
  event.kind = Completion::Kind::kStream;
  event.final = false;
  StreamResponse decoded;
  event.status = decode_received_stream_response(read_buffer_, &decoded);
  const size_t received = read_buffer_.Length();
  read_buffer_.Clear();
  if (event.status.ok() && !decoded.error_message.empty()) {
    event.status = grpc::Status(grpc::StatusCode::UNKNOWN, decoded.error_message);  // the protocol sends no code
  } else if (event.status.ok() && !decoded.response) {
    event.status = grpc::Status(grpc::StatusCode::INTERNAL,
                                "a ModelStreamInferResponse with neither infer_response nor error_message");
  }
  event.response = std::move(decoded.response);
  if (metrics_) count_response(event, received);
  return event;
}

void StreamCall::count_response(const Completion& response, size_t bytes) {
  ModelMetrics* model = response.response ? &metrics_->model(response.response->model_name)
                                          : first_model_.load(std::memory_order_relaxed);
  if (model == nullptr) return;
  const auto now = MetricsClock::now();
  model->streamed(response.status, bytes);
  if (last_response_) {
    model->response_gap.record(now - *last_response_);
  } else {
    model->first_response.record(now - opened_);
  }
  last_response_ = now;
}

void StreamCall::end_locked() {
  finished_ = true;
  // What was never written goes back now; a write still with gRPC, when it reports.
  const size_t in_flight = writing_ ? 1 : 0;
  while (writes_.size() > in_flight) {
    release_write(writes_.back());
    writes_.pop_back();
  }
  Completion end;
  end.id = id();
  end.kind = Completion::Kind::kStream;
  end.final = true;
  end.status = status_;
  sink().push(std::move(end));
}

bool StreamCall::on_event(Event event, bool ok) {
  // Decoded before taking the lock, so that senders and the consumer do not wait on it: the
  // read buffer is the completion queue's alone until the next Read.
  std::optional<Completion> response;
  if (event == Event::kReadDone && ok) response = decode_response();
  std::lock_guard<std::mutex> lock(mu_);
  --operations_;
  switch (event) {
    case Event::kStarted:
      if (!ok) {
        finish_locked();  // the call never got going; Finish says why
        break;
      }
      started_ = true;
      write_next_locked();
      read_next_locked();
      break;
    case Event::kWriteDone:
      writing_ = false;
      release_write(writes_.front());
      writes_.pop_front();
      if (!ok) {
        // The stream is broken: take no more requests, and read on until Finish says why.
        writes_closed_ = unlimited_reads_ = true;
        read_next_locked();
      }
      write_next_locked();
      break;
    case Event::kReadDone:
      reading_ = false;
      if (ok) {
        if (credits_.load() > 0) credits_.fetch_sub(1);  // only this thread takes credits
        sink().push(std::move(*response));
        read_next_locked();
      } else {
        finish_locked();
      }
      break;
    case Event::kWritesDone:
      break;
    case Event::kFinished:
      end_locked();
      break;
  }
  if (!finished_ || operations_ > 0) return false;
  stream_.reset();
  release_context();
  return true;
}

}  // namespace tritonlink
