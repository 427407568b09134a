#include "infer_request.h"

namespace tritonlink {
namespace {

enum RequestField : uint32_t {
  kModelName = 1,
  kModelVersion = 2,
  kId = 3,
  kParameters = 4,
  kInputs = 5,
  kOutputs = 6,
  kRawInputContents = 7,
};
enum InputField : uint32_t { kInputName = 1, kInputDatatype = 2, kInputShape = 3, kInputParameters = 4 };
enum OutputField : uint32_t { kOutputName = 1, kOutputParameters = 2 };

// proto3 packs repeated scalars: one length-delimited field of back-to-back varints.
void put_packed_shape(std::string& out, uint32_t field, const std::vector<int64_t>& shape) {
  if (shape.empty()) return;
  size_t len = 0;
  for (int64_t dim : shape) len += wire::varint_size(static_cast<uint64_t>(dim));
  wire::put_tag(out, field, wire::kLengthDelimited);
  wire::put_varint(out, len);
  for (int64_t dim : shape) wire::put_varint(out, static_cast<uint64_t>(dim));
}

void put_input(std::string& out, std::string& scratch, const InputTensor& input) {
  scratch.clear();
  wire::put_string_if_set(scratch, kInputName, input.name);
  wire::put_string_if_set(scratch, kInputDatatype, input.datatype);
  put_packed_shape(scratch, kInputShape, input.shape);
  put_parameters(scratch, kInputParameters, input.parameters);
  wire::put_bytes(out, kInputs, scratch);
}

void put_requested_output(std::string& out, std::string& scratch, const RequestedOutput& output) {
  scratch.clear();
  wire::put_string_if_set(scratch, kOutputName, output.name);
  put_parameters(scratch, kOutputParameters, output.parameters);
  wire::put_bytes(out, kOutputs, scratch);
}

}  // namespace

size_t EncodedRequest::size() const {
  size_t total = 0;
  for (const auto& p : pieces_) total += p.size;
  return total;
}

size_t EncodedRequest::borrowed_count() const {
  size_t n = 0;
  for (const auto& p : pieces_) n += p.borrowed != nullptr;
  return n;
}

std::string EncodedRequest::flatten() const {
  std::string out;
  out.reserve(size());
  for (const auto& p : pieces_) out.append(piece_data(p), p.size);
  return out;
}

void EncodedRequest::close_owned_piece() {
  if (owned_.size() > open_piece_start_) {
    pieces_.push_back({nullptr, open_piece_start_, owned_.size() - open_piece_start_});
  }
  open_piece_start_ = owned_.size();
}

void EncodedRequest::add_borrowed(const char* data, size_t size) {
  close_owned_piece();
  pieces_.push_back({data, 0, size});
}

EncodedRequest encode_infer_request(const InferRequest& request, size_t borrow_threshold) {
  EncodedRequest encoded;
  std::string& out = encoded.owned_;
  size_t copied_payload = 0;
  for (const auto& input : request.inputs) {
    if (input.has_data && input.size < borrow_threshold) copied_payload += input.size;
  }
  out.reserve(256 + copied_payload);

  wire::put_string_if_set(out, kModelName, request.model_name);
  wire::put_string_if_set(out, kModelVersion, request.model_version);
  wire::put_string_if_set(out, kId, request.id);
  put_parameters(out, kParameters, request.parameters);
  std::string scratch;
  for (const auto& input : request.inputs) put_input(out, scratch, input);
  for (const auto& output : request.outputs) put_requested_output(out, scratch, output);

  for (const auto& input : request.inputs) {
    if (!input.has_data) continue;
    wire::put_tag(out, kRawInputContents, wire::kLengthDelimited);
    wire::put_varint(out, input.size);
    if (input.size >= borrow_threshold) {
      encoded.add_borrowed(input.data, input.size);
    } else if (input.size > 0) {
      out.append(input.data, input.size);
    }
  }
  encoded.close_owned_piece();
  return encoded;
}

}  // namespace tritonlink
