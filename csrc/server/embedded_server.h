// The embedded Triton-protocol test server: built-in models behind a grpc++ server.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/server.h>

#include "delay_scheduler.h"
#include "inference_service.h"

namespace tritonlink::server {

class EmbeddedServer {
 public:
  // Listens on `address` ("127.0.0.1:0" picks a free port); throws std::runtime_error if it
  // cannot bind.
  explicit EmbeddedServer(const std::string& address);
  ~EmbeddedServer();
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  int port() const { return port_; }
  // Finishes in-flight requests (delayed ones early) and stops. Safe to call twice.
  void shutdown();
  // Blocks until the server has shut down.
  void wait();

 private:
  DelayScheduler scheduler_;  // declared first: destroyed after the server that feeds it
  std::unique_ptr<InferenceService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace tritonlink::server
