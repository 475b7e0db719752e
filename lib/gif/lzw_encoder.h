// SPDX-License-Identifier: LGPL-2.1-or-later
// GIF LZW encoder: turns palette indices into the "table based image data" of a GIF frame (LZW
// minimum code size byte, 255-byte sub-blocks, block terminator). Codes grow 3..12 bits, a Clear
// code is sent when the table is full. The string table is a fixed hash table owned by the encoder,
// so encoding allocates nothing beyond growing the caller's output vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "gif/color_table.h"

namespace mk::gif {

class LzwEncoder {
 public:
  LzwEncoder() = default;

  // Appends the image data block for `count` indices to `out`. Every index must be below
  // 1 << min_code_size; min_code_size is 2..8 (GIF's rule: at least 2, even for 1-bit images).
  [[nodiscard]] Status encode(const uint8_t *indices, size_t count, int min_code_size,
                              std::vector<uint8_t> &out);

  // Like encode(), but where the exact string is not in the table it may take a string ending in a
  // colour of `table` within `max_distance` (RGB euclidean) of the wanted one, for longer matches
  // (gifsicle's --lossy idea, done greedily). The index actually coded is written back into
  // `indices`, so the caller knows what a decoder will show. The transparent index is never
  // substituted nor substituted for. max_distance 0 is the same as encode().
  [[nodiscard]] Status encodeLossy(uint8_t *indices, size_t count, int min_code_size,
                                   const ColorTable &table, int max_distance,
                                   std::vector<uint8_t> &out);

  // The colour distance the encoder's `lossy` setting allows: lossy / 4, so 20 (gifsicle's
  // default level) trades only near-identical colours.
  static int lossyDistance(int lossy) noexcept { return lossy / 4; }

  // A frame's code stream in pieces that can be coded at the same time, each by its own
  // LzwEncoder: a piece starts with an empty string table (the previous piece ends with a Clear
  // code) and holds kPiecePixels indices (the last one fewer), so how a frame is cut depends on
  // its size alone and the joined bytes are the same whichever thread coded which piece.
  static constexpr size_t kPiecePixels = size_t{1} << 17;
  static size_t pieceCount(size_t count) noexcept {
    return count == 0 ? 1 : (count + kPiecePixels - 1) / kPiecePixels;
  }
  struct Piece {
    // Codes, little-endian bit order, in the first (bits + 7) / 8 bytes (the last one partly
    // used); the vector may be longer: it keeps its size from piece to piece, so that coding
    // does not clear or grow it every time.
    std::vector<uint8_t> bytes;
    size_t bits = 0;
  };
  // Lossy coding as encodeLossy(); a null table or distance 0 is exact.
  struct PieceOptions {
    const ColorTable *table = nullptr;
    int max_distance = 0;
  };
  // Codes piece `piece` (of pieceCount(count)) of a frame's `count` indices. `indices` (where
  // lossy choices are written; may be null when exact) and `const_indices` are the whole
  // frame's, usually the same array.
  [[nodiscard]] Status encodePiece(uint8_t *indices, const uint8_t *const_indices, size_t count,
                                   size_t piece, int min_code_size, const PieceOptions &options,
                                   Piece &out);
  // Appends the image data block of the pieces (code size byte, sub-blocks, terminator).
  static void join(int min_code_size, const Piece *pieces, size_t n, std::vector<uint8_t> &out);

  // Smallest valid minimum code size for indices below `table_size` (2..8).
  static int minCodeSizeFor(int table_size) noexcept;

 private:
  static constexpr int kHashBits = 14;  // 16 Ki slots for at most 4 Ki strings: short probes
  static constexpr uint32_t kHashSize = 1u << kHashBits;
  static constexpr int kMaxNeighbors = 12;

  void resetTable() noexcept;
  // The code of string `key` ((prefix << 8) | next index), or -1 with `slot` where it would go.
  int find(uint32_t key, uint32_t &slot) const noexcept {
    slot = (key * 2654435761u) >> (32 - kHashBits);
    for (;;) {
      const uint32_t v = table_[slot];
      if (v == kFree) return -1;
      if ((v >> 12) == key) return static_cast<int>(v & 0xfff);
      slot = (slot + 1) & (kHashSize - 1);
    }
  }
  void putCode(int code) noexcept {
    bit_buf_ |= static_cast<uint64_t>(code) << bit_count_;
    bit_count_ += code_size_;
    if (bit_count_ >= 32) {
      for (int k = 0; k < 4; k++) dst_[k] = static_cast<uint8_t>(bit_buf_ >> (8 * k));
      dst_ += 4;
      bit_buf_ >>= 32;
      bit_count_ -= 32;
    }
  }
  Status run(uint8_t *indices, const uint8_t *const_indices, size_t count, int min_code_size,
             bool first, bool last, Piece &out);
  void buildNeighbors(const ColorTable &table, int max_distance) noexcept;

  // Open-addressed string table: (prefix code << 8 | next index) << 12 | code, or kFree. No
  // string is (4095 << 8 | 255) with code 4095: a prefix is always an older code.
  static constexpr uint32_t kFree = 0xffffffff;
  uint32_t table_[kHashSize];

  uint64_t bit_buf_ = 0;
  int bit_count_ = 0;
  uint8_t *dst_ = nullptr;  // where the next 4 whole bytes of codes go
  int code_size_ = 0;
  int next_code_ = 0;
  int clear_code_ = 0;
  Piece single_;

  // Lossy: for each index, the other indices close enough to stand in for it, nearest first.
  bool lossy_ = false;
  uint8_t neighbors_[256][kMaxNeighbors] = {};
  uint8_t neighbor_count_[256] = {};
};

}  // namespace mk::gif
