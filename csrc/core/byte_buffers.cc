#include "byte_buffers.h"

#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "receive_blocks.h"

namespace tritonlink {

grpc::ByteBuffer lend_request(const InferRequest& request, PayloadLease& lease) {
  const EncodedRequest encoded = encode_infer_request(request);
  std::vector<grpc::Slice> slices;
  slices.reserve(encoded.pieces().size());
  for (const auto& piece : encoded.pieces()) {
    if (piece.borrowed) {
      slices.push_back(lease.lend(piece.borrowed, piece.size));
    } else {
      slices.emplace_back(encoded.piece_data(piece), piece.size);
    }
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

MessageBytes contiguous_bytes(const grpc::ByteBuffer& buffer) {
  auto slice = std::make_shared<grpc::Slice>();
  if (buffer.TrySingleSlice(slice.get()).ok()) {
    std::string_view bytes(reinterpret_cast<const char*>(slice->begin()), slice->size());
    return MessageBytes{std::move(slice), bytes};
  }
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) throw std::bad_alloc();  // Dump fails only without memory
  std::shared_ptr<char> block = take_receive_block(buffer.Length());
  char* end = block.get();
  for (const grpc::Slice& piece : slices) {
    std::memcpy(end, piece.begin(), piece.size());
    end += piece.size();
  }
  std::string_view bytes(block.get(), static_cast<size_t>(end - block.get()));
  return MessageBytes{std::move(block), bytes};
}

namespace {

// Decodes `received` with `decode`, turning what can go wrong into a status.
template <typename Decode>
grpc::Status decode_received(const grpc::ByteBuffer& received, const char* what, Decode decode) {
  try {
    decode(contiguous_bytes(received));
  } catch (const wire::MalformedMessage& e) {
    return grpc::Status(grpc::StatusCode::INTERNAL, std::string("malformed ") + what + ": " + e.what());
  } catch (const std::bad_alloc&) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        std::string("no memory for a ") + what + " of " + std::to_string(received.Length()) + " bytes");
  }
  return grpc::Status::OK;
}

}  // namespace

grpc::Status decode_received_response(const grpc::ByteBuffer& received, std::shared_ptr<InferResponse>* response) {
  return decode_received(received, "ModelInferResponse",
                         [response](MessageBytes bytes) { *response = decode_infer_response(std::move(bytes)); });
}

grpc::Status decode_received_stream_response(const grpc::ByteBuffer& received, StreamResponse* response) {
  return decode_received(received, "ModelStreamInferResponse",
                         [response](MessageBytes bytes) { *response = decode_stream_response(std::move(bytes)); });
}

}  // namespace tritonlink
