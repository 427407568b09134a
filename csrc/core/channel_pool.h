// A fixed set of channels to one target, each on its own HTTP/2 connection, handed out in
// turn so that calls spread over the connections.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <grpcpp/generic/generic_stub.h>

#include "channel.h"

namespace tritonlink {

class ChannelPool {
 public:
  // `size` channels (at least one) made from `config`.
  ChannelPool(const ChannelConfig& config, int size);

  size_t size() const { return stubs_.size(); }
  // The stub of the next channel in round-robin order. Lock-free; safe from any thread.
  grpc::GenericStub& next();

 private:
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::atomic<size_t> turn_{0};
};

}  // namespace tritonlink
