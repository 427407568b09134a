// Process-wide settings for the gRPC libraries this process runs on.
#pragma once

namespace tritonlink {

// Turns off abseil's Mutex deadlock detection, which builds of abseil without NDEBUG (Debian's,
// and so the libraries our wheel bundles) run on every lock gRPC takes: a lookup in one global
// graph, under one global spin lock, per lock and per mutex destroyed. Safe to call more than
// once; call it before threads take gRPC locks.
void disable_lock_order_checks();

}  // namespace tritonlink
