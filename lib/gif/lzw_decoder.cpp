// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/lzw_decoder.h"

#include <cstring>
#include <string>

namespace mk::gif {

namespace {

inline uint64_t loadLe64(const uint8_t *p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

}  // namespace

Status LzwDecoder::reset(unsigned min_code_size, const uint8_t *data, size_t size) noexcept {
  state_ = State::kEnded;
  if (min_code_size < kMinCodeSizeLow || min_code_size > kMinCodeSizeHigh) {
    return Status(Errc::kCorruptData,
                  "LZW minimum code size " + std::to_string(min_code_size) + " is outside 2..8");
  }
  min_code_size_ = min_code_size;
  clear_ = 1u << min_code_size;
  // Literals are their own root: one byte long, first byte = suffix = the value.
  for (unsigned i = 0; i < clear_; i++) {
    prefix_[i] = 0;
    suffix_[i] = static_cast<uint8_t>(i);
    first_[i] = static_cast<uint8_t>(i);
    length_[i] = 1;
  }
  width_ = min_code_size + 1;
  next_ = clear_ + 2;
  prev_ = -1;
  in_ = in_begin_ = data;
  in_end_ = data + size;
  bits_ = 0;
  nbits_ = 0;
  pending_pos_ = pending_len_ = 0;
  bad_code_ = 0;
  state_ = State::kRunning;
  return Status::ok();
}

size_t LzwDecoder::decode(uint8_t *out, size_t n) noexcept {
  uint8_t *o = out;
  uint8_t *const oe = out + n;
  if (pending_len_) {
    size_t k = pending_len_ < n ? pending_len_ : n;
    std::memcpy(o, pending_ + pending_pos_, k);
    o += k;
    pending_pos_ += static_cast<unsigned>(k);
    pending_len_ -= static_cast<unsigned>(k);
  }
  if (state_ != State::kRunning) return static_cast<size_t>(o - out);

  // The hot loop works on locals; they go back to members on every exit.
  const uint8_t *in = in_;
  const uint8_t *const in_end = in_end_;
  uint64_t bits = bits_;
  unsigned nbits = nbits_;
  unsigned width = width_;
  unsigned next = next_;
  int prev = prev_;
  const unsigned clear = clear_;
  const unsigned end_code = clear_ + 1;

  while (o < oe) {
    if (nbits < width) {
      if (in_end - in >= 8) {
        // Branch-free refill: load 8 bytes, keep whole bytes that fit (56..63 bits after).
        bits |= loadLe64(in) << nbits;
        in += (63 - nbits) >> 3;
        nbits |= 56;
      } else {
        while (nbits <= 56 && in < in_end) {
          bits |= static_cast<uint64_t>(*in++) << nbits;
          nbits += 8;
        }
        if (nbits < width) {
          state_ = State::kOutOfData;
          break;
        }
      }
    }
    unsigned code = static_cast<unsigned>(bits & ((1u << width) - 1));
    bits >>= width;
    nbits -= width;

    if (code == clear) {
      width = min_code_size_ + 1;
      next = clear + 2;
      prev = -1;
      continue;
    }
    if (code == end_code) {
      state_ = State::kEnded;
      break;
    }
    if (prev < 0) {
      // First code after a clear (or at the start): must be a literal.
      if (code > clear) {
        bad_code_ = code;
        state_ = State::kInvalidCode;
        break;
      }
      *o++ = static_cast<uint8_t>(code);
      prev = static_cast<int>(code);
      continue;
    }
    if (code > next || (code == next && next >= kMaxCodes)) {
      bad_code_ = code;
      state_ = State::kInvalidCode;
      break;
    }
    if (next < kMaxCodes) {
      // New entry: prev's string + first byte of code's string (of prev's, for the KwKwK case).
      const unsigned p = static_cast<unsigned>(prev);
      prefix_[next] = static_cast<uint16_t>(p);
      suffix_[next] = code < next ? first_[code] : first_[p];
      first_[next] = first_[p];
      length_[next] = static_cast<uint16_t>(length_[p] + 1);
      next++;
      if (next == (1u << width) && width < 12) width++;
    }
    // Table full: keep decoding 12-bit codes without adding (deferred clear).
    prev = static_cast<int>(code);

    unsigned c = code;
    const unsigned len = length_[c];
    if (len == 1) {
      *o++ = static_cast<uint8_t>(c);
      continue;
    }
    uint8_t *dst;
    const size_t room = static_cast<size_t>(oe - o);
    dst = len <= room ? o : pending_;
    // Strings are stored backwards (prefix chains): write from the last byte to the first.
    for (uint8_t *p = dst + len - 1; p > dst; --p) {
      *p = suffix_[c];
      c = prefix_[c];
    }
    *dst = static_cast<uint8_t>(c);
    if (len <= room) {
      o += len;
    } else {
      std::memcpy(o, pending_, room);
      o += room;
      pending_pos_ = static_cast<unsigned>(room);
      pending_len_ = len - static_cast<unsigned>(room);
    }
  }

  in_ = in;
  bits_ = bits;
  nbits_ = nbits;
  width_ = width;
  next_ = next;
  prev_ = prev;
  return static_cast<size_t>(o - out);
}

size_t LzwDecoder::bytesConsumed() const noexcept {
  return static_cast<size_t>(in_ - in_begin_) - nbits_ / 8;
}

Status LzwDecoder::error() const {
  switch (state_) {
    case State::kOutOfData:
      return Status(Errc::kTruncated, "LZW data ended without an end code after " +
                                          std::to_string(in_end_ - in_begin_) + " bytes");
    case State::kInvalidCode:
      return Status(Errc::kCorruptData, "invalid LZW code " + std::to_string(bad_code_) +
                                            " near byte " + std::to_string(bytesConsumed()) +
                                            " of the image data (next free code " +
                                            std::to_string(next_) + ")");
    default:
      return Status::ok();
  }
}

}  // namespace mk::gif
