#include "engine_call.h"

namespace tritonlink {

EngineCall::EngineCall(uint64_t id, std::shared_ptr<CompletionSink> sink) : id_(id), sink_(std::move(sink)) {
  for (size_t i = 0; i < kEventCount; ++i) tags_[i] = Tag{this, static_cast<Event>(i)};
}

void EngineCall::cancel() {
  std::lock_guard<std::mutex> lock(context_mu_);
  if (context_) context_->TryCancel();
}

void EngineCall::release_context() {
  std::unique_ptr<grpc::ClientContext> released;
  std::lock_guard<std::mutex> lock(context_mu_);
  released = std::move(context_);
}

void EngineCall::renew_context() {
  auto fresh = std::make_unique<grpc::ClientContext>();
  std::lock_guard<std::mutex> lock(context_mu_);
  context_.swap(fresh);
}

void push_inputs_released(CompletionSink& sink, uint64_t id) {
  Completion released;
  released.id = id;
  released.kind = Completion::Kind::kInputsReleased;
  sink.push(std::move(released));
}

bool end_lease(PayloadLease& lease, uint64_t id, const std::shared_ptr<CompletionSink>& sink) {
  return lease.end([id, sink] { push_inputs_released(*sink, id); });
}

}  // namespace tritonlink
