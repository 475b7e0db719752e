// SPDX-License-Identifier: LGPL-2.1-or-later
// Reading H.264/H.265 syntax: a NAL unit's payload to its RBSP (emulation prevention bytes
// removed) and back, and a bounds-checked bit reader for u(n), ue(v) and se(v). Header-only, with
// no dependency, so that lib/dvpp (the VUI rewrite) and lib/dvppsim (the simulator's slice QPs)
// share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mk {
namespace dvpp {

// Escaped NAL payload -> RBSP (00 00 03 -> 00 00).
inline std::vector<std::uint8_t> unescapeRbsp(const std::uint8_t *data, std::size_t size) {
  std::vector<std::uint8_t> rbsp;
  rbsp.reserve(size);
  int zeros = 0;
  for (std::size_t i = 0; i < size; i++) {
    if (zeros >= 2 && data[i] == 3) {
      zeros = 0;
      continue;
    }
    zeros = data[i] == 0 ? zeros + 1 : 0;
    rbsp.push_back(data[i]);
  }
  return rbsp;
}

// RBSP -> escaped payload (an 03 after 00 00 before a byte <= 3).
inline std::vector<std::uint8_t> escapeRbsp(const std::vector<std::uint8_t> &rbsp) {
  std::vector<std::uint8_t> out;
  out.reserve(rbsp.size() + rbsp.size() / 64 + 2);
  int zeros = 0;
  for (std::uint8_t b : rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push_back(3);
      zeros = 0;
    }
    zeros = b == 0 ? zeros + 1 : 0;
    out.push_back(b);
  }
  return out;
}

// Reads an RBSP most significant bit first; reading past the end returns zeros and sets
// `failed`.
class RbspReader {
 public:
  RbspReader(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}
  explicit RbspReader(const std::vector<std::uint8_t> &rbsp)
      : RbspReader(rbsp.data(), rbsp.size()) {}

  std::uint32_t bit() {
    if (pos_ >= size_ * 8) {
      failed = true;
      return 0;
    }
    std::uint32_t b = (data_[pos_ / 8] >> (7 - pos_ % 8)) & 1u;
    pos_++;
    return b;
  }
  std::uint32_t bits(int n) {
    std::uint32_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 1) | bit();
    return v;
  }
  // ue(v): Exp-Golomb, at most 31 leading zeros.
  std::uint32_t ue() {
    int zeros = 0;
    while (!failed && bit() == 0) {
      if (++zeros > 31) {
        failed = true;
        return 0;
      }
    }
    if (failed) return 0;
    return ((1u << zeros) - 1) + bits(zeros);
  }
  std::int32_t se() {
    std::uint32_t k = ue();
    return (k & 1) ? static_cast<std::int32_t>((k + 1) / 2) : -static_cast<std::int32_t>(k / 2);
  }
  std::size_t position() const { return pos_; }

  bool failed = false;

 private:
  const std::uint8_t *data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace dvpp
}  // namespace mk
