// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::ByteReader: the only way lib/gif reads untrusted bytes. A cursor over a span that
// checks every read against the end; a failed read returns false and leaves the cursor unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace mk::gif {

class ByteReader {
 public:
  ByteReader(const uint8_t *data, size_t size) noexcept : data_(data), size_(size) {}

  size_t pos() const noexcept { return pos_; }
  size_t size() const noexcept { return size_; }
  size_t remaining() const noexcept { return size_ - pos_; }
  bool has(size_t n) const noexcept { return n <= size_ - pos_; }
  const uint8_t *current() const noexcept { return data_ + pos_; }

  [[nodiscard]] bool peekU8(uint8_t &v) const noexcept {
    if (!has(1)) return false;
    v = data_[pos_];
    return true;
  }
  [[nodiscard]] bool u8(uint8_t &v) noexcept {
    if (!has(1)) return false;
    v = data_[pos_++];
    return true;
  }
  [[nodiscard]] bool u16le(uint16_t &v) noexcept {
    if (!has(2)) return false;
    v = static_cast<uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
    pos_ += 2;
    return true;
  }
  [[nodiscard]] bool u32le(uint32_t &v) noexcept {
    if (!has(4)) return false;
    v = static_cast<uint32_t>(data_[pos_]) | (static_cast<uint32_t>(data_[pos_ + 1]) << 8) |
        (static_cast<uint32_t>(data_[pos_ + 2]) << 16) |
        (static_cast<uint32_t>(data_[pos_ + 3]) << 24);
    pos_ += 4;
    return true;
  }
  [[nodiscard]] bool bytes(void *dst, size_t n) noexcept {
    if (!has(n)) return false;
    if (n) std::memcpy(dst, data_ + pos_, n);
    pos_ += n;
    return true;
  }
  [[nodiscard]] bool skip(size_t n) noexcept {
    if (!has(n)) return false;
    pos_ += n;
    return true;
  }

 private:
  const uint8_t *data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace mk::gif
