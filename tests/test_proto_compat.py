"""Wire compatibility of our .proto files with Triton's gRPC protocol.

tritonlink ships its own ``csrc/proto/*.proto``. A Triton server only
understands field *numbers* and *types*, and the gRPC method paths depend on
the package/service names, so any drift from the real protocol silently breaks
interoperability. The reference is the descriptor set that tritonclient
bundles (``tritonclient.grpc.service_pb2`` / ``model_config_pb2``).

Every message and enum reachable from ``inference.GRPCInferenceService`` is
compared structurally (one test case per message), then a few populated
messages are round-tripped through both sides to prove byte-level equality.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format

# tritonclient is a test dependency (pyproject: [test] extra); it is the reference.
from tritonclient.grpc import model_config_pb2 as ref_config_pb2
from tritonclient.grpc import service_pb2 as ref_service_pb2

REPO_ROOT = Path(__file__).resolve().parents[1]
PROTO_DIR = REPO_ROOT / "csrc" / "proto"
SERVICE_PROTO = PROTO_DIR / "grpc_service.proto"
SERVICE_FULL_NAME = "inference.GRPCInferenceService"

FieldProto = descriptor_pb2.FieldDescriptorProto


# ---------------------------------------------------------------------------
# Loading both descriptor sets
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def our_descriptor_set() -> descriptor_pb2.FileDescriptorSet:
    """Compile csrc/proto with protoc into a FileDescriptorSet (imports included)."""
    protoc = shutil.which("protoc")
    if protoc is None:
        pytest.fail(
            "protoc was not found on PATH; it is needed to compile csrc/proto/*.proto "
            "(scripts/setup_triton.sh installs it, or: apt-get install protobuf-compiler)",
            pytrace=False,
        )
    with tempfile.TemporaryDirectory(prefix="tritonlink-protos-") as out_dir:
        out_file = Path(out_dir) / "descriptor_set.pb"
        cmd = [
            protoc,
            "--include_imports",
            f"--descriptor_set_out={out_file}",
            f"-I{PROTO_DIR}",
            str(SERVICE_PROTO),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"protoc failed on {SERVICE_PROTO}:\n{result.stderr}", pytrace=False)
        return descriptor_pb2.FileDescriptorSet.FromString(out_file.read_bytes())


def file_protos_with_dependencies(file_descriptor) -> list[descriptor_pb2.FileDescriptorProto]:
    """A runtime FileDescriptor and everything it imports, as FileDescriptorProtos."""
    seen: dict[str, descriptor_pb2.FileDescriptorProto] = {}

    def visit(fd) -> None:
        if fd.name in seen:
            return
        for dep in fd.dependencies:
            visit(dep)
        proto = descriptor_pb2.FileDescriptorProto()
        fd.CopyToProto(proto)
        seen[fd.name] = proto

    visit(file_descriptor)
    return list(seen.values())


def reference_file_protos() -> list[descriptor_pb2.FileDescriptorProto]:
    files = file_protos_with_dependencies(ref_service_pb2.DESCRIPTOR)
    # model_config.proto is imported by grpc_service.proto; make sure we really have it.
    assert ref_config_pb2.DESCRIPTOR.name in {f.name for f in files}
    return files


# ---------------------------------------------------------------------------
# Indexing descriptors by full name and walking what the service reaches
# ---------------------------------------------------------------------------


class DescriptorIndex:
    """Messages, enums and services of a set of files, keyed by full name."""

    def __init__(self, files: list[descriptor_pb2.FileDescriptorProto]):
        self.messages: dict[str, descriptor_pb2.DescriptorProto] = {}
        self.enums: dict[str, descriptor_pb2.EnumDescriptorProto] = {}
        self.services: dict[str, descriptor_pb2.ServiceDescriptorProto] = {}
        for file in files:
            scope = file.package
            for message in file.message_type:
                self._add_message(scope, message)
            for enum in file.enum_type:
                self.enums[qualify(scope, enum.name)] = enum
            for service in file.service:
                self.services[qualify(scope, service.name)] = service

    def _add_message(self, scope: str, message: descriptor_pb2.DescriptorProto) -> None:
        full_name = qualify(scope, message.name)
        self.messages[full_name] = message
        for nested in message.nested_type:
            self._add_message(full_name, nested)
        for enum in message.enum_type:
            self.enums[qualify(full_name, enum.name)] = enum

    def is_map_field(self, field: FieldProto) -> bool:
        if field.type != FieldProto.TYPE_MESSAGE:
            return False
        target = self.messages.get(strip_dot(field.type_name))
        return target is not None and target.options.map_entry

    def reachable_from_service(self, service_name: str) -> tuple[set[str], set[str]]:
        """Full names of every message and enum the service's RPCs can carry."""
        service = self.services[service_name]
        messages: set[str] = set()
        enums: set[str] = set()
        pending = []
        for method in service.method:
            pending += [strip_dot(method.input_type), strip_dot(method.output_type)]
        while pending:
            name = pending.pop()
            if name in messages:
                continue
            messages.add(name)
            message = self.messages[name]
            # Nested declarations count even when no field uses them.
            pending += [qualify(name, nested.name) for nested in message.nested_type]
            enums.update(qualify(name, enum.name) for enum in message.enum_type)
            for field in message.field:
                if field.type == FieldProto.TYPE_MESSAGE:
                    pending.append(strip_dot(field.type_name))
                elif field.type == FieldProto.TYPE_ENUM:
                    enums.add(strip_dot(field.type_name))
        return messages, enums


def qualify(scope: str, name: str) -> str:
    return f"{scope}.{name}" if scope else name


def strip_dot(type_name: str) -> str:
    """Descriptor type names are fully qualified with a leading dot."""
    return type_name[1:] if type_name.startswith(".") else type_name


@functools.lru_cache(maxsize=None)
def reference_index() -> DescriptorIndex:
    return DescriptorIndex(reference_file_protos())


@functools.lru_cache(maxsize=None)
def our_index() -> DescriptorIndex:
    return DescriptorIndex(list(our_descriptor_set().file))


# Computed at collection time from the reference only, so collection never needs
# protoc; test_reachable_*_names_match catches anything extra on our side.
REFERENCE_MESSAGES, REFERENCE_ENUMS = reference_index().reachable_from_service(SERVICE_FULL_NAME)


# ---------------------------------------------------------------------------
# Structural comparison
# ---------------------------------------------------------------------------


def field_signature(
    index: DescriptorIndex, message: descriptor_pb2.DescriptorProto, field: FieldProto
) -> dict:
    """Everything about a field that affects the wire format or generated API.

    json_name is left out on purpose: tritonclient's runtime descriptors do not
    record it, and with no explicit json_name it is derived from the field name,
    which is already compared.
    """
    oneof = message.oneof_decl[field.oneof_index].name if field.HasField("oneof_index") else None
    return {
        "number": field.number,
        "type": FieldProto.Type.Name(field.type),
        "label": FieldProto.Label.Name(field.label),
        "type_name": field.type_name or None,
        "oneof": oneof,
        "proto3_optional": field.proto3_optional,
        "is_map": index.is_map_field(field),
        "packed": field.options.packed if field.options.HasField("packed") else None,
    }


def message_differences(full_name: str, ours: DescriptorIndex, ref: DescriptorIndex) -> list[str]:
    our_msg, ref_msg = ours.messages.get(full_name), ref.messages.get(full_name)
    if our_msg is None:
        return [f"{full_name}: message missing from csrc/proto"]
    problems = []
    if our_msg.options.map_entry != ref_msg.options.map_entry:
        problems.append(
            f"{full_name}: map_entry ours={our_msg.options.map_entry} ref={ref_msg.options.map_entry}"
        )
    our_fields = {f.name: f for f in our_msg.field}
    ref_fields = {f.name: f for f in ref_msg.field}
    for name in sorted(ref_fields.keys() - our_fields.keys()):
        problems.append(f"{full_name}.{name}: field missing from csrc/proto")
    for name in sorted(our_fields.keys() - ref_fields.keys()):
        problems.append(f"{full_name}.{name}: field not in the reference")
    for name in sorted(our_fields.keys() & ref_fields.keys()):
        mine = field_signature(ours, our_msg, our_fields[name])
        theirs = field_signature(ref, ref_msg, ref_fields[name])
        for attribute in mine:
            if mine[attribute] != theirs[attribute]:
                problems.append(
                    f"{full_name}.{name}: {attribute} ours={mine[attribute]!r} ref={theirs[attribute]!r}"
                )
    return problems


def enum_values(enum: descriptor_pb2.EnumDescriptorProto) -> dict[str, int]:
    return {value.name: value.number for value in enum.value}


def method_signatures(service: descriptor_pb2.ServiceDescriptorProto) -> dict[str, tuple]:
    return {
        m.name: (m.input_type, m.output_type, m.client_streaming, m.server_streaming)
        for m in service.method
    }


def assert_no_differences(problems: list[str]) -> None:
    assert not problems, "csrc/proto differs from Triton's protocol:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("full_name", sorted(REFERENCE_MESSAGES))
def test_message_matches_reference(full_name: str) -> None:
    assert_no_differences(message_differences(full_name, our_index(), reference_index()))


@pytest.mark.parametrize("full_name", sorted(REFERENCE_ENUMS))
def test_enum_matches_reference(full_name: str) -> None:
    our_enum = our_index().enums.get(full_name)
    assert our_enum is not None, f"{full_name}: enum missing from csrc/proto"
    ours, ref = enum_values(our_enum), enum_values(reference_index().enums[full_name])
    problems = [
        f"{full_name}.{name}: ours={ours.get(name)} ref={ref.get(name)}"
        for name in sorted(ours.keys() | ref.keys())
        if ours.get(name) != ref.get(name)
    ]
    assert_no_differences(problems)


def test_service_matches_reference() -> None:
    our_service = our_index().services.get(SERVICE_FULL_NAME)
    assert our_service is not None, f"{SERVICE_FULL_NAME}: service missing from csrc/proto"
    ours = method_signatures(our_service)
    ref = method_signatures(reference_index().services[SERVICE_FULL_NAME])
    columns = ("input_type", "output_type", "client_streaming", "server_streaming")
    problems = []
    for name in sorted(ours.keys() | ref.keys()):
        if name not in ours:
            problems.append(f"{SERVICE_FULL_NAME}.{name}: rpc missing from csrc/proto")
        elif name not in ref:
            problems.append(f"{SERVICE_FULL_NAME}.{name}: rpc not in the reference")
        else:
            for column, mine, theirs in zip(columns, ours[name], ref[name]):
                if mine != theirs:
                    problems.append(f"{SERVICE_FULL_NAME}.{name}: {column} ours={mine!r} ref={theirs!r}")
    assert_no_differences(problems)


def test_reachable_message_names_match() -> None:
    ours, _ = our_index().reachable_from_service(SERVICE_FULL_NAME)
    assert sorted(ours - REFERENCE_MESSAGES) == [], "messages only in csrc/proto"
    assert sorted(REFERENCE_MESSAGES - ours) == [], "messages missing from csrc/proto"


def test_reachable_enum_names_match() -> None:
    _, ours = our_index().reachable_from_service(SERVICE_FULL_NAME)
    assert sorted(ours - REFERENCE_ENUMS) == [], "enums only in csrc/proto"
    assert sorted(REFERENCE_ENUMS - ours) == [], "enums missing from csrc/proto"


# ---------------------------------------------------------------------------
# Byte-level round trips
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def our_message_pool() -> descriptor_pool.DescriptorPool:
    """A private pool, so our classes cannot collide with tritonclient's."""
    pool = descriptor_pool.DescriptorPool()
    for file in our_descriptor_set().file:  # --include_imports lists dependencies first
        pool.Add(file)
    return pool


def our_message_class(full_name: str):
    descriptor = our_message_pool().FindMessageTypeByName(full_name)
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.21
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(our_message_pool()).GetPrototype(descriptor)


def sample_infer_request():
    pb = ref_service_pb2
    request = pb.ModelInferRequest(model_name="simple", model_version="3", id="req-42")
    request.parameters["priority"].uint64_param = 7
    request.parameters["timeout"].int64_param = -1
    request.parameters["sequence_start"].bool_param = True
    request.parameters["tag"].string_param = "bench"
    request.parameters["scale"].double_param = 0.25

    typed = request.inputs.add(name="INPUT0", datatype="FP32", shape=[2, 3])
    typed.contents.fp32_contents.extend([0.5, -1.0, 2.0, 3.5, 4.0, -0.0])
    typed.parameters["shared_memory_region"].string_param = "region0"
    typed.parameters["shared_memory_byte_size"].int64_param = 24
    strings = request.inputs.add(name="TEXT", datatype="BYTES", shape=[2])
    strings.contents.bytes_contents.extend([b"hello", b"\x00\xff"])
    # INPUT1 carries no contents: its data travels positionally in raw_input_contents.
    request.inputs.add(name="INPUT1", datatype="INT64", shape=[1, 4])
    request.raw_input_contents.append(bytes(range(32)))

    output = request.outputs.add(name="OUTPUT0")
    output.parameters["classification"].int64_param = 3
    output.parameters["binary_data"].bool_param = True
    return request


def sample_stream_response():
    pb = ref_service_pb2
    response = pb.ModelStreamInferResponse(error_message="")
    infer = response.infer_response
    infer.model_name, infer.model_version, infer.id = "simple", "1", "req-42"
    infer.parameters["triton_final_response"].bool_param = True
    out = infer.outputs.add(name="OUTPUT0", datatype="INT32", shape=[1, 16])
    out.contents.int_contents.extend(range(-8, 8))
    out.parameters["binary_data_size"].int64_param = 64
    infer.raw_output_contents.append(b"\x01\x02\x03\x04" * 16)
    return response


def sample_config_response_dynamic_batching():
    mc = ref_config_pb2
    config = mc.ModelConfig(name="densenet", platform="onnxruntime_onnx", backend="onnxruntime")
    config.max_batch_size = 8
    config.runtime = "libtriton_onnxruntime.so"
    config.version_policy.specific.versions.extend([1, 3])  # oneof policy_choice
    config.input.add(
        name="data_0", data_type=mc.TYPE_FP32, format=mc.ModelInput.FORMAT_NCHW, dims=[3, 224, 224]
    ).reshape.shape.extend([1, 3, 224, 224])
    config.output.add(name="fc6_1", data_type=mc.TYPE_FP32, dims=[1000], label_filename="labels.txt")
    group = config.instance_group.add(name="gpu-group", kind=mc.ModelInstanceGroup.KIND_GPU, count=2)
    group.gpus.extend([0, 1])
    group.rate_limiter.priority = 2
    group.rate_limiter.resources.add(name="R1", count=4, **{"global": True})
    group.secondary_devices.add(kind=mc.ModelInstanceGroup.SecondaryDevice.KIND_NVDLA, device_id=1)
    batching = config.dynamic_batching  # oneof scheduling_choice
    batching.preferred_batch_size.extend([4, 8])
    batching.max_queue_delay_microseconds = 100
    batching.priority_levels = 2
    batching.priority_queue_policy[1].max_queue_size = 16
    batching.priority_queue_policy[2].timeout_action = mc.ModelQueuePolicy.DELAY
    graph = config.optimization.cuda.graph_spec.add(batch_size=4)
    graph.input["data_0"].dim.extend([3, 224, 224])
    graph.graph_lower_bound.input["data_0"].dim.extend([3, 1, 1])
    accel = config.optimization.execution_accelerators.gpu_execution_accelerator.add(name="tensorrt")
    accel.parameters["precision_mode"] = "FP16"
    config.parameters["intra_op_thread_count"].string_value = "4"
    config.metric_tags["team"] = "vision"
    warmup = config.model_warmup.add(name="zeros", batch_size=1, count=2)
    warmup.inputs["data_0"].zero_data = True  # oneof input_data_type
    warmup.inputs["data_0"].dims.extend([3, 224, 224])
    config.batch_input.add(
        kind=mc.BatchInput.BATCH_ITEM_SHAPE, target_name=["shape"], source_input=["data_0"]
    )
    config.model_transaction_policy.decoupled = True
    config.response_cache.enable = True
    return ref_service_pb2.ModelConfigResponse(config=config)


def sample_config_sequence_batching():
    mc = ref_config_pb2
    config = mc.ModelConfig(name="stateful", backend="python", max_batch_size=4)
    seq = config.sequence_batching  # oneof scheduling_choice
    seq.max_sequence_idle_microseconds = 5_000_000
    seq.oldest.max_candidate_sequences = 8  # oneof strategy_choice
    seq.oldest.preferred_batch_size.extend([2, 4])
    start = mc.ModelSequenceBatching.Control.CONTROL_SEQUENCE_START
    control = seq.control_input.add(name="START").control.add(kind=start)
    control.fp32_false_true.extend([0.0, 1.0])
    state = seq.state.add(input_name="IN_STATE", output_name="OUT_STATE", data_type=mc.TYPE_INT32, dims=[-1])
    state.initial_state.add(name="init", data_type=mc.TYPE_INT32, dims=[1], data_file="init.bin")
    config.model_repository_agents.agents.add(name="checksum").parameters["MD5:model.py"] = "abc"
    config.model_metrics.metric_control.add().histogram_options.buckets.extend([0.1, 1.0, 10.0])
    return config


SAMPLES = {
    "ModelInferRequest": sample_infer_request,
    "ModelStreamInferResponse": sample_stream_response,
    "ModelConfigResponse": sample_config_response_dynamic_batching,
    "ModelConfig(sequence_batching)": sample_config_sequence_batching,
}


def serialize(message) -> bytes:
    # deterministic=True sorts map entries, so equal content gives equal bytes.
    return message.SerializeToString(deterministic=True)


@pytest.mark.parametrize("sample_name", list(SAMPLES))
def test_wire_round_trip_is_byte_identical(sample_name: str) -> None:
    reference_message = SAMPLES[sample_name]()
    ours_cls = our_message_class(reference_message.DESCRIPTOR.full_name)
    reference_bytes = serialize(reference_message)
    assert reference_bytes, "sample message is empty"

    # tritonclient -> ours -> bytes: nothing lost or reinterpreted.
    ours = ours_cls.FromString(reference_bytes)
    assert serialize(ours) == reference_bytes
    # Same field names for the same numbers (bytes alone only prove numbers);
    # text format also omits unknown fields, so any field we failed to declare
    # shows up as a difference here.
    assert text_format.MessageToString(ours) == text_format.MessageToString(reference_message)

    # ours -> tritonclient: populate our class by field *name* (text format, no
    # bytes involved), serialize with our descriptors, parse with tritonclient.
    built_by_us = text_format.Parse(text_format.MessageToString(reference_message), ours_cls())
    our_bytes = serialize(built_by_us)
    assert our_bytes == reference_bytes
    back = type(reference_message).FromString(our_bytes)
    assert back == reference_message
    assert serialize(back) == our_bytes
