// The client addresses (grpc::ServerContext::peer(), e.g. "ipv4:127.0.0.1:41234") that sent
// inference requests: one per client connection, so tests can count connections.
#pragma once

#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace tritonlink::server {

class PeerLog {
 public:
  void record(std::string peer);
  std::vector<std::string> seen() const;

 private:
  mutable std::mutex mu_;
  std::unordered_set<std::string> peers_;
};

}  // namespace tritonlink::server
