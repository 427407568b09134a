// repeat, a decoupled model: IN INT32 [N] (and the optional DELAY_MS UINT32 [N]) gives N
// responses, the i-th with OUT INT32 [1] = [IN[i]] and IDX UINT32 [1] = [i], sent DELAY_MS[i]
// milliseconds after the one before it, then the final flag. N = 0 gives only the final flag.
#pragma once

#include <memory>

#include "delay_scheduler.h"
#include "model.h"

namespace tritonlink::server {

// The delays run on `scheduler`: a waiting request holds no thread.
std::unique_ptr<Model> make_repeat_model(DelayScheduler& scheduler);

}  // namespace tritonlink::server
