// One request read from a ModelStreamInfer stream: handed to its model, and what the model
// answers turned into stream responses of the shapes real Triton gives them:
// - a response of a decoupled model: the request's id, model name and version, outputs, and
//   the parameter triton_final_response = false;
// - its final flag: nothing, or, when the request asked for it with
//   triton_enable_empty_final_response, a response with the id and model name, no version, no
//   outputs, and triton_final_response = true;
// - an error the model answers with: error_message, and an infer_response with the id, model
//   name and triton_final_response = true;
// - the response of any other model: as a unary ModelInfer's, plus triton_final_response = true;
// - a refused request (unknown model, bad input, sequence error): error_message, and an
//   infer_response with only the request's id.
// The stream goes on after an error.
#pragma once

#include <memory>

#include "grpc_service.pb.h"
#include "model_repository.h"
#include "shared_memory_registry.h"
#include "statistics.h"
#include "stream_outbox.h"

namespace tritonlink::server {

// Answers `request` through `outbox`, which was told of it (request_started) and hears once
// that it is done. `received`: when the stream read it, for the model's statistics. Tensors it
// places in shared memory are read from and written into `shared_memory`'s regions.
void answer_streamed_request(const ModelRepository& repository, const SharedMemoryRegistry& shared_memory,
                             std::shared_ptr<StreamOutbox> outbox,
                             std::unique_ptr<inference::ModelInferRequest> request,
                             InferenceStatistics::Clock::time_point received);

}  // namespace tritonlink::server
