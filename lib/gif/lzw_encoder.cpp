// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/lzw_encoder.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace mk::gif {

namespace {
constexpr int kMaxCodes = 4096;
}

int LzwEncoder::minCodeSizeFor(int table_size) noexcept {
  int bits = 2;
  while (bits < 8 && (1 << bits) < table_size) bits++;
  return bits;
}

void LzwEncoder::resetTable() noexcept {
  std::memset(table_, 0xff, sizeof(table_));
  code_size_ = 0;
}

void LzwEncoder::buildNeighbors(const ColorTable &table, int max_distance) noexcept {
  const int limit = max_distance * max_distance;
  for (int i = 0; i < 256; i++) neighbor_count_[i] = 0;
  for (int i = 0; i < table.size; i++) {
    if (i == table.transparent) continue;
    // Keep the kMaxNeighbors nearest within the limit, sorted by distance then index.
    int dist[kMaxNeighbors];
    int n = 0;
    for (int j = 0; j < table.size; j++) {
      if (j == i || j == table.transparent) continue;
      int dr = table.entries[i].r - table.entries[j].r;
      int dg = table.entries[i].g - table.entries[j].g;
      int db = table.entries[i].b - table.entries[j].b;
      int d = dr * dr + dg * dg + db * db;
      if (d > limit) continue;
      if (n == kMaxNeighbors && d >= dist[n - 1]) continue;
      int k = n < kMaxNeighbors ? n++ : n - 1;
      while (k > 0 && dist[k - 1] > d) {
        dist[k] = dist[k - 1];
        neighbors_[i][k] = neighbors_[i][k - 1];
        k--;
      }
      dist[k] = d;
      neighbors_[i][k] = static_cast<uint8_t>(j);
    }
    neighbor_count_[i] = static_cast<uint8_t>(n);
  }
}

Status LzwEncoder::run(uint8_t *indices, const uint8_t *const_indices, size_t count,
                       int min_code_size, bool first, bool last, Piece &out) {
  if (min_code_size < 2 || min_code_size > 8)
    return Status(Errc::kInvalidArgument,
                  "LZW minimum code size " + std::to_string(min_code_size) + " is outside 2..8");
  const int limit = 1 << min_code_size;
  unsigned high = 0;  // any bit at or above min_code_size in any index
  for (size_t i = 0; i < count; i++) high |= const_indices[i] >> min_code_size;
  for (size_t i = 0; high && i < count; i++)
    if (const_indices[i] >= limit)
      return Status(Errc::kInvalidArgument,
                    "pixel index " + std::to_string(const_indices[i]) + " at " + std::to_string(i) +
                        " does not fit the LZW code size " + std::to_string(min_code_size));
  // At most one code a pixel, a Clear every 4096 - limit - 2 codes, the first Clear and End; 12
  // bits each at most; 4 bytes of slack for the whole-word stores of putCode().
  const size_t max_codes = count + count / 64 + 4;
  const size_t max_bytes = max_codes * 12 / 8 + 8;
  if (out.bytes.size() < max_bytes) {
    try {
      out.bytes.resize(max_bytes);
    } catch (const std::bad_alloc &) {
      return Status(Errc::kNoMemory, "no memory for " + std::to_string(count) + " LZW codes");
    }
  }

  clear_code_ = limit;
  const int end_code = clear_code_ + 1;
  bit_buf_ = 0;
  bit_count_ = 0;
  dst_ = out.bytes.data();

  resetTable();
  code_size_ = min_code_size + 1;
  next_code_ = end_code + 1;
  // A leading Clear: some decoders (Wuffs, image-gif) insist on it. Later pieces follow the Clear
  // their predecessor ended with.
  if (first) putCode(clear_code_);

  if (count > 0) {
    uint32_t prefix = const_indices[0];
    for (size_t i = 1; i < count; i++) {
      const uint32_t c = const_indices[i];
      const uint32_t key = (prefix << 8) | c;
      uint32_t slot = 0;
      int found = find(key, slot);
      if (found < 0 && lossy_) {
        for (int k = 0; k < neighbor_count_[c]; k++) {
          const int alt = neighbors_[c][k];
          uint32_t alt_slot = 0;
          found = find((prefix << 8) | static_cast<uint32_t>(alt), alt_slot);
          if (found >= 0) {
            indices[i] = static_cast<uint8_t>(alt);
            break;
          }
        }
      }
      if (found >= 0) {
        prefix = static_cast<uint32_t>(found);
        continue;
      }
      putCode(static_cast<int>(prefix));
      if (next_code_ < kMaxCodes) {
        // The decoder learns this entry one code later; it needs a wider code once the entry
        // number no longer fits, which is when we widen too.
        if (next_code_ == (1 << code_size_) && code_size_ < 12) code_size_++;
        table_[slot] = (key << 12) | static_cast<uint32_t>(next_code_++);
      } else {
        // Table full: start over rather than keep coding with a stale table.
        putCode(clear_code_);
        resetTable();
        code_size_ = min_code_size + 1;
        next_code_ = end_code + 1;
      }
      prefix = c;
    }
    putCode(static_cast<int>(prefix));
    // The decoder adds an entry after this code too, and widens its codes if that entry
    // reaches the limit; the next code (End, or the Clear that starts the next piece) must be
    // written at the width it will read.
    if (next_code_ < kMaxCodes && next_code_ == (1 << code_size_) && code_size_ < 12) code_size_++;
  }
  putCode(last ? end_code : clear_code_);
  out.bits = static_cast<size_t>(dst_ - out.bytes.data()) * 8 + static_cast<size_t>(bit_count_);
  for (; bit_count_ > 0; bit_count_ -= 8, bit_buf_ >>= 8)
    *dst_++ = static_cast<uint8_t>(bit_buf_ & 0xff);
  bit_count_ = 0;
  return Status::ok();
}

Status LzwEncoder::encodePiece(uint8_t *indices, const uint8_t *const_indices, size_t count,
                               size_t piece, int min_code_size, const PieceOptions &options,
                               Piece &out) {
  const size_t pieces = pieceCount(count);
  const size_t begin = piece * kPiecePixels;
  const size_t n = piece + 1 < pieces ? kPiecePixels : count - begin;
  lossy_ = options.table && options.max_distance > 0;
  if (lossy_) buildNeighbors(*options.table, options.max_distance);
  out.bits = 0;
  return run(indices ? indices + begin : nullptr, const_indices + begin, n, min_code_size,
             piece == 0, piece + 1 == pieces, out);
}

void LzwEncoder::join(int min_code_size, const Piece *pieces, size_t n, std::vector<uint8_t> &out) {
  out.push_back(static_cast<uint8_t>(min_code_size));
  uint8_t block[255];
  int len = 0;
  auto put = [&](uint8_t b) {
    block[len++] = b;
    if (len == 255) {
      out.push_back(255);
      out.insert(out.end(), block, block + 255);
      len = 0;
    }
  };
  uint32_t acc = 0;  // bits not yet a whole byte
  int acc_bits = 0;
  for (size_t p = 0; p < n; p++) {
    const Piece &piece = pieces[p];
    size_t left = piece.bits;
    for (size_t i = 0; left > 0; i++) {
      const int take = left >= 8 ? 8 : static_cast<int>(left);
      acc |= static_cast<uint32_t>(piece.bytes[i] & ((1u << take) - 1)) << acc_bits;
      acc_bits += take;
      left -= static_cast<size_t>(take);
      if (acc_bits >= 8) {
        put(static_cast<uint8_t>(acc & 0xff));
        acc >>= 8;
        acc_bits -= 8;
      }
    }
  }
  if (acc_bits > 0) put(static_cast<uint8_t>(acc & 0xff));
  if (len > 0) {
    out.push_back(static_cast<uint8_t>(len));
    out.insert(out.end(), block, block + len);
  }
  out.push_back(0);
}

Status LzwEncoder::encode(const uint8_t *indices, size_t count, int min_code_size,
                          std::vector<uint8_t> &out) {
  return encodeLossy(const_cast<uint8_t *>(indices), count, min_code_size, ColorTable{}, 0, out);
}

Status LzwEncoder::encodeLossy(uint8_t *indices, size_t count, int min_code_size,
                               const ColorTable &table, int max_distance,
                               std::vector<uint8_t> &out) {
  PieceOptions options;
  options.table = &table;
  options.max_distance = max_distance;
  const size_t pieces = pieceCount(count);
  if (pieces == 1) {
    if (Status st = encodePiece(indices, indices, count, 0, min_code_size, options, single_); !st)
      return st;
    join(min_code_size, &single_, 1, out);
    return Status::ok();
  }
  std::vector<Piece> parts(pieces);
  for (size_t p = 0; p < pieces; p++) {
    if (Status st = encodePiece(indices, indices, count, p, min_code_size, options, parts[p]); !st)
      return st;
  }
  join(min_code_size, parts.data(), pieces, out);
  return Status::ok();
}

}  // namespace mk::gif
