#include "grpc_runtime.h"

#include <absl/synchronization/mutex.h>

namespace tritonlink {

void disable_lock_order_checks() { absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore); }

}  // namespace tritonlink
