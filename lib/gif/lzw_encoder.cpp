// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/lzw_encoder.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace mk::gif {

namespace {
constexpr int kMaxCodes = 4096;
}

int LzwEncoder::minCodeSizeFor(int tableSize) noexcept {
  int bits = 2;
  while (bits < 8 && (1 << bits) < tableSize) bits++;
  return bits;
}

void LzwEncoder::resetTable() noexcept {
  std::memset(keys_, 0, sizeof(keys_));
  codeSize_ = 0;
}

int LzwEncoder::lookup(uint32_t key) const noexcept {
  uint32_t h = (key * 2654435761u) >> (32 - kHashBits);
  while (keys_[h] != 0) {
    if (keys_[h] == key) return codes_[h];
    h = (h + 1) & (kHashSize - 1);
  }
  return -1;
}

void LzwEncoder::insert(uint32_t key, int code) noexcept {
  uint32_t h = (key * 2654435761u) >> (32 - kHashBits);
  while (keys_[h] != 0) h = (h + 1) & (kHashSize - 1);
  keys_[h] = key;
  codes_[h] = static_cast<uint16_t>(code);
}

void LzwEncoder::flushBits(std::vector<uint8_t> &out, bool final) noexcept {
  while (bitCount_ >= 8 || (final && bitCount_ > 0)) {
    block_[blockLen_++] = static_cast<uint8_t>(bitBuf_ & 0xff);
    bitBuf_ >>= 8;
    bitCount_ = bitCount_ >= 8 ? bitCount_ - 8 : 0;
    if (blockLen_ == 255) {
      out.push_back(255);
      out.insert(out.end(), block_, block_ + 255);
      blockLen_ = 0;
    }
  }
  if (final && blockLen_ > 0) {
    out.push_back(static_cast<uint8_t>(blockLen_));
    out.insert(out.end(), block_, block_ + blockLen_);
    blockLen_ = 0;
  }
}

void LzwEncoder::putCode(int code, std::vector<uint8_t> &out) noexcept {
  bitBuf_ |= static_cast<uint64_t>(code) << bitCount_;
  bitCount_ += codeSize_;
  if (bitCount_ >= 32) flushBits(out, false);
}

void LzwEncoder::buildNeighbors(const ColorTable &table, int maxDistance) noexcept {
  const int limit = maxDistance * maxDistance;
  for (int i = 0; i < 256; i++) neighborCount_[i] = 0;
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
    neighborCount_[i] = static_cast<uint8_t>(n);
  }
}

Status LzwEncoder::run(uint8_t *indices, const uint8_t *constIndices, size_t count, int minCodeSize,
                       std::vector<uint8_t> &out) {
  if (minCodeSize < 2 || minCodeSize > 8)
    return Status(Errc::kInvalidArgument,
                  "LZW minimum code size " + std::to_string(minCodeSize) + " is outside 2..8");
  const int limit = 1 << minCodeSize;
  for (size_t i = 0; i < count; i++)
    if (constIndices[i] >= limit)
      return Status(Errc::kInvalidArgument,
                    "pixel index " + std::to_string(constIndices[i]) + " at " + std::to_string(i) +
                        " does not fit the LZW code size " + std::to_string(minCodeSize));

  clearCode_ = limit;
  const int endCode = clearCode_ + 1;
  bitBuf_ = 0;
  bitCount_ = 0;
  blockLen_ = 0;
  out.push_back(static_cast<uint8_t>(minCodeSize));

  resetTable();
  codeSize_ = minCodeSize + 1;
  nextCode_ = endCode + 1;
  // A leading Clear: some decoders (Wuffs, image-gif) insist on it.
  putCode(clearCode_, out);

  if (count > 0) {
    int prefix = constIndices[0];
    for (size_t i = 1; i < count; i++) {
      int c = constIndices[i];
      uint32_t key = ((static_cast<uint32_t>(prefix) << 8) | static_cast<uint32_t>(c)) + 1;
      int found = lookup(key);
      if (found < 0 && lossy_) {
        for (int k = 0; k < neighborCount_[c]; k++) {
          int alt = neighbors_[c][k];
          uint32_t altKey = ((static_cast<uint32_t>(prefix) << 8) | static_cast<uint32_t>(alt)) + 1;
          found = lookup(altKey);
          if (found >= 0) {
            indices[i] = static_cast<uint8_t>(alt);
            break;
          }
        }
      }
      if (found >= 0) {
        prefix = found;
        continue;
      }
      putCode(prefix, out);
      if (nextCode_ < kMaxCodes) {
        // The decoder learns this entry one code later; it needs a wider code once the entry
        // number no longer fits, which is when we widen too.
        if (nextCode_ == (1 << codeSize_) && codeSize_ < 12) codeSize_++;
        insert(key, nextCode_++);
      } else {
        // Table full: start over rather than keep coding with a stale table.
        putCode(clearCode_, out);
        resetTable();
        codeSize_ = minCodeSize + 1;
        nextCode_ = endCode + 1;
      }
      prefix = c;
    }
    putCode(prefix, out);
    // The decoder adds an entry after this code too, and widens its codes if that entry
    // reaches the limit; the End code must be written at the width it will read.
    if (nextCode_ < kMaxCodes && nextCode_ == (1 << codeSize_) && codeSize_ < 12) codeSize_++;
  }
  putCode(endCode, out);
  flushBits(out, true);
  out.push_back(0);
  return Status::ok();
}

Status LzwEncoder::encode(const uint8_t *indices, size_t count, int minCodeSize,
                          std::vector<uint8_t> &out) {
  lossy_ = false;
  return run(nullptr, indices, count, minCodeSize, out);
}

Status LzwEncoder::encodeLossy(uint8_t *indices, size_t count, int minCodeSize,
                               const ColorTable &table, int maxDistance,
                               std::vector<uint8_t> &out) {
  lossy_ = maxDistance > 0;
  if (lossy_) buildNeighbors(table, maxDistance);
  return run(indices, indices, count, minCodeSize, out);
}

}  // namespace mk::gif
