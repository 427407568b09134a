// Triton datatypes <-> numpy dtypes, from the core's table (csrc/core/datatypes.h). GIL held.
#pragma once

#include <string>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "datatypes.h"

namespace tritonlink::bindings {

// The datatype of an array the wire takes as it is (C-contiguous, not big-endian, a fixed-size
// type of numpy's own); null for any other array. This test runs for every dict input.
const Datatype* sendable_datatype(const pybind11::array& array);

// The Triton datatype that carries arrays of `dtype` (object and S arrays: BYTES; ml_dtypes'
// bfloat16: BF16); TypeError for a dtype the protocol cannot carry.
const Datatype& datatype_of(const pybind11::dtype& dtype);

// The numpy dtype for `datatype` (object for BYTES; ml_dtypes.bfloat16 for BF16, imported on
// each use so that it stays optional). `what` names the tensor in the ValueError for an unknown
// name and the ImportError without ml_dtypes.
pybind11::dtype numpy_dtype(const std::string& datatype, const std::string& what);

// What is sent for an input of `datatype`: the array itself when C-contiguous and little-endian,
// else one converted copy; for BYTES the length-prefixed elements, serialized into one buffer.
pybind11::array wire_payload(const std::string& name, const Datatype& datatype, const pybind11::array& array);

void register_datatypes(pybind11::module_& m);

}  // namespace tritonlink::bindings
