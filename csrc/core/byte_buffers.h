// Between our byte representations and gRPC's ByteBuffer.
#pragma once

#include <memory>

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>
#include <grpcpp/support/status.h>

#include "infer_request.h"
#include "infer_response.h"
#include "payload_lease.h"
#include "stream_response.h"

namespace tritonlink {

// `request` encoded as slices: owned pieces copied (they are small), the large payloads lent
// to gRPC through `lease`. Every call and stream write builds its message here.
grpc::ByteBuffer lend_request(const InferRequest& request, PayloadLease& lease);

// A received message as one contiguous block: gRPC's own slice when it arrived in one piece,
// otherwise one copy into a pooled block (receive_blocks.h).
MessageBytes contiguous_bytes(const grpc::ByteBuffer& buffer);

// Decodes a received ModelInferResponse; INTERNAL for bytes that are not one,
// RESOURCE_EXHAUSTED when no block can be allocated for it.
grpc::Status decode_received_response(const grpc::ByteBuffer& received, std::shared_ptr<InferResponse>* response);

// The same for a ModelStreamInferResponse.
grpc::Status decode_received_stream_response(const grpc::ByteBuffer& received, StreamResponse* response);

}  // namespace tritonlink
