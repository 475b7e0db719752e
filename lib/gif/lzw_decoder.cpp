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

// Each literal's byte followed by 7 readable bytes: literals are written with one 8-byte copy.
struct LiteralTable {
  uint8_t bytes[256 + 8];
  constexpr LiteralTable() : bytes() {
    for (unsigned i = 0; i < 256; i++) bytes[i] = static_cast<uint8_t>(i);
  }
};
constexpr LiteralTable kLiterals;

// Code table entries: position (32 bits) | length (12) | prefix code (12) | first byte (8).
// Strings are at most 4096 - 4 bytes long, so 12 bits hold a length.
constexpr unsigned kLenShift = 32, kPrefixShift = 44, kFirstShift = 56;
constexpr uint64_t kPosMask = 0xFFFFFFFFu;
// next_entry_ after a clear: the next code is the first of its string and defines nothing.
constexpr uint64_t kNoPrev = ~uint64_t{0};

constexpr uint64_t makeEntry(uint32_t pos, unsigned len, unsigned prefix, unsigned first) {
  return pos | uint64_t{len} << kLenShift | uint64_t{prefix} << kPrefixShift |
         uint64_t{first} << kFirstShift;
}
constexpr unsigned entryLen(uint64_t e) {
  return static_cast<unsigned>(e >> kLenShift) & 0xFFF;
}
constexpr unsigned entryPrefix(uint64_t e) {
  return static_cast<unsigned>(e >> kPrefixShift) & 0xFFF;
}
constexpr uint8_t entryFirst(uint64_t e) {
  return static_cast<uint8_t>(e >> kFirstShift);
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
  // Literals are their own root: one byte long, first byte = suffix = the value. Other entries
  // are always defined before they are read.
  for (unsigned i = 0; i < clear_; i++) {
    entry_[i] = makeEntry(0, 1, 0, i);
    suffix_[i] = static_cast<uint8_t>(i);
  }
  width_ = min_code_size + 1;
  next_ = clear_ + 2;
  next_entry_ = kNoPrev;
  in_ = in_begin_ = data;
  in_end_ = data + size;
  bits_ = 0;
  nbits_ = 0;
  pending_pos_ = pending_len_ = 0;
  total_ = epoch_ = written_ = 0;
  bad_code_ = 0;
  state_ = State::kRunning;
  return Status::ok();
}

size_t LzwDecoder::decode(uint8_t *out, size_t n) noexcept {
  const size_t k = run<true>(out, n);
  written_ += k;
  return k;
}

size_t LzwDecoder::skip(size_t n) noexcept {
  return run<false>(nullptr, n);
}

template <bool kWrite>
size_t LzwDecoder::run(uint8_t *out, size_t n) noexcept {
  // Only a request past 1 GiB takes more than one pass.
  size_t done = 0;
  while (n - done > kMaxPass) {
    const size_t k = pass<kWrite>(kWrite ? out + done : nullptr, kMaxPass);
    done += k;
    if (k < kMaxPass) return done;
  }
  return done + pass<kWrite>(kWrite ? out + done : nullptr, n - done);
}

// One pass of decode() (kWrite) or skip(): the same table updates; skip() only counts bytes.
template <bool kWrite>
size_t LzwDecoder::pass(uint8_t *out, size_t n) noexcept {
  if (total_ - epoch_ >= kMaxPass) {
    // Rebase so positions of this pass fit 32 bits; every older position is now out of reach.
    for (uint64_t &e : entry_) e &= ~kPosMask;
    if (next_entry_ != kNoPrev) next_entry_ &= ~kPosMask;
    epoch_ = total_ - 1;
  }
  // Stream position of out[0]: strings written at or after it can be copied from `out`. Strings
  // skipped over are before the base of any later pass, so they are rebuilt from the chains.
  const uint32_t base = static_cast<uint32_t>(total_ - epoch_);
  size_t done = 0;  // bytes of this pass so far: out[0, done) is written (kWrite)
  if (pending_len_) {
    size_t k = pending_len_ < n ? pending_len_ : n;
    if (kWrite) std::memcpy(out, pending_ + pending_pos_, k);
    done = k;
    pending_pos_ += static_cast<unsigned>(k);
    pending_len_ -= static_cast<unsigned>(k);
  }
  if (state_ != State::kRunning) {
    total_ += done;
    return done;
  }

  // The hot loop works on locals; they go back to members on every exit.
  const uint8_t *in = in_;
  const uint8_t *const in_end = in_end_;
  uint64_t bits = bits_;
  unsigned nbits = nbits_;
  unsigned width = width_;
  unsigned next = next_;
  uint64_t next_entry = next_entry_;
  const unsigned clear = clear_;

  while (done < n) {
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
    const unsigned code = static_cast<unsigned>(bits & ((1u << width) - 1));
    bits >>= width;
    nbits -= width;
    const uint32_t at = base + static_cast<uint32_t>(done);

    if (code - clear <= 1) {
      if (code == clear) {
        width = min_code_size_ + 1;
        next = clear + 2;
        next_entry = kNoPrev;
        continue;
      }
      state_ = State::kEnded;
      break;
    }
    if (next_entry == kNoPrev) {
      // First code after a clear (or at the start): must be a literal.
      if (code > clear) {
        bad_code_ = code;
        state_ = State::kInvalidCode;
        break;
      }
      if (kWrite) out[done] = static_cast<uint8_t>(code);
      done++;
      next_entry = makeEntry(at, 2, code, code);
      continue;
    }
    // code == next (KwKwK: prev's string + its own first byte) is fine while the table has room;
    // with 12-bit codes it cannot reach 4096.
    if (code > next) {
      bad_code_ = code;
      state_ = State::kInvalidCode;
      break;
    }
    // The new entry (defined before reading code's, for KwKwK) is prev's string + the first byte
    // of code's; it sits where prev's string was written, as that byte is written next.
    // Table full: keep decoding 12-bit codes without adding (deferred clear).
    const bool room_in_table = next < kMaxCodes;
    if (room_in_table) entry_[next] = next_entry;
    const uint64_t e = entry_[code];
    if (room_in_table) {
      suffix_[next] = entryFirst(e);
      next++;
      if (next == (1u << width) && width < 12) width++;
    }
    const unsigned len = entryLen(e);
    next_entry = (e & ~kPosMask & ~(uint64_t{0xFFFFFF} << kLenShift)) | at |
                 uint64_t{len + 1} << kLenShift | uint64_t{code} << kPrefixShift;

    if (!kWrite) {
      if (done + len <= n) {
        done += len;
        continue;
      }
    } else {
      // from < base wraps to a huge offset: not in `out`. 8 bytes back or more: 8-byte copies
      // only read bytes already written (and may write up to 7 bytes past the string, inside
      // `out`, overwritten next). Literals and strings take the same path; the selects are
      // written without branches as literal-or-string is what the branch predictor gets wrong.
      const bool literal = code < clear;
      const size_t back = static_cast<uint32_t>(static_cast<uint32_t>(e) - base);
      if (((back + 8 <= done) | literal) & (done + len + 8 <= n)) {
        const uintptr_t lit_mask = uintptr_t{0} - literal;
        // The index is masked too: a string code is no index into the literal table (UB even
        // unused; UndefinedBehaviorSanitizer caught it, regression lzw-string-code-literal-index).
        const uint8_t *src = reinterpret_cast<const uint8_t *>(
            (reinterpret_cast<uintptr_t>(kLiterals.bytes + (code & lit_mask)) & lit_mask) |
            (reinterpret_cast<uintptr_t>(out + (back & ~lit_mask)) & ~lit_mask));
        uint8_t *o = out + done;
        std::memcpy(o, src, 8);
        for (size_t i = 8; i < len; i += 8) std::memcpy(o + i, src + i, 8);
        done += len;
        continue;
      }
      if (literal) {
        out[done++] = static_cast<uint8_t>(code);
        continue;
      }
    }
    // Not in `out` (written by an earlier call, or skipped), overlapping, or near the end of
    // `out`: walk the prefix chain, writing from the last byte to the first. Skipping only
    // builds the part that the next call will want.
    const size_t room = n - done;
    uint8_t *dst = kWrite && len <= room ? out + done : pending_;
    unsigned c = code;
    for (uint8_t *p = dst + len - 1; p > dst; --p) {
      *p = suffix_[c];
      c = entryPrefix(entry_[c]);
    }
    *dst = static_cast<uint8_t>(c);
    if (len <= room) {
      done += len;
    } else {
      if (kWrite) std::memcpy(out + done, pending_, room);
      done += room;
      pending_pos_ = static_cast<unsigned>(room);
      pending_len_ = len - static_cast<unsigned>(room);
    }
  }

  in_ = in;
  bits_ = bits;
  nbits_ = nbits;
  width_ = width;
  next_ = next;
  next_entry_ = next_entry;
  total_ += done;
  return done;
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
