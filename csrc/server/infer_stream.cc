#include "infer_stream.h"

#include <vector>

#include "statistics.h"
#include "streamed_request.h"

namespace tritonlink::server {

InferStream::InferStream(grpc::CallbackServerContext* context, const ModelRepository& repository,
                         const SharedMemoryRegistry& shared_memory, const HeaderForwarding& header_forwarding,
                         OpenStreams& open_streams)
    : context_(context), repository_(repository), shared_memory_(shared_memory), header_forwarding_(header_forwarding),
      open_streams_(open_streams), outbox_(std::make_shared<StreamOutbox>(this)) {
  StartRead(&next_request_);
}

void InferStream::OnReadDone(bool ok) {
  if (!ok) return outbox_->reads_done();
  if (outbox_->closing()) return;  // shutting down: nothing more is read
  const auto received = InferenceStatistics::Clock::now();
  auto request = std::make_unique<inference::ModelInferRequest>(std::move(next_request_));
  header_forwarding_.apply(*context_, *request);
  outbox_->request_started();
  answer_streamed_request(repository_, shared_memory_, outbox_, std::move(request), received);
  StartRead(&next_request_);
}

void InferStream::OnDone() { open_streams_.remove(this); }

InferStream* OpenStreams::add(std::unique_ptr<InferStream> stream) {
  InferStream* added = stream.get();
  bool closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    streams_.emplace(added, std::move(stream));
    closing = closing_;
  }
  if (closing) added->outbox()->close();
  return added;
}

void OpenStreams::remove(InferStream* stream) {
  std::unique_ptr<InferStream> removed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = streams_.find(stream);
    removed = std::move(it->second);
    streams_.erase(it);
  }
}

void OpenStreams::close_all() {
  std::vector<std::shared_ptr<StreamOutbox>> outboxes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    for (const auto& [stream, owned] : streams_) outboxes.push_back(stream->outbox());
  }
  // Outside the lock: closing may finish a stream, and gRPC may then run its OnDone here.
  for (const auto& outbox : outboxes) outbox->close();
}

}  // namespace tritonlink::server
