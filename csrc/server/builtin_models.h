// The embedded server's built-in models.
#pragma once

#include <memory>
#include <vector>

#include "delay_scheduler.h"
#include "model.h"

namespace tritonlink::server {

// identity, identity_<dtype> for every datatype, add_sub, echo_parameters, sleep, repeat
// (decoupled) and accumulate (a sequence model); `sleep` and `repeat` wait on `scheduler`.
std::vector<std::unique_ptr<Model>> make_builtin_models(DelayScheduler& scheduler);

}  // namespace tritonlink::server
