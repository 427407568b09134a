// cpp_floor: ModelInfer and ModelStreamInfer as a plain C++ user would call them with the
// generated grpc++ stubs.
//
// It is the floor the Python clients are measured against: a ModelInferRequest protobuf built
// per call with the payload copied into raw_input_contents, the generated stub, protobuf parsing
// of the response. No tritonlink code is involved.
//
//   cpp_floor --url 127.0.0.1:8001 --model identity --bytes 65536 --mode sync --requests 1000
//   cpp_floor --url ... --bytes 64 --mode async --in-flight 64 --seconds 2
//   cpp_floor --url ... --model repeat --mode stream --responses 1000 --in-flight 1 --seconds 2
//
// Prints one JSON line. sync: latency percentiles of N calls made one after another.
// async: infer/s with K calls kept in flight on one CompletionQueue, for N requests or T seconds.
// memory: the peak resident memory one call adds (Linux: VmHWM after resetting it through
// /proc/self/clear_refs), after a small warm-up call has connected the channel.
// stream: responses/s from the decoupled `repeat` model on one ModelStreamInfer stream, K
// requests of R elements kept outstanding (each answered by R responses and an empty final one).
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "grpc_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string url = "127.0.0.1:8001";
  std::string model = "identity";
  size_t bytes = 64;
  std::string mode = "sync";
  int in_flight = 1;
  long requests = 1000;  // with --seconds, an upper bound
  double seconds = 0;    // async, stream: stop starting new calls after this long (0: use --requests)
  long warmup = 10;
  long responses = 1;  // stream: elements of each request's IN, so responses per request
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr,
      "cpp_floor: %s\nusage: cpp_floor [--url HOST:PORT] [--model NAME] [--bytes B] [--mode sync|async|memory|stream]\n"
      "                 [--in-flight K] [--requests N] [--seconds T] [--warmup W] [--responses R]\n",
      why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") usage("help");
    if (i + 1 >= argc) usage(("missing value for " + flag).c_str());
    const char* value = argv[++i];
    try {
      if (flag == "--url") o.url = value;
      else if (flag == "--model") o.model = value;
      else if (flag == "--bytes") o.bytes = std::stoull(value);
      else if (flag == "--mode") o.mode = value;
      else if (flag == "--in-flight") o.in_flight = std::stoi(value);
      else if (flag == "--requests") o.requests = std::stol(value);
      else if (flag == "--seconds") o.seconds = std::stod(value);
      else if (flag == "--warmup") o.warmup = std::stol(value);
      else if (flag == "--responses") o.responses = std::stol(value);
      else usage(("unknown flag " + flag).c_str());
    } catch (const std::logic_error&) {
      usage(("bad value for " + flag).c_str());
    }
  }
  if (o.mode != "sync" && o.mode != "async" && o.mode != "memory" && o.mode != "stream") {
    usage("--mode must be sync, async, memory or stream");
  }
  if (o.bytes % 4 != 0) usage("--bytes must be a multiple of 4 (FP32)");
  if (o.in_flight < 1 || o.requests < 1 || o.warmup < 0 || o.responses < 0) usage("counts must be positive");
  return o;
}

// What a C++ user writes per call: a fresh request with the payload copied in.
void fill_request(const Options& o, const std::string& payload, inference::ModelInferRequest* request) {
  request->set_model_name(o.model);
  auto* input = request->add_inputs();
  input->set_name("INPUT0");
  input->set_datatype("FP32");
  input->add_shape(static_cast<int64_t>(o.bytes / 4));
  request->add_raw_input_contents()->assign(payload);
}

void check_response(const grpc::Status& status, const inference::ModelInferResponse& response, size_t bytes) {
  if (!status.ok()) {
    throw std::runtime_error("ModelInfer failed: code " + std::to_string(status.error_code()) + ": " +
                             status.error_message());
  }
  if (response.raw_output_contents_size() != 1 || response.raw_output_contents(0).size() != bytes) {
    throw std::runtime_error("unexpected response: not one output of the request's size");
  }
}

std::shared_ptr<grpc::Channel> make_channel(const std::string& url) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  return grpc::CreateCustomChannel(url, grpc::InsecureChannelCredentials(), args);
}

// User + system CPU seconds of this process, all threads (gRPC's own included): what the
// Python clients' CPU per request is compared with.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double percentile_us(std::vector<double>& sorted_us, double q) {
  if (sorted_us.empty()) return 0;
  size_t index = static_cast<size_t>(q * static_cast<double>(sorted_us.size() - 1) + 0.5);
  return sorted_us[std::min(index, sorted_us.size() - 1)];
}

void sync_call(inference::GRPCInferenceService::Stub& stub, const Options& o, const std::string& payload) {
  inference::ModelInferRequest request;
  fill_request(o, payload, &request);
  inference::ModelInferResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub.ModelInfer(&context, request, &response);
  check_response(status, response, o.bytes);
}

void run_sync(inference::GRPCInferenceService::Stub& stub, const Options& o, const std::string& payload) {
  for (long i = 0; i < o.warmup; ++i) sync_call(stub, o, payload);
  std::vector<double> latencies_us;
  latencies_us.reserve(static_cast<size_t>(o.requests));
  const double cpu_began = process_cpu_seconds();
  const auto began = Clock::now();
  for (long i = 0; i < o.requests; ++i) {
    const auto start = Clock::now();
    sync_call(stub, o, payload);
    latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - began).count();
  const double cpu_us = (process_cpu_seconds() - cpu_began) * 1e6;
  std::sort(latencies_us.begin(), latencies_us.end());
  std::printf(
      "{\"mode\":\"sync\",\"model\":\"%s\",\"bytes\":%zu,\"requests\":%ld,\"seconds\":%.6f,"
      "\"infer_per_s\":%.1f,\"cpu_us_per_request\":%.2f,\"p50_us\":%.1f,\"p95_us\":%.1f,\"p99_us\":%.1f,"
      "\"max_us\":%.1f}\n",
      o.model.c_str(), o.bytes, o.requests, elapsed, static_cast<double>(o.requests) / elapsed,
      cpu_us / static_cast<double>(o.requests), percentile_us(latencies_us, 0.50), percentile_us(latencies_us, 0.95),
      percentile_us(latencies_us, 0.99), latencies_us.back());
}

// One call in flight on the completion queue; its address is the tag.
struct AsyncCall {
  grpc::ClientContext context;
  inference::ModelInferRequest request;
  inference::ModelInferResponse response;
  grpc::Status status;
  Clock::time_point started;
  std::unique_ptr<grpc::ClientAsyncResponseReader<inference::ModelInferResponse>> reader;
};

class AsyncRunner {
 public:
  AsyncRunner(inference::GRPCInferenceService::Stub& stub, const Options& o, const std::string& payload)
      : stub_(stub), o_(o), payload_(payload) {}

  // Keeps `in_flight` calls going until `total` have been started (or `seconds` have passed,
  // when positive), then drains. Returns the latencies of the completed calls.
  std::vector<double> run(long total, double seconds) {
    std::vector<double> latencies_us;
    latencies_us.reserve(static_cast<size_t>(std::min<long>(total, 1 << 22)));
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    long started = 0, pending = 0;
    auto may_start = [&] { return started < total && (seconds <= 0 || Clock::now() < deadline); };
    while (pending < o_.in_flight && may_start()) {
      start();
      ++started;
      ++pending;
    }
    void* tag = nullptr;
    bool ok = false;
    while (pending > 0 && cq_.Next(&tag, &ok)) {
      std::unique_ptr<AsyncCall> call(static_cast<AsyncCall*>(tag));
      --pending;
      if (!ok) throw std::runtime_error("completion queue reported a failed Finish");
      check_response(call->status, call->response, o_.bytes);
      latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - call->started).count());
      if (may_start()) {
        start();
        ++started;
        ++pending;
      }
    }
    return latencies_us;
  }

  ~AsyncRunner() {
    cq_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (cq_.Next(&tag, &ok)) delete static_cast<AsyncCall*>(tag);
  }

 private:
  void start() {
    auto call = std::make_unique<AsyncCall>();
    fill_request(o_, payload_, &call->request);
    call->started = Clock::now();
    call->reader = stub_.PrepareAsyncModelInfer(&call->context, call->request, &cq_);
    call->reader->StartCall();
    AsyncCall* raw = call.release();
    raw->reader->Finish(&raw->response, &raw->status, raw);
  }

  inference::GRPCInferenceService::Stub& stub_;
  const Options& o_;
  const std::string& payload_;
  grpc::CompletionQueue cq_;
};

void run_async(inference::GRPCInferenceService::Stub& stub, const Options& o, const std::string& payload) {
  AsyncRunner runner(stub, o, payload);
  runner.run(o.warmup, 0);
  const double cpu_began = process_cpu_seconds();
  const auto began = Clock::now();
  std::vector<double> latencies_us = runner.run(o.requests, o.seconds);
  const double elapsed = std::chrono::duration<double>(Clock::now() - began).count();
  const double cpu_us = (process_cpu_seconds() - cpu_began) * 1e6;
  std::sort(latencies_us.begin(), latencies_us.end());
  std::printf(
      "{\"mode\":\"async\",\"model\":\"%s\",\"bytes\":%zu,\"in_flight\":%d,\"requests\":%zu,\"seconds\":%.6f,"
      "\"infer_per_s\":%.1f,\"cpu_us_per_request\":%.2f,\"p50_us\":%.1f,\"p95_us\":%.1f,\"p99_us\":%.1f}\n",
      o.model.c_str(), o.bytes, o.in_flight, latencies_us.size(), elapsed,
      static_cast<double>(latencies_us.size()) / elapsed, cpu_us / static_cast<double>(latencies_us.size()),
      percentile_us(latencies_us, 0.50), percentile_us(latencies_us, 0.95), percentile_us(latencies_us, 0.99));
}

// VmHWM of this process in bytes, or -1 where /proc does not say.
long long peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return -1;
}

void run_memory(inference::GRPCInferenceService::Stub& stub, const Options& o, const std::string& payload) {
  Options small = o;
  small.bytes = 4;
  sync_call(stub, small, std::string(4, '\0'));
  {
    std::ofstream clear_refs("/proc/self/clear_refs");
    clear_refs << "5";  // resets VmHWM to the current resident size
    if (!clear_refs.flush()) throw std::runtime_error("cannot write /proc/self/clear_refs");
  }
  const long long before = peak_resident_bytes();
  sync_call(stub, o, payload);
  const long long after = peak_resident_bytes();
  std::printf(
      "{\"mode\":\"memory\",\"model\":\"%s\",\"bytes\":%zu,\"hwm_before\":%lld,\"hwm_after\":%lld,"
      "\"extra_peak_bytes\":%lld}\n",
      o.model.c_str(), o.bytes, before, after, after - before);
}

// ---- stream: the decoupled `repeat` model on one ModelStreamInfer stream ----

// A repeat request whose IN holds `elements`; it asks the server to end the request's answers
// with an empty response carrying only the final flag, since that is how a client sees the end.
void fill_repeat_request(const Options& o, const std::string& elements, inference::ModelInferRequest* request) {
  request->set_model_name(o.model);
  auto* input = request->add_inputs();
  input->set_name("IN");
  input->set_datatype("INT32");
  input->add_shape(o.responses);
  request->add_raw_input_contents()->assign(elements);
  (*request->mutable_parameters())["triton_enable_empty_final_response"].set_bool_param(true);
}

bool is_final(const inference::ModelInferResponse& response) {
  const auto flag = response.parameters().find("triton_final_response");
  return flag != response.parameters().end() && flag->second.bool_param();
}

// IN is [0, 1, ...], so the response for element i holds OUT = [i] (INT32) and IDX = [i]
// (UINT32): the same four bytes, whichever order the outputs come in.
void check_repeat_response(const inference::ModelInferResponse& response) {
  if (response.raw_output_contents_size() != 2 || response.raw_output_contents(0).size() != 4 ||
      response.raw_output_contents(0) != response.raw_output_contents(1)) {
    throw std::runtime_error("unexpected repeat response: not OUT = IDX = [i]");
  }
}

struct StreamCounts {
  long requests = 0;
  long responses = 0;  // those with outputs; the empty final ones are not counted
};

// One stream on a CompletionQueue, with at most one write and one read outstanding at a time
// (what the async API allows); a tag names the operation it completes.
class StreamRunner {
 public:
  StreamRunner(inference::GRPCInferenceService::Stub& stub, const Options& o, const std::string& elements)
      : o_(o), elements_(elements), stream_(stub.PrepareAsyncModelStreamInfer(&context_, &cq_)) {
    stream_->StartCall(tag(Op::kStart));
    await(Op::kStart);
  }

  // Keeps `in_flight` requests outstanding until `total` have been sent (or `seconds` have
  // passed, when positive), then waits for the final response of each.
  StreamCounts run(long total, double seconds) {
    StreamCounts counts;
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto send_if_allowed = [&] {
      if (writing_ || outstanding_ >= o_.in_flight || counts.requests >= total) return;
      if (seconds > 0 && Clock::now() >= deadline) return;
      write();
      ++counts.requests;
    };
    send_if_allowed();
    // A write's completion may come after its request's final response: wait for both.
    while (outstanding_ > 0 || writing_) {
      if (outstanding_ > 0 && !reading_) read();
      if (next() == Op::kRead) {
        if (!response_.error_message().empty())
          throw std::runtime_error("error response: " + response_.error_message());
        const inference::ModelInferResponse& response = response_.infer_response();
        if (response.raw_output_contents_size() > 0) {
          check_repeat_response(response);
          ++counts.responses;
        }
        if (is_final(response)) --outstanding_;
      }
      send_if_allowed();
    }
    return counts;
  }

  // Ends the stream, once: half-closes it when nothing is outstanding, cancels it otherwise
  // (the server may be waiting for us to read); returns the server's status.
  grpc::Status finish() {
    if (outstanding_ > 0 || reading_ || writing_) {
      context_.TryCancel();
    } else {
      stream_->WritesDone(tag(Op::kWritesDone));
      await(Op::kWritesDone);
    }
    return receive_status();
  }

  ~StreamRunner() {
    if (!finished_) finish();  // after an error: its status no longer matters
    cq_.Shutdown();
    void* ignored_tag = nullptr;
    bool ignored_ok = false;
    while (cq_.Next(&ignored_tag, &ignored_ok)) {
    }
  }

 private:
  enum class Op : intptr_t { kStart = 1, kWrite, kRead, kWritesDone, kFinish };

  static void* tag(Op op) { return reinterpret_cast<void*>(static_cast<intptr_t>(op)); }

  void write() {
    request_ = std::make_unique<inference::ModelInferRequest>();  // kept until the write completes
    fill_repeat_request(o_, elements_, request_.get());
    stream_->Write(*request_, tag(Op::kWrite));
    writing_ = true;
    ++outstanding_;
  }

  void read() {
    stream_->Read(&response_, tag(Op::kRead));
    reading_ = true;
  }

  // Waits for the stream's status, once.
  grpc::Status receive_status() {
    finished_ = true;
    grpc::Status status;
    stream_->Finish(&status, tag(Op::kFinish));
    await(Op::kFinish);
    return status;
  }

  // The next completion, its operation marked done. A failed write or read means the stream
  // ended: its status says why (cancelling first would replace it with CANCELLED).
  Op next() {
    void* raw_tag = nullptr;
    bool ok = false;
    if (!cq_.Next(&raw_tag, &ok)) throw std::runtime_error("completion queue shut down");
    const Op op = static_cast<Op>(reinterpret_cast<intptr_t>(raw_tag));
    if (op == Op::kWrite) writing_ = false;
    if (op == Op::kRead) reading_ = false;
    if (!ok && (op == Op::kWrite || op == Op::kRead)) {
      const grpc::Status status = receive_status();
      throw std::runtime_error("ModelStreamInfer ended early: code " + std::to_string(status.error_code()) + ": " +
                               status.error_message());
    }
    return op;
  }

  void await(Op op) {
    void* raw_tag = nullptr;
    bool ok = false;
    while (cq_.Next(&raw_tag, &ok)) {
      const Op done = static_cast<Op>(reinterpret_cast<intptr_t>(raw_tag));
      if (done == Op::kWrite) writing_ = false;
      if (done == Op::kRead) reading_ = false;
      if (done == op) return;
    }
  }

  const Options& o_;
  const std::string& elements_;
  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<inference::ModelInferRequest, inference::ModelStreamInferResponse>>
      stream_;
  std::unique_ptr<inference::ModelInferRequest> request_;
  inference::ModelStreamInferResponse response_;
  long outstanding_ = 0;  // requests sent whose final response has not come yet
  bool writing_ = false;
  bool reading_ = false;
  bool finished_ = false;
};

void run_stream(inference::GRPCInferenceService::Stub& stub, const Options& o) {
  std::string elements(static_cast<size_t>(o.responses) * sizeof(int32_t), '\0');
  for (int32_t i = 0; i < o.responses; ++i) std::memcpy(&elements[i * sizeof(int32_t)], &i, sizeof(int32_t));
  StreamRunner runner(stub, o, elements);
  runner.run(o.warmup, 0);
  const double cpu_began = process_cpu_seconds();
  const auto began = Clock::now();
  const StreamCounts counts = runner.run(o.requests, o.seconds);
  const double elapsed = std::chrono::duration<double>(Clock::now() - began).count();
  const double cpu_us = (process_cpu_seconds() - cpu_began) * 1e6;
  const grpc::Status status = runner.finish();
  if (!status.ok()) {
    throw std::runtime_error("ModelStreamInfer failed: code " + std::to_string(status.error_code()) + ": " +
                             status.error_message());
  }
  std::printf(
      "{\"mode\":\"stream\",\"model\":\"%s\",\"responses_per_request\":%ld,\"in_flight\":%d,\"requests\":%ld,"
      "\"responses\":%ld,\"seconds\":%.6f,\"responses_per_s\":%.1f,\"cpu_us_per_response\":%.2f}\n",
      o.model.c_str(), o.responses, o.in_flight, counts.requests, counts.responses, elapsed,
      static_cast<double>(counts.responses) / elapsed, cpu_us / static_cast<double>(counts.responses));
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  // Debian builds abseil without NDEBUG, so its Mutex checks lock order on every lock gRPC
  // takes; tritonlink turns that off (csrc/core/grpc_runtime.h), and so does the floor.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // FP32 ones: any fixed pattern will do; the server echoes it back.
  std::string payload(o.bytes, '\0');
  const float one = 1.0f;
  for (size_t i = 0; i + sizeof(float) <= payload.size(); i += sizeof(float))
    std::memcpy(&payload[i], &one, sizeof(float));

  auto stub = inference::GRPCInferenceService::NewStub(make_channel(o.url));
  try {
    if (o.mode == "sync") run_sync(*stub, o, payload);
    else if (o.mode == "async") run_async(*stub, o, payload);
    else if (o.mode == "stream") run_stream(*stub, o);
    else run_memory(*stub, o, payload);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cpp_floor: %s\n", e.what());
    return 1;
  }
  std::fflush(stdout);
  return 0;
}
