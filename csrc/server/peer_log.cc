#include "peer_log.h"

namespace tritonlink::server {

void PeerLog::record(std::string peer) {
  std::lock_guard<std::mutex> lock(mu_);
  peers_.insert(std::move(peer));
}

std::vector<std::string> PeerLog::seen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {peers_.begin(), peers_.end()};
}

}  // namespace tritonlink::server
