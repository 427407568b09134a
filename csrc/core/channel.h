// Channel construction: the target, our default channel arguments, and the caller's extras.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/channel.h>

namespace tritonlink {

// PEM-encoded TLS material; an empty string is "not given" (gRPC's default roots; no client
// certificate).
struct TlsConfig {
  std::string root_certificates;
  std::string private_key;  // with certificate_chain: the client's identity for mutual TLS
  std::string certificate_chain;
};

struct ChannelConfig {
  std::string target;            // "host:port", "dns:///name:port", "unix:/path"
  std::optional<TlsConfig> tls;  // plaintext when absent
  // Extra channel arguments; a key given here replaces our default for that key only.
  std::vector<std::pair<std::string, int>> int_args;
  std::vector<std::pair<std::string, std::string>> string_args;
};

std::shared_ptr<grpc::Channel> make_channel(const ChannelConfig& config);

}  // namespace tritonlink
