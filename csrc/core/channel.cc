#include "channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace tritonlink {
namespace {

std::shared_ptr<grpc::ChannelCredentials> credentials(const ChannelConfig& config) {
  if (!config.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = config.tls->root_certificates;
  options.pem_private_key = config.tls->private_key;
  options.pem_cert_chain = config.tls->certificate_chain;
  return grpc::SslCredentials(options);
}

}  // namespace

std::shared_ptr<grpc::Channel> make_channel(const ChannelConfig& config) {
  grpc::ChannelArguments args;
  // Tensors are large: no message-size limit unless the caller sets one. gRPC reads the first
  // value of a repeated key, so a default is set only where the caller gave none.
  auto given = [&config](const char* key) {
    for (const auto& arg : config.int_args) {
      if (arg.first == key) return true;
    }
    return false;
  };
  if (!given(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH)) args.SetMaxReceiveMessageSize(-1);
  if (!given(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH)) args.SetMaxSendMessageSize(-1);
  for (const auto& [key, value] : config.int_args) args.SetInt(key, value);
  for (const auto& [key, value] : config.string_args) args.SetString(key, value);
  return grpc::CreateCustomChannel(config.target, credentials(config), args);
}

}  // namespace tritonlink
