// Channel construction: the target, our default channel arguments, and the caller's extras.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/channel.h>

namespace tritonlink {

struct ChannelConfig {
  std::string target;  // "host:port", "dns:///name:port", "unix:/path"
  // Extra channel arguments; a key given here replaces our default for that key only.
  std::vector<std::pair<std::string, int>> int_args;
  std::vector<std::pair<std::string, std::string>> string_args;
};

std::shared_ptr<grpc::Channel> make_channel(const ChannelConfig& config);

}  // namespace tritonlink
