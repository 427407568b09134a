#include "model.h"

#include "model_config.pb.h"

namespace tritonlink::server {
namespace {

inference::DataType config_datatype(const std::string& datatype) {
  inference::DataType value = inference::TYPE_INVALID;
  // Config enum names are the protocol names with a TYPE_ prefix; BYTES is TYPE_STRING.
  inference::DataType_Parse(datatype == "BYTES" ? "TYPE_STRING" : "TYPE_" + datatype, &value);
  return value;
}

template <typename Tensor>
void fill_tensor(Tensor* tensor, const TensorSpec& spec) {
  tensor->set_name(spec.name);
  for (int64_t d : spec.dims) tensor->add_dims(d);
  tensor->set_data_type(config_datatype(spec.datatype));
}

void fill_input(inference::ModelInput* input, const TensorSpec& spec) {
  fill_tensor(input, spec);
  input->set_optional(spec.optional);
}

}  // namespace

void Model::describe(inference::ModelMetadataResponse* metadata) const {
  metadata->set_name(name_);
  metadata->add_versions(kModelVersion);
  metadata->set_platform("tritonlink_embedded");
  auto add = [](auto* tensor, const TensorSpec& spec) {
    tensor->set_name(spec.name);
    tensor->set_datatype(spec.datatype);
    for (int64_t d : spec.dims) tensor->add_shape(d);
  };
  for (const auto& spec : inputs_) add(metadata->add_inputs(), spec);
  for (const auto& spec : outputs_) add(metadata->add_outputs(), spec);
}

void Model::configure(inference::ModelConfig* config) const {
  config->set_name(name_);
  config->set_platform("tritonlink_embedded");
  config->set_backend("tritonlink_embedded");
  config->set_max_batch_size(0);
  for (const auto& spec : inputs_) fill_input(config->add_input(), spec);
  for (const auto& spec : outputs_) fill_tensor(config->add_output(), spec);
  configure_scheduling(config);
}

}  // namespace tritonlink::server
