// Between our byte representations and gRPC's ByteBuffer.
#pragma once

#include <functional>

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include "infer_request.h"
#include "infer_response.h"

namespace tritonlink {

// Makes the slice for a borrowed piece; the caller decides how its release is tracked.
using LendSlice = std::function<grpc::Slice(const char* data, size_t size)>;

// The encoded request as slices: owned pieces copied (they are small), borrowed pieces lent.
grpc::ByteBuffer to_byte_buffer(const EncodedRequest& encoded, const LendSlice& lend);

// A received message as one contiguous block: gRPC's own slice when it arrived in one piece,
// otherwise one copy.
MessageBytes contiguous_bytes(const grpc::ByteBuffer& buffer);

}  // namespace tritonlink
