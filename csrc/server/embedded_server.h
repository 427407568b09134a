// The embedded Triton-protocol test server: built-in models behind a grpc++ server.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/server.h>

#include "delay_scheduler.h"
#include "inference_service.h"

namespace tritonlink::server {

// PEM-encoded TLS material of the server. With a client CA, clients must present a
// certificate it signed (mutual TLS).
struct ServerTls {
  std::string certificate_chain;
  std::string private_key;
  std::string client_ca;  // empty: client certificates are not asked for
};

struct ServerOptions {
  std::optional<ServerTls> tls;        // plaintext when absent
  std::string header_forward_pattern;  // see InferenceService
};

class EmbeddedServer {
 public:
  // Listens on `address` ("127.0.0.1:0" picks a free port); throws std::runtime_error if it
  // cannot bind (or its TLS material is unusable), std::regex_error for a bad pattern.
  explicit EmbeddedServer(const std::string& address, const ServerOptions& options = {});
  ~EmbeddedServer();
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  int port() const { return port_; }
  // The client connections that have sent inference requests (see PeerLog).
  std::vector<std::string> peers() const { return service_->peers(); }
  // Finishes in-flight requests (delayed ones early), ends open streams and stops. Safe to
  // call twice.
  void shutdown();
  // Blocks until the server has shut down.
  void wait();

 private:
  // Destroyed in reverse: the server first, then the scheduler, whose last tasks (answers to
  // requests of streams that have gone) still reach the service's models.
  std::unique_ptr<InferenceService> service_;
  DelayScheduler scheduler_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace tritonlink::server
