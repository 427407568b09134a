// One unary RPC on raw bytes, run to completion on the calling thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

namespace tritonlink {

// Polled while a call is waiting (every kInterruptPollInterval); returning true cancels the
// call. Lets a Python caller stop a long wait with Ctrl-C.
using InterruptCheck = std::function<bool()>;

// Runs `method` with `request` and fills `response`. The calling thread drives its own
// completion queue, so no other thread is woken on the way.
grpc::Status blocking_unary_call(grpc::GenericStub& stub, grpc::ClientContext& context, const std::string& method,
                                 const grpc::ByteBuffer& request, grpc::ByteBuffer* response,
                                 const InterruptCheck& interrupted);

// Waits `duration` on the calling thread, polling `interrupted` as a call would; false if it
// interrupted the wait.
bool sleep_unless_interrupted(std::chrono::nanoseconds duration, const InterruptCheck& interrupted);

}  // namespace tritonlink
