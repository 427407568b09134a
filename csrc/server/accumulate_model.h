// accumulate, a sequence model as Triton's sequence batcher runs one: IN INT32 [1] gives
// OUT INT32 [1], the running sum of IN over the request's sequence (its sequence_id, an
// integer or a string: 5 and "5" are different sequences), from the request that starts it
// (which resets the sum) to the one that ends it (which drops it). A request for a sequence
// that was never started, or has been idle for longer than a minute, is refused, in Triton's
// words.
#pragma once

#include <memory>

#include "model.h"

namespace tritonlink::server {

std::unique_ptr<Model> make_accumulate_model();

}  // namespace tritonlink::server
