// Request/response parameters: the values an InferParameter can hold, and their wire codec.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "wire.h"

namespace tritonlink {

// The oneof InferParameter.parameter_choice, in field-number order (bool=1 ... uint64=5).
using ParameterValue = std::variant<bool, int64_t, std::string, double, uint64_t>;
using Parameters = std::vector<std::pair<std::string, ParameterValue>>;

// Appends `parameters` as entries of the map field `field` (map<string, InferParameter>).
void put_parameters(std::string& out, uint32_t field, const Parameters& parameters);

// Decodes one map entry (key=1, value=2) and appends it to `parameters`.
void read_parameter_entry(std::string_view entry_bytes, Parameters& parameters);

}  // namespace tritonlink
