// ClientMetrics as Python dicts (see tritonlink.Client.metrics).
#pragma once

#include <pybind11/pybind11.h>

#include "client_metrics.h"

namespace tritonlink::bindings {

pybind11::dict metrics_to_python(const ClientMetrics& metrics);

}  // namespace tritonlink::bindings
