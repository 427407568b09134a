#include "byte_buffers.h"

#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "receive_blocks.h"

namespace tritonlink {

grpc::ByteBuffer to_byte_buffer(const EncodedRequest& encoded, const LendSlice& lend) {
  std::vector<grpc::Slice> slices;
  slices.reserve(encoded.pieces().size());
  for (const auto& piece : encoded.pieces()) {
    if (piece.borrowed) {
      slices.push_back(lend(piece.borrowed, piece.size));
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

grpc::Status decode_received_response(const grpc::ByteBuffer& received, std::shared_ptr<InferResponse>* response) {
  try {
    *response = decode_infer_response(contiguous_bytes(received));
  } catch (const wire::MalformedMessage& e) {
    return grpc::Status(grpc::StatusCode::INTERNAL, std::string("malformed ModelInferResponse: ") + e.what());
  } catch (const std::bad_alloc&) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "no memory for a ModelInferResponse of " + std::to_string(received.Length()) + " bytes");
  }
  return grpc::Status::OK;
}

}  // namespace tritonlink
