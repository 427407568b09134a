#include "byte_buffers.h"

#include <memory>
#include <vector>

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
  if (!buffer.TrySingleSlice(slice.get()).ok()) buffer.DumpToSingleSlice(slice.get());
  std::string_view bytes(reinterpret_cast<const char*>(slice->begin()), slice->size());
  return MessageBytes{std::move(slice), bytes};
}

}  // namespace tritonlink
