#include "embedded_server.h"

#include <chrono>
#include <stdexcept>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "builtin_models.h"

namespace tritonlink::server {

namespace {

std::shared_ptr<grpc::ServerCredentials> credentials(const ServerOptions& options) {
  if (!options.tls) return grpc::InsecureServerCredentials();
  const ServerTls& tls = *options.tls;
  grpc::SslServerCredentialsOptions ssl(tls.client_ca.empty()
                                            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = tls.client_ca;
  ssl.pem_key_cert_pairs.push_back({tls.private_key, tls.certificate_chain});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

EmbeddedServer::EmbeddedServer(const std::string& address, const ServerOptions& options) {
  service_ = std::make_unique<InferenceService>(make_builtin_models(scheduler_), options.header_forward_pattern);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, credentials(options), &port_);
  builder.SetMaxReceiveMessageSize(-1);
  builder.SetMaxSendMessageSize(-1);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw std::runtime_error("embedded server could not listen on " + address);
}

EmbeddedServer::~EmbeddedServer() { shutdown(); }

void EmbeddedServer::shutdown() {
  scheduler_.hurry();
  service_->close_streams();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

void EmbeddedServer::wait() { server_->Wait(); }

}  // namespace tritonlink::server
