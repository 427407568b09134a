// Contiguous blocks for large received messages, reused instead of freshly mapped.
//
// A message that arrives in several slices is copied into one block so that numpy can view
// its tensors. A fresh block of 64 MiB costs 16,384 page faults, each zeroing a page: about
// as long as the copy itself. Blocks whose last view has gone back into a small pool instead,
// and a later message of a similar size takes one that is already resident.
#pragma once

#include <cstddef>
#include <memory>

namespace tritonlink {

// Blocks smaller than this come from malloc as usual (its arenas already reuse them).
constexpr size_t kPooledBlockMinBytes = 1 << 20;
// What the pool may hold while idle, at most: resident memory the process keeps after its
// largest calls, traded for not faulting it in again.
constexpr size_t kPoolMaxIdleBytes = 256u << 20;

// A block of at least `size` bytes; when the last reference goes it returns to the pool
// (or is freed if the pool is full). Throws std::bad_alloc.
std::shared_ptr<char> take_receive_block(size_t size);

// Frees every idle block (for tests and memory-conscious callers); returns the bytes freed.
size_t release_idle_receive_blocks();

}  // namespace tritonlink
