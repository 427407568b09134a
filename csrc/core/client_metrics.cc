#include "client_metrics.h"

#include <functional>
#include <memory>

namespace tritonlink {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

}  // namespace

void ModelMetrics::started(size_t bytes, bool unary) {
  requests.fetch_add(1, kRelaxed);
  bytes_sent.fetch_add(bytes, kRelaxed);
  if (unary) in_flight.fetch_add(1, kRelaxed);
}

void ModelMetrics::finished(const grpc::Status& status, MetricsClock::duration elapsed, size_t bytes) {
  in_flight.fetch_sub(1, kRelaxed);
  bytes_received.fetch_add(bytes, kRelaxed);
  by_status[static_cast<size_t>(status.error_code()) % kStatusCodes].fetch_add(1, kRelaxed);
  latency.record(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed));
}

void ModelMetrics::streamed(const grpc::Status& status, size_t bytes) {
  bytes_received.fetch_add(bytes, kRelaxed);
  by_status[static_cast<size_t>(status.error_code()) % kStatusCodes].fetch_add(1, kRelaxed);
}

ClientMetrics::~ClientMetrics() {
  for (auto& slot : slots_) std::unique_ptr<ModelMetrics> owned(slot.load());
}

ModelMetrics& ClientMetrics::model(const std::string& name) {
  const size_t start = std::hash<std::string>{}(name);
  for (size_t probe = 0; probe < kModels; ++probe) {
    auto& slot = slots_[(start + probe) % kModels];
    ModelMetrics* found = slot.load(std::memory_order_acquire);
    if (found == nullptr) {
      auto made = std::make_unique<ModelMetrics>(name);
      if (slot.compare_exchange_strong(found, made.get(), std::memory_order_acq_rel)) return *made.release();
      // Another thread claimed this slot first: `found` is now what it put there.
    }
    if (found->model == name) return *found;
  }
  return other_;
}

std::vector<const ModelMetrics*> ClientMetrics::models() const {
  std::vector<const ModelMetrics*> all;
  for (const auto& slot : slots_) {
    if (const ModelMetrics* entry = slot.load(std::memory_order_acquire)) all.push_back(entry);
  }
  if (other_.requests.load(kRelaxed) > 0) all.push_back(&other_);
  return all;
}

}  // namespace tritonlink
