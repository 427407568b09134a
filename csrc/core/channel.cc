#include "channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace tritonlink {

std::shared_ptr<grpc::Channel> make_channel(const ChannelConfig& config) {
  grpc::ChannelArguments args;
  // Tensors are large: no message-size limit unless the caller sets one.
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  for (const auto& [key, value] : config.int_args) args.SetInt(key, value);
  for (const auto& [key, value] : config.string_args) args.SetString(key, value);
  return grpc::CreateCustomChannel(config.target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace tritonlink
