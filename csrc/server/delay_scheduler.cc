#include "delay_scheduler.h"

namespace tritonlink::server {

DelayScheduler::DelayScheduler() : thread_([this] { loop(); }) {}

DelayScheduler::~DelayScheduler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void DelayScheduler::run_after(Clock::duration delay, std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push({Clock::now() + delay, std::move(task)});
  }
  changed_.notify_all();
}

void DelayScheduler::hurry() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    hurried_ = true;
  }
  changed_.notify_all();
}

void DelayScheduler::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (entries_.empty()) {
      if (stopping_) return;
      changed_.wait(lock);
      continue;
    }
    // On shutdown, pending tasks run early rather than never: each completes an RPC.
    // A copy: wait_until unlocks, and a push meanwhile may move the queue's elements.
    const Clock::time_point due = entries_.top().due;
    if (!stopping_ && !hurried_ && Clock::now() < due) {
      changed_.wait_until(lock, due);
      continue;
    }
    auto task = std::move(const_cast<Entry&>(entries_.top()).task);
    entries_.pop();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace tritonlink::server
