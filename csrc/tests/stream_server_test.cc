// The embedded server's ModelStreamInfer through grpc++'s own stub: every way a stream ends
// (half-close, client cancel, server shutdown) with requests still in progress, so that the
// sanitizers see the server's stream lifetimes. Run under ASan/UBSan by scripts/cpp_tests.sh.
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "check.h"
#include "embedded_server.h"
#include "grpc_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
using Stream = grpc::ClientReaderWriter<inference::ModelInferRequest, inference::ModelStreamInferResponse>;

struct Fixture {
  tritonlink::server::EmbeddedServer server{"127.0.0.1:0"};
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub = inference::GRPCInferenceService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials()));
};

template <typename T>
void add_input(inference::ModelInferRequest& request, const std::string& name, const std::string& datatype,
               const std::vector<T>& values) {
  auto* input = request.add_inputs();
  input->set_name(name);
  input->set_datatype(datatype);
  input->add_shape(static_cast<int64_t>(values.size()));
  request.add_raw_input_contents(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)));
}

inference::ModelInferRequest repeat(const std::string& id, const std::vector<int32_t>& values,
                                    const std::vector<uint32_t>& delays_ms = {}) {
  inference::ModelInferRequest request;
  request.set_model_name("repeat");
  request.set_id(id);
  add_input(request, "IN", "INT32", values);
  if (!delays_ms.empty()) add_input(request, "DELAY_MS", "UINT32", delays_ms);
  (*request.mutable_parameters())["triton_enable_empty_final_response"].set_bool_param(true);
  return request;
}

bool is_final(const inference::ModelStreamInferResponse& response) {
  const auto& parameters = response.infer_response().parameters();
  const auto it = parameters.find("triton_final_response");
  return it != parameters.end() && it->second.bool_param();
}

uint32_t index_of(const inference::ModelStreamInferResponse& response) {
  uint32_t index = 0;
  const auto& raw = response.infer_response().raw_output_contents();
  if (raw.size() == 2 && raw[1].size() == sizeof index) std::memcpy(&index, raw[1].data(), sizeof index);
  return index;
}

}  // namespace

TEST(repeat_answers_in_order_and_a_half_closed_stream_ends_ok) {
  Fixture f;
  grpc::ClientContext context;
  auto stream = f.stub->ModelStreamInfer(&context);
  std::vector<int32_t> values(100);
  for (int i = 0; i < 100; ++i) values[i] = i;
  CHECK(stream->Write(repeat("many", values)));
  CHECK(stream->Write(repeat("late", {1, 2}, {50, 50})));
  stream->WritesDone();  // before the delayed answers: the server must still send them
  inference::ModelStreamInferResponse response;
  uint32_t next_many = 0;
  int finals = 0, late = 0;
  while (stream->Read(&response)) {
    CHECK(response.error_message().empty());
    if (is_final(response)) {
      ++finals;
    } else if (response.infer_response().id() == "many") {
      CHECK(index_of(response) == next_many++);
    } else {
      ++late;
    }
  }
  CHECK(next_many == 100 && late == 2 && finals == 2);
  CHECK(stream->Finish().ok());
}

TEST(a_refused_request_leaves_the_stream_open) {
  Fixture f;
  grpc::ClientContext context;
  auto stream = f.stub->ModelStreamInfer(&context);
  inference::ModelInferRequest unknown;
  unknown.set_model_name("no_such_model");
  unknown.set_id("unknown");
  CHECK(stream->Write(unknown));
  CHECK(stream->Write(repeat("known", {7})));
  stream->WritesDone();
  inference::ModelStreamInferResponse response;
  CHECK(stream->Read(&response) && !response.error_message().empty() && response.infer_response().id() == "unknown");
  CHECK(stream->Read(&response) && response.error_message().empty() && response.infer_response().id() == "known");
  CHECK(stream->Read(&response) && is_final(response));
  CHECK(!stream->Read(&response));
  CHECK(stream->Finish().ok());
}

TEST(a_cancelled_stream_ends_at_once_and_its_late_answers_go_nowhere) {
  Fixture f;
  for (int round = 0; round < 20; ++round) {
    grpc::ClientContext context;
    auto stream = f.stub->ModelStreamInfer(&context);
    CHECK(stream->Write(repeat("quick", {1})));
    CHECK(stream->Write(repeat("slow", {1, 2}, {0, 200})));
    inference::ModelStreamInferResponse response;
    CHECK(stream->Read(&response));
    context.TryCancel();
    while (stream->Read(&response)) {
    }
    CHECK(stream->Finish().error_code() == grpc::StatusCode::CANCELLED);
  }
  // The slow answers are still due; the server outlives their streams and takes them.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  grpc::ClientContext context;
  auto stream = f.stub->ModelStreamInfer(&context);
  CHECK(stream->Write(repeat("after", {3})));
  inference::ModelStreamInferResponse response;
  CHECK(stream->Read(&response) && response.infer_response().id() == "after");
  stream->WritesDone();
  while (stream->Read(&response)) {
  }
  CHECK(stream->Finish().ok());
}

TEST(shutdown_answers_what_is_in_progress_then_ends_open_streams) {
  Fixture f;
  constexpr int kStreams = 8;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < kStreams; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    streams.push_back(f.stub->ModelStreamInfer(contexts.back().get()));
    CHECK(streams.back()->Write(repeat("long", {1, 2}, {0, 60000})));
    inference::ModelStreamInferResponse first;
    CHECK(streams.back()->Read(&first) && index_of(first) == 0);
  }
  const auto start = Clock::now();
  f.server.shutdown();
  CHECK(Clock::now() - start < std::chrono::seconds(2));
  for (auto& stream : streams) {
    inference::ModelStreamInferResponse response;
    int answers = 0;
    while (stream->Read(&response)) ++answers;
    CHECK(answers == 2);  // the hurried second element and the final flag
    CHECK(stream->Finish().error_code() == grpc::StatusCode::UNAVAILABLE);
  }
}

TEST(a_server_destroyed_with_streams_open_does_not_wait_for_their_clients) {
  grpc::ClientContext context;
  std::unique_ptr<Stream> stream;
  {
    Fixture f;
    stream = f.stub->ModelStreamInfer(&context);
    CHECK(stream->Write(repeat("open", {1})));
    inference::ModelStreamInferResponse response;
    CHECK(stream->Read(&response));
  }  // the client neither half-closes nor cancels
  inference::ModelStreamInferResponse response;
  while (stream->Read(&response)) {
  }
  CHECK(!stream->Finish().ok());
}

int main() { return tritonlink::testing::run_all(); }
