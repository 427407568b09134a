#include "receive_blocks.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace tritonlink {
namespace {

struct Block {
  char* data;
  size_t capacity;
};

class BlockPool {
 public:
  std::shared_ptr<char> take(size_t size) {
    Block block{nullptr, size};
    if (size >= kPooledBlockMinBytes) block = take_idle(size);
    if (block.data == nullptr) {
      block.data = static_cast<char*>(std::malloc(block.capacity));
      if (block.data == nullptr) throw std::bad_alloc();
    }
    if (block.capacity < kPooledBlockMinBytes) return std::shared_ptr<char>(block.data, std::free);
    return std::shared_ptr<char>(block.data, [this, capacity = block.capacity](char* data) {
      give_back({data, capacity});
    });
  }

  size_t release_idle() {
    std::vector<Block> freed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      freed.swap(idle_);
      idle_bytes_ = 0;
    }
    size_t bytes = 0;
    for (const Block& block : freed) {
      bytes += block.capacity;
      std::free(block.data);
    }
    return bytes;
  }

 private:
  // The smallest idle block that fits without wasting more than the size asked for.
  Block take_idle(size_t size) {
    std::lock_guard<std::mutex> lock(mu_);
    auto best = idle_.end();
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      if (it->capacity >= size && it->capacity / 2 <= size && (best == idle_.end() || it->capacity < best->capacity)) {
        best = it;
      }
    }
    if (best == idle_.end()) return {nullptr, size};
    const Block block = *best;
    idle_.erase(best);
    idle_bytes_ -= block.capacity;
    return block;
  }

  void give_back(Block block) {
    std::vector<Block> evicted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (block.capacity > kPoolMaxIdleBytes) {
        evicted.push_back(block);
      } else {
        // Oldest first out, until the newcomer fits.
        auto keep_from = idle_.begin();
        while (idle_bytes_ + block.capacity > kPoolMaxIdleBytes) {
          idle_bytes_ -= keep_from->capacity;
          evicted.push_back(*keep_from++);
        }
        idle_.erase(idle_.begin(), keep_from);
        idle_.push_back(block);
        idle_bytes_ += block.capacity;
      }
    }
    for (const Block& gone : evicted) std::free(gone.data);
  }

  std::mutex mu_;
  std::vector<Block> idle_;  // oldest first
  size_t idle_bytes_ = 0;
};

BlockPool& pool() {
  static auto* instance = new BlockPool;  // never destroyed: blocks may be returned during exit
  return *instance;
}

}  // namespace

std::shared_ptr<char> take_receive_block(size_t size) { return pool().take(size); }

size_t release_idle_receive_blocks() { return pool().release_idle(); }

}  // namespace tritonlink
