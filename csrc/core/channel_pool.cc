#include "channel_pool.h"

#include <algorithm>

namespace tritonlink {
namespace {

// gRPC shares one subchannel (one connection) among channels whose target and arguments are
// equal; an argument that differs per channel gives each its own connection.
constexpr char kConnectionArg[] = "tritonlink.connection";

}  // namespace

ChannelPool::ChannelPool(const ChannelConfig& config, int size) {
  for (int i = 0; i < std::max(size, 1); ++i) {
    ChannelConfig own = config;
    own.int_args.emplace_back(kConnectionArg, i);
    stubs_.push_back(std::make_unique<grpc::GenericStub>(make_channel(own)));
  }
}

grpc::GenericStub& ChannelPool::next() {
  if (stubs_.size() == 1) return *stubs_.front();  // the common case skips the shared counter
  return *stubs_[turn_.fetch_add(1, std::memory_order_relaxed) % stubs_.size()];
}

}  // namespace tritonlink
