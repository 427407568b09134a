// Between our byte representations and gRPC's ByteBuffer.
#pragma once

#include <functional>
#include <memory>

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>
#include <grpcpp/support/status.h>

#include "infer_request.h"
#include "infer_response.h"

namespace tritonlink {

// Makes the slice for a borrowed piece; the caller decides how its release is tracked.
using LendSlice = std::function<grpc::Slice(const char* data, size_t size)>;

// The encoded request as slices: owned pieces copied (they are small), borrowed pieces lent.
grpc::ByteBuffer to_byte_buffer(const EncodedRequest& encoded, const LendSlice& lend);

// A received message as one contiguous block: gRPC's own slice when it arrived in one piece,
// otherwise one copy into a pooled block (receive_blocks.h).
MessageBytes contiguous_bytes(const grpc::ByteBuffer& buffer);

// Decodes a received ModelInferResponse; INTERNAL for bytes that are not one,
// RESOURCE_EXHAUSTED when no block can be allocated for it.
grpc::Status decode_received_response(const grpc::ByteBuffer& received, std::shared_ptr<InferResponse>* response);

}  // namespace tritonlink
