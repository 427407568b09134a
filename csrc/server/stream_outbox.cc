#include "stream_outbox.h"

namespace tritonlink::server {

void StreamOutbox::request_started() {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_in_progress_;
}

void StreamOutbox::push(inference::ModelStreamInferResponse response) {
  Action action;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken_ || finishing_) return;
    queue_.push_back(std::move(response));
    action = next_action_locked();
  }
  perform(action);
}

void StreamOutbox::request_done(std::optional<inference::ModelStreamInferResponse> last) {
  Action action;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --requests_in_progress_;
    if (last && !broken_ && !finishing_) queue_.push_back(std::move(*last));
    action = next_action_locked();
  }
  perform(action);
}

void StreamOutbox::write_done(bool ok) {
  Action action;
  {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    queue_.pop_front();
    if (!ok) {
      broken_ = true;
      drop_unsent_locked();
    }
    action = next_action_locked();
  }
  perform(action);
}

void StreamOutbox::reads_done() {
  Action action;
  {
    std::lock_guard<std::mutex> lock(mu_);
    reads_done_ = true;
    action = next_action_locked();
  }
  perform(action);
}

void StreamOutbox::cancelled() {
  Action action;
  {
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = true;
    drop_unsent_locked();
    action = next_action_locked();
  }
  perform(action);
}

void StreamOutbox::close() {
  Action action;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    action = next_action_locked();
  }
  perform(action);
}

bool StreamOutbox::closing() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closing_;
}

void StreamOutbox::drop_unsent_locked() {
  // The response being written stays until its write completes: gRPC still reads it.
  queue_.erase(writing_ ? queue_.begin() + 1 : queue_.begin(), queue_.end());
}

StreamOutbox::Action StreamOutbox::next_action_locked() {
  Action action;
  if (finishing_ || writing_) return action;
  if (!broken_ && !queue_.empty()) {
    writing_ = true;
    action.write = &queue_.front();  // a deque keeps its elements in place as it grows
    return action;
  }
  // A broken stream ends at once; requests still in progress find it finished and drop
  // their responses.
  if (broken_) {
    action.finish = grpc::Status::CANCELLED;
  } else if (requests_in_progress_ == 0 && queue_.empty() && (reads_done_ || closing_)) {
    action.finish =
        reads_done_ ? grpc::Status::OK : grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down");
  }
  finishing_ = action.finish.has_value();
  return action;
}

void StreamOutbox::perform(const Action& action) {
  if (action.write != nullptr) reactor_->StartWrite(action.write);
  if (action.finish) reactor_->Finish(*action.finish);
}

}  // namespace tritonlink::server
