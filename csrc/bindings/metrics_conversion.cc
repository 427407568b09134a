#include "metrics_conversion.h"

#include <utility>
#include <vector>

namespace py = pybind11;

namespace tritonlink::bindings {
namespace {

constexpr std::pair<const char*, double> kQuantiles[] = {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p999", 0.999}};

// {count, sum_s, p50_s .. p999_s, buckets: [(upper bound in s, count), ...] of non-empty buckets}.
py::dict histogram_to_python(const LatencyHistogram& histogram) {
  const LatencyHistogram::Snapshot taken = histogram.snapshot();
  py::dict out;
  out["count"] = taken.count;
  out["sum_s"] = static_cast<double>(taken.sum_ns) * 1e-9;
  for (const auto& [name, q] : kQuantiles) out[name] = taken.quantile_ns(q) * 1e-9;
  py::list buckets;
  for (size_t i = 0; i < taken.counts.size(); ++i) {
    if (taken.counts[i] == 0) continue;
    buckets.append(py::make_tuple(static_cast<double>(LatencyHistogram::lower_ns(i + 1)) * 1e-9, taken.counts[i]));
  }
  out["buckets"] = buckets;
  return out;
}

py::dict model_to_python(const ModelMetrics& model) {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  py::dict out;
  out["requests"] = model.requests.load(kRelaxed);
  out["in_flight"] = model.in_flight.load(kRelaxed);
  out["bytes_sent"] = model.bytes_sent.load(kRelaxed);
  out["bytes_received"] = model.bytes_received.load(kRelaxed);
  py::dict by_status;
  for (size_t code = 0; code < ModelMetrics::kStatusCodes; ++code) {
    if (const uint64_t count = model.by_status[code].load(kRelaxed)) by_status[py::int_(code)] = count;
  }
  out["by_status"] = by_status;
  out["latency"] = histogram_to_python(model.latency);
  out["first_response"] = histogram_to_python(model.first_response);
  out["response_gap"] = histogram_to_python(model.response_gap);
  return out;
}

}  // namespace

py::dict metrics_to_python(const ClientMetrics& metrics) {
  std::vector<const ModelMetrics*> models;
  {
    py::gil_scoped_release nogil;  // reading the counters needs no Python
    models = metrics.models();
  }
  py::dict out;
  for (const ModelMetrics* model : models) out[py::str(model->model)] = model_to_python(*model);
  return out;
}

}  // namespace tritonlink::bindings
