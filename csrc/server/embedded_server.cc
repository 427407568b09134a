#include "embedded_server.h"

#include <chrono>
#include <stdexcept>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "builtin_models.h"

namespace tritonlink::server {

EmbeddedServer::EmbeddedServer(const std::string& address)
    : service_(std::make_unique<InferenceService>(make_builtin_models(scheduler_))) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port_);
  builder.SetMaxReceiveMessageSize(-1);
  builder.SetMaxSendMessageSize(-1);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw std::runtime_error("embedded server could not listen on " + address);
}

EmbeddedServer::~EmbeddedServer() { shutdown(); }

void EmbeddedServer::shutdown() {
  scheduler_.hurry();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

void EmbeddedServer::wait() { server_->Wait(); }

}  // namespace tritonlink::server
