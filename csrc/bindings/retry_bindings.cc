// The retry policy's compiled form, and the status classes tritonlink.errors is built from.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "retry_policy.h"
#include "status_classes.h"

namespace py = pybind11;

namespace tritonlink::bindings {

void register_retry(py::module_& m) {
  py::class_<RetryPolicy, std::shared_ptr<RetryPolicy>>(m, "RetryPolicy",
                                                        "A checked tritonlink.RetryPolicy, as calls take it.")
      .def(py::init([](int max_attempts, double initial_backoff_s, double max_backoff_s, double multiplier,
                       double jitter, const std::vector<int>& retry_on, bool retry_after_send) {
             auto policy = std::make_shared<RetryPolicy>();
             policy->max_attempts = max_attempts;
             policy->initial_backoff_s = initial_backoff_s;
             policy->max_backoff_s = max_backoff_s;
             policy->multiplier = multiplier;
             policy->jitter = jitter;
             policy->retry_on.clear();
             for (int code : retry_on) policy->retry_on.push_back(static_cast<grpc::StatusCode>(code));
             policy->retry_after_send = retry_after_send;
             return policy;
           }),
           py::arg("max_attempts"), py::arg("initial_backoff_s"), py::arg("max_backoff_s"), py::arg("multiplier"),
           py::arg("jitter"), py::arg("retry_on"), py::arg("retry_after_send"))
      .def(
          "backoff", [](const RetryPolicy& policy, int attempt) { return policy.backoff(attempt).count(); },
          py::arg("attempt"), "Seconds waited after attempt `attempt` fails, before jitter.")
      .def(
          "covers",
          [](const RetryPolicy& policy, int code, const std::string& message) {
            return policy.covers(grpc::Status(static_cast<grpc::StatusCode>(code), message));
          },
          py::arg("code"), py::arg("message"), "Whether a failed attempt with this status is tried again.");

  m.def(
      "status_class",
      [](int code) {
        const StatusClass found = status_class(static_cast<grpc::StatusCode>(code));
        return py::make_tuple(found.retryable, found.may_have_executed);
      },
      py::arg("code"), "(retryable, may_have_executed) of a gRPC status code.");
  m.def(
      "never_sent",
      [](int code, const std::string& message) { return never_sent(static_cast<grpc::StatusCode>(code), message); },
      py::arg("code"), py::arg("message"), "Whether the status says the request never left the client.");
}

}  // namespace tritonlink::bindings
