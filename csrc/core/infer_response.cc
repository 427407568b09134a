#include "infer_response.h"

namespace tritonlink {
namespace {

enum ResponseField : uint32_t {
  kModelName = 1,
  kModelVersion = 2,
  kId = 3,
  kParameters = 4,
  kOutputs = 5,
  kRawOutputContents = 6,
};
enum OutputField : uint32_t { kName = 1, kDatatype = 2, kShape = 3, kOutputParameters = 4, kContents = 5 };

void read_shape(const wire::Field& f, std::vector<int64_t>& shape) {
  if (f.type == wire::kVarint) {  // unpacked encoding, which parsers must also accept
    shape.push_back(static_cast<int64_t>(f.scalar));
    return;
  }
  wire::expect_type(f, wire::kLengthDelimited, "shape");
  wire::Reader packed(f.bytes);
  while (!packed.done()) shape.push_back(static_cast<int64_t>(packed.varint()));
}

OutputTensor read_output(std::string_view bytes) {
  OutputTensor out;
  wire::Reader reader(bytes);
  wire::Field f;
  while (reader.next(f)) {
    switch (f.number) {
      case kName:
        wire::expect_type(f, wire::kLengthDelimited, "output name");
        out.name.assign(f.bytes);
        break;
      case kDatatype:
        wire::expect_type(f, wire::kLengthDelimited, "output datatype");
        out.datatype.assign(f.bytes);
        break;
      case kShape:
        read_shape(f, out.shape);
        break;
      case kOutputParameters:
        wire::expect_type(f, wire::kLengthDelimited, "output parameters");
        read_parameter_entry(f.bytes, out.parameters);
        break;
      case kContents:
        wire::expect_type(f, wire::kLengthDelimited, "output contents");
        out.has_typed_contents = true;
        break;
      default:
        break;
    }
  }
  return out;
}

std::string read_string(const wire::Field& f, const char* what) {
  wire::expect_type(f, wire::kLengthDelimited, what);
  return std::string(f.bytes);
}

}  // namespace

int InferResponse::find_output(std::string_view name) const {
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool InferResponse::is_final() const {
  for (const auto& [key, value] : parameters) {
    if (key == "triton_final_response") return std::holds_alternative<bool>(value) && std::get<bool>(value);
  }
  return true;
}

std::shared_ptr<InferResponse> decode_infer_response(MessageBytes message) {
  auto response = std::make_shared<InferResponse>();
  std::vector<std::string_view> raw;
  wire::Reader reader(message.bytes);
  wire::Field f;
  while (reader.next(f)) {
    switch (f.number) {
      case kModelName:
        response->model_name = read_string(f, "model_name");
        break;
      case kModelVersion:
        response->model_version = read_string(f, "model_version");
        break;
      case kId:
        response->id = read_string(f, "id");
        break;
      case kParameters:
        wire::expect_type(f, wire::kLengthDelimited, "parameters");
        read_parameter_entry(f.bytes, response->parameters);
        break;
      case kOutputs:
        wire::expect_type(f, wire::kLengthDelimited, "outputs");
        response->outputs.push_back(read_output(f.bytes));
        break;
      case kRawOutputContents:
        wire::expect_type(f, wire::kLengthDelimited, "raw_output_contents");
        raw.push_back(f.bytes);
        break;
      default:
        break;
    }
  }
  // Like Triton's own clients, raw_output_contents[i] belongs to outputs[i].
  if (raw.size() > response->outputs.size()) {
    throw wire::MalformedMessage("more raw_output_contents than outputs");
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    OutputTensor& out = response->outputs[i];
    out.has_data = true;
    out.data = raw[i].data();
    out.size = raw[i].size();
  }
  response->message = std::move(message);
  return response;
}

}  // namespace tritonlink
