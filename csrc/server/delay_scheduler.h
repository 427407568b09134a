// Runs callbacks after a delay on one timer thread, so that a waiting request holds no
// server thread (the `sleep` model).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace tritonlink::server {

class DelayScheduler {
 public:
  using Clock = std::chrono::steady_clock;

  DelayScheduler();
  ~DelayScheduler();  // runs whatever is still scheduled, at once, then joins
  DelayScheduler(const DelayScheduler&) = delete;
  DelayScheduler& operator=(const DelayScheduler&) = delete;

  void run_after(Clock::duration delay, std::function<void()> task);

  // From now on every task, pending or new, is due at once: used on shutdown so that no
  // delayed RPC keeps the server waiting.
  void hurry();

 private:
  struct Entry {
    Clock::time_point due;
    std::function<void()> task;
    bool operator>(const Entry& other) const { return due > other.due; }
  };
  void loop();

  std::mutex mu_;
  std::condition_variable changed_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> entries_;
  bool stopping_ = false;
  bool hurried_ = false;
  std::thread thread_;
};

}  // namespace tritonlink::server
