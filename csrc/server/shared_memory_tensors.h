// Tensors placed in shared memory: a tensor whose parameters name shared_memory_region (with
// shared_memory_offset and shared_memory_byte_size) lives in that registered region.
#pragma once

#include <grpcpp/support/status.h>

#include "grpc_service.pb.h"
#include "shared_memory_registry.h"

namespace tritonlink::server {

// Gives every input placed in shared memory a raw_input_contents entry of its own, read from the
// region, so that models see one entry per input (a request with no such input is left as it is).
grpc::Status read_shared_memory_inputs(const SharedMemoryRegistry& registry, inference::ModelInferRequest& request);

// Writes each output the request placed in shared memory into its region and leaves that
// output's raw_output_contents entry empty, as Triton does (entries stay aligned with outputs).
grpc::Status write_shared_memory_outputs(const SharedMemoryRegistry& registry,
                                         const inference::ModelInferRequest& request,
                                         inference::ModelInferResponse& response);

}  // namespace tritonlink::server
