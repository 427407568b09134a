"""The hand-written ModelInfer codec, checked against protobuf's own (tritonclient's classes).

tritonlink encodes ModelInferRequest and decodes ModelInferResponse without protobuf
(csrc/core/infer_request.cc, infer_response.cc, parameters.cc, wire.h). These tests drive the
sans-IO entry points in ``tritonlink._core`` with hypothesis-generated data:

* the encoder's bytes must parse, with protobuf, into exactly the message tritonclient builds
  from the same data;
* the decoder must read back every field of a message tritonclient serialized, with tensors
  as read-only numpy views over the response bytes;
* malformed bytes must raise ValueError and never crash or read out of bounds.
"""

from __future__ import annotations

import gc
import math
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from google.protobuf import unknown_fields
from tritonclient.grpc import service_pb2 as pb

import tritonlink
from tritonlink import _core
from tritonlink._datatypes import numpy_dtype

# Moderate example counts: the whole file runs in well under 20 s.
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

INT64_MIN, INT64_MAX, UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1

# Every fixed-size Triton datatype, with the little-endian dtype the protocol sends it as.
FIXED_SIZE_DATATYPES = ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
                        "FP16", "FP32", "FP64"]
ALL_VIEW_DTYPES = sorted({numpy_dtype(t) for t in FIXED_SIZE_DATATYPES}, key=str)


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

# Each kind an InferParameter can hold, at its edges: int64 extremes, uint64 above int64's
# range (which must travel as uint64_param), every double bit pattern kind, unicode strings.
parameter_values = st.one_of(
    st.booleans(),
    st.integers(INT64_MIN, INT64_MAX),
    st.sampled_from([INT64_MIN, -1, 0, INT64_MAX]),
    st.integers(INT64_MAX + 1, UINT64_MAX),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, math.inf, -math.inf, 5e-324]),
    st.text(max_size=12),
)
parameter_dicts = st.dictionaries(st.text(max_size=8), parameter_values, max_size=4)
optional_parameters = st.one_of(st.none(), parameter_dicts)
names = st.text(max_size=16)

small_shapes = st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple)
# Shapes of metadata-only inputs are not tied to any data: any int64 dims, negatives included.
any_int64_shapes = st.lists(st.integers(INT64_MIN, INT64_MAX), max_size=4).map(tuple)


@st.composite
def tensors(draw, datatype=None, shape=None):
    """(datatype, shape, C-contiguous little-endian array) with random contents.

    Contents are raw random bytes (so FP types cover NaNs, infinities, subnormals); BOOL gets
    0/1 bytes because that is what numpy and Triton put in a bool tensor.
    """
    datatype = draw(st.sampled_from(FIXED_SIZE_DATATYPES)) if datatype is None else datatype
    shape = draw(small_shapes) if shape is None else shape
    dtype = numpy_dtype(datatype)
    count = math.prod(shape)
    if datatype == "BOOL":
        raw = bytes(draw(st.lists(st.integers(0, 1), min_size=count, max_size=count)))
    else:
        raw = draw(st.binary(min_size=count * dtype.itemsize, max_size=count * dtype.itemsize))
    array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    return datatype, shape, array


@st.composite
def request_inputs(draw):
    """One input tuple as encode_infer_request takes it; about one in four has no data."""
    name = draw(names)
    parameters = draw(optional_parameters)
    if draw(st.integers(0, 3)) == 0:
        return (name, draw(st.sampled_from(FIXED_SIZE_DATATYPES)), draw(any_int64_shapes), None, parameters)
    datatype, shape, array = draw(tensors())
    return (name, datatype, shape, array, parameters)


@st.composite
def requests(draw):
    """Keyword arguments for encode_infer_request."""
    return dict(
        model_name=draw(names),
        inputs=draw(st.lists(request_inputs(), max_size=4)),
        outputs=draw(st.lists(st.tuples(names, optional_parameters), max_size=3)),
        model_version=draw(st.text(max_size=4)),
        request_id=draw(names),
        parameters=draw(optional_parameters),
    )


@st.composite
def responses(draw, unique_output_names=True):
    """A ModelInferResponse built with tritonclient's classes, plus the source arrays."""
    message = pb.ModelInferResponse(model_name=draw(names), model_version=draw(st.text(max_size=4)), id=draw(names))
    set_parameters(message.parameters, draw(parameter_dicts))
    output_names = draw(st.lists(names, max_size=4, unique=unique_output_names))
    arrays = []
    for name in output_names:
        datatype, shape, array = draw(tensors())
        output = message.outputs.add(name=name, datatype=datatype, shape=shape)
        set_parameters(output.parameters, draw(parameter_dicts))
        message.raw_output_contents.append(array.tobytes())
        arrays.append(array)
    return message, arrays


# ---------------------------------------------------------------------------
# Reference messages and comparisons
# ---------------------------------------------------------------------------


def set_parameters(proto_map, parameters) -> None:
    """Fills a map<string, InferParameter> the way the protocol types a Python value."""
    for key, value in (parameters or {}).items():
        slot = proto_map[key]
        if isinstance(value, bool):
            slot.bool_param = value
        elif isinstance(value, int):
            if value > INT64_MAX:
                slot.uint64_param = value
            else:
                slot.int64_param = value
        elif isinstance(value, float):
            slot.double_param = value
        else:
            slot.string_param = value


def reference_request(model_name, inputs, outputs, model_version, request_id, parameters) -> pb.ModelInferRequest:
    """The ModelInferRequest tritonclient would build from encode_infer_request's arguments."""
    message = pb.ModelInferRequest(model_name=model_name, model_version=model_version, id=request_id)
    set_parameters(message.parameters, parameters)
    for name, datatype, shape, array, input_parameters in inputs:
        tensor = message.inputs.add(name=name, datatype=datatype, shape=shape)
        set_parameters(tensor.parameters, input_parameters)
        if array is not None:
            message.raw_input_contents.append(array.tobytes())
    for name, output_parameters in outputs:
        output = message.outputs.add(name=name)
        set_parameters(output.parameters, output_parameters)
    return message


def python_parameters(proto_map) -> dict:
    """What the decoder should return for a parameter map: Python values of the set member.

    An InferParameter with no member set reads as False (proto3: the first member's default).
    """
    out = {}
    for key, parameter in proto_map.items():
        member = parameter.WhichOneof("parameter_choice")
        out[key] = False if member is None else getattr(parameter, member)
    return out


def same_value(a, b) -> bool:
    """Equal and of the same Python type; floats compared bit for bit (NaN, -0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b)
    return a == b


def assert_same_parameters(actual: dict, expected: dict) -> None:
    assert set(actual) == set(expected)
    for key, value in expected.items():
        assert same_value(actual[key], value), (key, actual[key], value)


def element_count_fits(shape, itemsize) -> bool:
    """Whether numpy can represent an array of this shape at all (its own size limit)."""
    nbytes = itemsize
    for dim in shape:
        if dim:
            nbytes *= dim
    return nbytes <= INT64_MAX


def assert_view_follows_rule(response, index, raw, dtype) -> None:
    """output_view succeeds exactly when the raw bytes fill the shape; otherwise ValueError."""
    shape = response.describe_output(index)["shape"]
    fits = (
        raw is not None
        and all(d >= 0 for d in shape)
        and math.prod(shape) * dtype.itemsize == len(raw)
        and element_count_fits(shape, dtype.itemsize)
    )
    if fits:
        view = response.output_view(index, dtype)
        assert view.shape == tuple(shape) and view.dtype == dtype
        assert view.tobytes() == raw
        assert not view.flags.writeable
    else:
        with pytest.raises(ValueError):
            response.output_view(index, dtype)


def upb_dropped_map_entries(message, field_number: int) -> bool:
    """Whether protobuf (upb) moved entries of a map field to the message's unknown fields.

    upb does that with a map entry that itself carries an unknown field; C++ protobuf (Triton's)
    and tritonlink keep the entry and skip the unknown field, so the maps legitimately differ.
    """
    return any(u.field_number == field_number for u in unknown_fields.UnknownFieldSet(message))


def assert_matches_reference(response, reference: pb.ModelInferResponse) -> None:
    """Every field the decoder exposes agrees with protobuf's parse of the same bytes."""
    assert response.model_name == reference.model_name
    assert response.model_version == reference.model_version
    assert response.id == reference.id
    if not upb_dropped_map_entries(reference, 4):
        assert_same_parameters(response.parameters, python_parameters(reference.parameters))
    assert response.output_count == len(reference.outputs)
    for i, output in enumerate(reference.outputs):
        described = response.describe_output(i)
        assert described["name"] == output.name
        assert described["datatype"] == output.datatype == response.output_datatype(i)
        assert described["shape"] == list(output.shape)
        if not upb_dropped_map_entries(output, 4):
            assert_same_parameters(described["parameters"], python_parameters(output.parameters))
        raw = reference.raw_output_contents[i] if i < len(reference.raw_output_contents) else None
        assert_view_follows_rule(response, i, raw, np.dtype("u1"))


def decode_or_value_error(data: bytes):
    """The decoded response, or None when the decoder rejected the bytes with ValueError."""
    try:
        return _core.decode_infer_response(data)
    except ValueError:
        return None


def parse_with_protobuf(data: bytes):
    try:
        return pb.ModelInferResponse.FromString(data)
    except Exception:  # google.protobuf.message.DecodeError
        return None


def touch_everything(response) -> None:
    """Reads every accessor of a decoded response; each may only succeed or raise ValueError."""
    for getter in (lambda: response.model_name, lambda: response.model_version, lambda: response.id,
                   lambda: response.parameters):
        try:
            getter()
        except ValueError:  # e.g. UnicodeDecodeError on a name that is not UTF-8
            pass
    for i in range(response.output_count):
        # Each lambda is called at once, in its own iteration.
        for call in (lambda: response.describe_output(i), lambda: response.output_datatype(i)):  # noqa: B023
            try:
                call()
            except ValueError:
                pass
        for dtype in ALL_VIEW_DTYPES:
            try:
                view = response.output_view(i, dtype)
            except ValueError:
                continue
            view.tobytes()  # reads every byte the view claims to cover


# ---------------------------------------------------------------------------
# 1. Encoder
# ---------------------------------------------------------------------------


@PROPERTY
@given(requests())
def test_encoded_request_parses_to_the_reference_message(request):
    encoded, _ = _core.encode_infer_request(**request)
    parsed = pb.ModelInferRequest.FromString(encoded)
    reference = reference_request(**request)
    assert parsed == reference
    assert parsed.SerializeToString(deterministic=True) == reference.SerializeToString(deterministic=True)


# Maps that serialize the same in any order: at most one entry, and a non-empty key (upb writes
# an empty map key explicitly, tritonlink omits it as proto3 allows; both parse the same).
single_entry_parameters = st.one_of(
    st.none(), st.dictionaries(st.text(min_size=1, max_size=8), parameter_values, max_size=1))


@PROPERTY
@given(requests(), st.data())
def test_encoded_request_is_byte_identical_to_protobuf_when_map_order_cannot_differ(request, data):
    # Equal parsed messages would not catch an encoding protobuf tolerates but never writes
    # (unpacked shape, default values written out, fields out of order): compare bytes too.
    request["parameters"] = data.draw(single_entry_parameters)
    request["inputs"] = [(n, t, s, a, data.draw(single_entry_parameters)) for (n, t, s, a, _) in request["inputs"]]
    request["outputs"] = [(n, data.draw(single_entry_parameters)) for (n, _) in request["outputs"]]
    encoded, _ = _core.encode_infer_request(**request)
    assert encoded == reference_request(**request).SerializeToString()


@PROPERTY
@given(requests(), st.integers(0, 200))
def test_borrow_threshold_changes_only_which_payloads_are_borrowed(request, threshold):
    baseline, _ = _core.encode_infer_request(**request)
    sizes = [array.nbytes for (_, _, _, array, _) in request["inputs"] if array is not None]
    for t in (0, 1, threshold, 2**62):
        encoded, n_borrowed = _core.encode_infer_request(**request, borrow_threshold=t)
        assert encoded == baseline
        assert n_borrowed == sum(size >= t for size in sizes)


def test_default_borrow_threshold_borrows_only_large_payloads():
    small = np.zeros(16 * 1024 - 1, dtype=np.uint8)
    large = np.zeros(16 * 1024, dtype=np.uint8)
    inputs = [("a", "UINT8", small.shape, small, None), ("b", "UINT8", large.shape, large, None)]
    _, n_borrowed = _core.encode_infer_request("m", inputs, [], "", "", None)
    assert n_borrowed == 1


def test_uint64_parameter_above_int64_max_is_sent_as_uint64():
    encoded, _ = _core.encode_infer_request("m", [], [], "", "", {"big": 2**63, "max": UINT64_MAX, "neg": INT64_MIN})
    parsed = pb.ModelInferRequest.FromString(encoded)
    assert parsed.parameters["big"].WhichOneof("parameter_choice") == "uint64_param"
    assert parsed.parameters["big"].uint64_param == 2**63
    assert parsed.parameters["max"].uint64_param == UINT64_MAX
    assert parsed.parameters["neg"].WhichOneof("parameter_choice") == "int64_param"
    assert parsed.parameters["neg"].int64_param == INT64_MIN


@pytest.mark.parametrize("value", [2**64, INT64_MIN - 1])
def test_parameter_outside_64_bits_is_rejected(value):
    with pytest.raises(ValueError, match="64 bits"):
        _core.encode_infer_request("m", [], [], "", "", {"p": value})


def test_parameter_of_unsupported_type_is_rejected():
    with pytest.raises(TypeError):
        _core.encode_infer_request("m", [], [], "", "", {"p": b"bytes"})


def test_empty_string_and_false_parameters_are_still_sent():
    # A oneof member is present even at its default value: the server must see it.
    encoded, _ = _core.encode_infer_request("m", [], [], "", "", {"s": "", "b": False, "i": 0, "d": 0.0})
    parsed = pb.ModelInferRequest.FromString(encoded)
    assert {k: v.WhichOneof("parameter_choice") for k, v in parsed.parameters.items()} == {
        "s": "string_param", "b": "bool_param", "i": "int64_param", "d": "double_param"}


# ---------------------------------------------------------------------------
# 2. Decoder
# ---------------------------------------------------------------------------


@PROPERTY
@given(responses(), st.booleans())
def test_decoded_response_has_every_field_of_the_message(message_and_arrays, deterministic):
    message, arrays = message_and_arrays
    response = _core.decode_infer_response(message.SerializeToString(deterministic=deterministic))
    result = tritonlink.InferResult(response)

    assert (result.model_name, result.model_version, result.id) == (message.model_name, message.model_version,
                                                                    message.id)
    assert_same_parameters(result.parameters, python_parameters(message.parameters))
    assert len(result) == response.output_count == len(message.outputs)
    assert result.keys() == [o.name for o in message.outputs]
    for i, (output, expected) in enumerate(zip(message.outputs, arrays)):
        assert response.output_index(output.name) == i
        described = result.get_output(output.name)
        assert described["name"] == output.name
        assert described["datatype"] == output.datatype
        assert described["shape"] == list(output.shape)
        assert_same_parameters(described["parameters"], python_parameters(output.parameters))
        in_response = result.get_response()["outputs"][i]
        assert {k: v for k, v in in_response.items() if k != "parameters"} == {
            k: v for k, v in described.items() if k != "parameters"}
        assert_same_parameters(in_response["parameters"], described["parameters"])  # NaN-safe

        view = result.as_numpy(output.name)
        assert view.dtype == expected.dtype and view.shape == expected.shape
        assert view.tobytes() == expected.tobytes()
        assert not view.flags.writeable
        assert view.base is response
        assert result[output.name].tobytes() == expected.tobytes()


@PROPERTY
@given(responses())
def test_output_view_keeps_the_response_alive(message_and_arrays):
    message, arrays = message_and_arrays
    assume(arrays)
    data = message.SerializeToString()
    result = tritonlink.InferResult(_core.decode_infer_response(data))
    views = [result.as_numpy(o.name) for o in message.outputs]
    del result, data
    gc.collect()
    filler = [bytes(len(a.tobytes()) or 1) for a in arrays]  # reuse any freed memory
    for view, expected in zip(views, arrays):
        assert view.tobytes() == expected.tobytes()
    del filler


@PROPERTY
@given(responses(unique_output_names=False))
def test_decoder_agrees_with_protobuf_on_valid_messages(message_and_arrays):
    message, _ = message_and_arrays
    data = message.SerializeToString()
    assert_matches_reference(_core.decode_infer_response(data), pb.ModelInferResponse.FromString(data))


def test_output_view_cannot_be_made_writeable():
    message = pb.ModelInferResponse()
    message.outputs.add(name="x", datatype="UINT8", shape=[2])
    message.raw_output_contents.append(b"ab")
    view = tritonlink.InferResult(_core.decode_infer_response(message.SerializeToString())).as_numpy("x")
    with pytest.raises(ValueError):
        view.setflags(write=True)


@pytest.mark.parametrize("datatype", FIXED_SIZE_DATATYPES)
def test_empty_tensor_round_trips(datatype):
    dtype = numpy_dtype(datatype)
    array = np.zeros((0, 3), dtype=dtype)
    encoded, _ = _core.encode_infer_request("m", [("x", datatype, array.shape, array, None)], [], "", "", None)
    request = pb.ModelInferRequest.FromString(encoded)
    assert list(request.inputs[0].shape) == [0, 3]
    assert list(request.raw_input_contents) == [b""]

    response = pb.ModelInferResponse()
    response.outputs.add(name="x", datatype=datatype, shape=[0, 3])
    response.raw_output_contents.append(b"")
    view = tritonlink.InferResult(_core.decode_infer_response(response.SerializeToString())).as_numpy("x")
    assert view.shape == (0, 3) and view.dtype == dtype


@pytest.mark.parametrize("datatype", FIXED_SIZE_DATATYPES)
def test_scalar_0d_round_trips(datatype):
    dtype = numpy_dtype(datatype)
    array = np.ones((), dtype=dtype)
    encoded, _ = _core.encode_infer_request("m", [("x", datatype, (), array, None)], [], "", "", None)
    request = pb.ModelInferRequest.FromString(encoded)
    assert list(request.inputs[0].shape) == []
    assert list(request.raw_input_contents) == [array.tobytes()]

    response = pb.ModelInferResponse()
    response.outputs.add(name="x", datatype=datatype, shape=[])
    response.raw_output_contents.append(array.tobytes())
    view = tritonlink.InferResult(_core.decode_infer_response(response.SerializeToString())).as_numpy("x")
    assert view.shape == () and view.dtype == dtype and view.tobytes() == array.tobytes()


# ---------------------------------------------------------------------------
# 3. Robustness against malformed bytes
# ---------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=256))
def test_random_bytes_decode_or_raise_value_error(data):
    response = decode_or_value_error(data)
    if response is not None:
        touch_everything(response)
        reference = parse_with_protobuf(data)
        if reference is not None:
            assert_matches_reference(response, reference)


@FUZZ
@given(responses(unique_output_names=False), st.data())
def test_truncated_message_is_rejected_exactly_when_protobuf_rejects_it(message_and_arrays, data):
    message, _ = message_and_arrays
    full = message.SerializeToString()
    assume(full)
    cut = data.draw(st.integers(0, len(full) - 1))
    truncated = full[:cut]
    response = decode_or_value_error(truncated)
    reference = parse_with_protobuf(truncated)
    # Cutting inside a field (a tag, a length, or the bytes a length announces) is malformed;
    # cutting between fields leaves a shorter, valid message.
    assert (response is None) == (reference is None)
    if response is not None:
        assert_matches_reference(response, reference)


@FUZZ
@given(responses(unique_output_names=False), st.data())
def test_bit_flipped_message_decodes_or_raises_value_error(message_and_arrays, data):
    message, _ = message_and_arrays
    corrupted = bytearray(message.SerializeToString())
    assume(corrupted)
    for _ in range(data.draw(st.integers(1, 3))):
        bit = data.draw(st.integers(0, len(corrupted) * 8 - 1))
        corrupted[bit // 8] ^= 1 << (bit % 8)
    corrupted = bytes(corrupted)
    response = decode_or_value_error(corrupted)
    if response is not None:
        touch_everything(response)
        reference = parse_with_protobuf(corrupted)
        if reference is not None:  # both accept: they must read the same thing
            assert_matches_reference(response, reference)


@st.composite
def mismatched_outputs(draw):
    """A response whose outputs have arbitrary int64 shapes and raw contents of any size."""
    message = pb.ModelInferResponse()
    for _ in range(draw(st.integers(1, 3))):
        shape = draw(st.one_of(small_shapes, any_int64_shapes,
                               st.lists(st.sampled_from([0, 1, 2**31, 2**32, 2**61, 2**62 + 1, INT64_MAX, -1]),
                                        max_size=4)))
        message.outputs.add(name=draw(names), datatype=draw(st.sampled_from(FIXED_SIZE_DATATYPES)), shape=shape)
    for _ in range(draw(st.integers(0, len(message.outputs)))):
        message.raw_output_contents.append(draw(st.binary(max_size=40)))
    return message


@FUZZ
@given(mismatched_outputs())
def test_output_view_with_shape_not_matching_contents_raises_value_error(message):
    response = _core.decode_infer_response(message.SerializeToString())
    for i in range(response.output_count):
        raw = message.raw_output_contents[i] if i < len(message.raw_output_contents) else None
        for dtype in ALL_VIEW_DTYPES:
            assert_view_follows_rule(response, i, raw, dtype)


# Hand-written wire bytes for cases protobuf's serializer never produces.
def varint(value: int) -> bytes:
    value &= UINT64_MAX
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def varint_field(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def test_unpacked_shape_is_accepted():
    # proto3 parsers must accept a repeated scalar written one element per field.
    output = field(1, b"x") + field(2, b"INT32") + varint_field(3, 2) + varint_field(3, 3)
    data = field(5, output) + field(6, bytes(24))
    response = _core.decode_infer_response(data)
    expected_shape = list(pb.ModelInferResponse.FromString(data).outputs[0].shape)
    assert response.describe_output(0)["shape"] == [2, 3] == expected_shape
    assert tritonlink.InferResult(response).as_numpy("x").shape == (2, 3)


def test_packed_and_unpacked_shape_pieces_concatenate():
    output = field(1, b"x") + field(3, varint(2) + varint(1)) + varint_field(3, 3) + field(3, varint(-1))
    data = field(5, output)
    expected = list(pb.ModelInferResponse.FromString(data).outputs[0].shape)
    assert _core.decode_infer_response(data).describe_output(0)["shape"] == expected == [2, 1, 3, -1]


def test_more_raw_contents_than_outputs_is_rejected():
    message = pb.ModelInferResponse()
    message.outputs.add(name="x", datatype="UINT8", shape=[1])
    message.raw_output_contents.extend([b"a", b"b"])
    with pytest.raises(ValueError, match="more raw_output_contents than outputs"):
        _core.decode_infer_response(message.SerializeToString())


def test_output_without_raw_contents_has_no_view():
    message = pb.ModelInferResponse()
    message.outputs.add(name="x", datatype="UINT8", shape=[1])
    message.outputs.add(name="y", datatype="UINT8", shape=[1])
    message.raw_output_contents.append(b"a")
    result = tritonlink.InferResult(_core.decode_infer_response(message.SerializeToString()))
    assert result.as_numpy("x").tobytes() == b"a"
    with pytest.raises(ValueError, match="no raw contents"):
        result.as_numpy("y")


def test_typed_contents_are_reported_as_unsupported():
    message = pb.ModelInferResponse()
    output = message.outputs.add(name="x", datatype="INT32", shape=[2])
    output.contents.int_contents.extend([1, 2])
    result = tritonlink.InferResult(_core.decode_infer_response(message.SerializeToString()))
    with pytest.raises(ValueError, match="typed contents are not supported"):
        result.as_numpy("x")


def test_missing_output_name_raises_missing_output_error():
    result = tritonlink.InferResult(_core.decode_infer_response(b""))
    assert len(result) == 0 and result.get_output("x") is None
    with pytest.raises(tritonlink.MissingOutputError):
        result.as_numpy("x")


def test_element_count_overflow_is_rejected():
    # (2**62 + 1) * 4 wraps to 4 in 64-bit arithmetic: 4 bytes must not pass for that shape.
    message = pb.ModelInferResponse()
    message.outputs.add(name="x", datatype="UINT8", shape=[2**62 + 1, 4])
    message.raw_output_contents.append(b"abcd")
    response = _core.decode_infer_response(message.SerializeToString())
    with pytest.raises(ValueError):
        response.output_view(0, np.dtype("u1"))


def test_negative_dimension_is_rejected():
    message = pb.ModelInferResponse()
    message.outputs.add(name="x", datatype="UINT8", shape=[-1])
    message.raw_output_contents.append(b"a")
    with pytest.raises(ValueError, match="negative dimension"):
        _core.decode_infer_response(message.SerializeToString()).output_view(0, np.dtype("u1"))


def test_parameter_without_value_reads_as_false():
    data = field(4, field(1, b"flag"))  # map entry with a key and no value
    assert pb.ModelInferResponse.FromString(data).parameters["flag"].WhichOneof("parameter_choice") is None
    assert _core.decode_infer_response(data).parameters == {"flag": False}


def test_parameter_entry_with_unknown_field_is_kept():
    # As C++ protobuf does (Triton's side); upb instead sets such an entry aside as unknown.
    data = field(4, field(1, b"k") + field(2, varint_field(2, 7)) + varint_field(3, 1))
    assert _core.decode_infer_response(data).parameters == {"k": 7}


def test_repeated_parameter_key_keeps_the_last_value():
    entry = lambda value: field(4, field(1, b"k") + field(2, varint_field(2, value)))  # noqa: E731
    data = entry(1) + entry(2)
    assert pb.ModelInferResponse.FromString(data).parameters["k"].int64_param == 2
    assert _core.decode_infer_response(data).parameters == {"k": 2}


def test_unknown_fields_of_every_wire_type_are_skipped():
    unknown = varint_field(15, 7) + varint(16 << 3 | 1) + bytes(8) + field(17, b"zz") + varint(18 << 3 | 5) + bytes(4)
    output = unknown + field(1, b"x") + field(2, b"UINT8") + field(3, varint(1)) + unknown
    data = unknown + field(1, b"m") + field(5, output) + field(6, b"a") + unknown
    response = _core.decode_infer_response(data)
    assert response.model_name == "m"
    assert tritonlink.InferResult(response).as_numpy("x").tobytes() == b"a"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(field(1, b"model")[:-1], id="length-past-end"),
        pytest.param(b"\x0a", id="missing-length"),
        pytest.param(b"\x0a\x80", id="truncated-length-varint"),
        pytest.param(b"\x0a" + b"\xff" * 10 + b"\x01", id="varint-over-10-bytes"),
        pytest.param(varint_field(1, 5), id="name-as-varint"),
        pytest.param(varint(1 << 3 | 5) + b"\x00\x00", id="truncated-fixed32"),
        pytest.param(varint(9 << 3 | 1) + b"\x00", id="truncated-fixed64"),
        pytest.param(b"\x00\x00", id="field-number-zero"),
        pytest.param(varint(9 << 3 | 7), id="wire-type-7"),
        pytest.param(field(5, field(3, b"\x80")), id="truncated-packed-shape"),
        pytest.param(field(5, varint(3 << 3 | 5) + bytes(4)), id="shape-as-fixed32"),
        pytest.param(field(4, field(2, varint_field(4, 1))), id="double-param-as-varint"),
        pytest.param(field(4, field(2, field(1, b""))), id="bool-param-as-bytes"),
    ],
)
def test_malformed_message_is_rejected(data):
    with pytest.raises(ValueError, match="malformed ModelInferResponse"):
        _core.decode_infer_response(data)


def test_name_that_is_not_utf8_is_decoded_and_fails_only_when_read():
    # protobuf rejects such a message outright; our decoder checks structure and bounds, not
    # text, so it accepts it, and reading a name as str raises UnicodeDecodeError (a ValueError)
    # over exactly the bytes sent.
    data = field(1, b"\xff\xfe") + field(5, field(1, b"\xc3"))
    assert parse_with_protobuf(data) is None
    response = _core.decode_infer_response(data)
    assert response.output_count == 1
    with pytest.raises(UnicodeDecodeError) as model_name:
        response.model_name  # noqa: B018  # reading it raises
    assert model_name.value.object == b"\xff\xfe"
    with pytest.raises(UnicodeDecodeError) as output_name:
        response.describe_output(0)
    assert output_name.value.object == b"\xc3"
    assert response.output_index("x") == -1
