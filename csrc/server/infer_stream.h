// ModelStreamInfer: one bidirectional stream of inference requests and their responses.
// Requests are read one after another and handed to their models as they come; responses go
// out as the models answer (see streamed_request.h for their shapes), through the stream's
// outbox. No thread of its own: reads, writes and models' answers arrive on gRPC's threads or
// the DelayScheduler's.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include <grpcpp/server_context.h>

#include "grpc_service.pb.h"
#include "header_forwarding.h"
#include "model_repository.h"
#include "shared_memory_registry.h"
#include "stream_outbox.h"

namespace tritonlink::server {

class OpenStreams;

class InferStream final : public StreamReactor {
 public:
  InferStream(grpc::CallbackServerContext* context, const ModelRepository& repository,
              const SharedMemoryRegistry& shared_memory, const HeaderForwarding& header_forwarding,
              OpenStreams& open_streams);

  std::shared_ptr<StreamOutbox> outbox() const { return outbox_; }

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override { outbox_->write_done(ok); }
  void OnCancel() override { outbox_->cancelled(); }
  void OnDone() override;

 private:
  grpc::CallbackServerContext* context_;
  const ModelRepository& repository_;
  const SharedMemoryRegistry& shared_memory_;
  const HeaderForwarding& header_forwarding_;
  OpenStreams& open_streams_;
  std::shared_ptr<StreamOutbox> outbox_;       // shared with the requests in progress, which may outlive the stream
  inference::ModelInferRequest next_request_;  // where the next read lands
};

// The streams a server has open. It owns them (gRPC's callback API takes a bare reactor and
// says when it is done), so that shutting down can end each one.
class OpenStreams {
 public:
  // Keeps `stream` until it is done; once closing, closes it at once.
  InferStream* add(std::unique_ptr<InferStream> stream);
  // Called as the stream's last act: destroys it.
  void remove(InferStream* stream);
  // The server is shutting down: every stream, open or yet to come, is closed.
  void close_all();

 private:
  std::mutex mu_;
  std::unordered_map<InferStream*, std::unique_ptr<InferStream>> streams_;
  bool closing_ = false;
};

}  // namespace tritonlink::server
