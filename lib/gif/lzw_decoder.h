// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::LzwDecoder: GIF's variable-width LZW over concatenated sub-block payloads. Produces
// palette indexes into caller memory in chunks of any size; never reads or writes out of bounds
// whatever the input; no allocation (tables live in the object, which is reused frame to frame).
// Fastest when a frame is decoded in one call: a code's string is then copied from where it was
// last written in that call (like LZ77), instead of walking its prefix chain. Output nobody will
// see can be skipped: the table is kept up to date at a cost per code, not per byte.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/result.h"

namespace mk::gif {

class LzwDecoder {
 public:
  static constexpr unsigned kMinCodeSizeLow = 2;  // the spec's range; others are rejected
  static constexpr unsigned kMinCodeSizeHigh = 8;

  enum class State {
    kRunning,      // more pixels may come
    kEnded,        // the end code was read
    kOutOfData,    // the data ran out before an end code
    kInvalidCode,  // a code past the table (the stream is corrupt from here on)
  };

  // Starts a new stream. `data` (min code size byte excluded, sub-block length bytes removed)
  // must stay valid until the last decode(). Rejects a min code size outside 2..8.
  Status reset(unsigned min_code_size, const uint8_t *data, size_t size) noexcept;

  // Writes up to `n` indexes to `out`; returns how many. Fewer than `n` means the stream
  // stopped: see state(). Data after the end code, or after the caller stops asking, is ignored.
  // Bytes of out[0, n) past the returned count may have been scribbled on. Consecutive calls
  // may pass consecutive chunks or reuse one buffer: nothing before `out` is read.
  size_t decode(uint8_t *out, size_t n) noexcept;
  // Like decode() without writing the indexes anywhere: returns how many were passed over. Costs
  // a constant per code whatever the strings' lengths (plus one string's length at the end).
  size_t skip(size_t n) noexcept;

  State state() const noexcept { return state_; }
  // Why decoding stopped early, for kOutOfData / kInvalidCode (ok otherwise). Allocates only then.
  Status error() const;
  // Bytes of `data` consumed so far (whole bytes holding bits already used).
  size_t bytesConsumed() const noexcept;
  // Indexes written into caller memory by decode() since reset() (skip() writes none).
  uint64_t bytesWritten() const noexcept { return written_; }

 private:
  static constexpr unsigned kMaxCodes = 4096;
  // One pass of decode() writes at most this much, so positions fit the entries' 32 bits.
  static constexpr size_t kMaxPass = size_t{1} << 30;

  template <bool kWrite>
  size_t run(uint8_t *out, size_t n) noexcept;
  template <bool kWrite>
  size_t pass(uint8_t *out, size_t n) noexcept;

  // One word per code: where its string was last written (a stream position relative to
  // epoch_; positions before the current decode() call's first byte are gone, the caller owns
  // that memory, and such strings are rebuilt from the prefix chain), its length, its prefix
  // code and its first byte (makeEntry() in the .cpp).
  uint64_t entry_[kMaxCodes];
  uint8_t suffix_[kMaxCodes];   // the last byte of each code's string
  uint8_t pending_[kMaxCodes];  // the tail of a string that did not fit the caller's buffer

  const uint8_t *in_ = nullptr;
  const uint8_t *in_begin_ = nullptr;
  const uint8_t *in_end_ = nullptr;
  uint64_t bits_ = 0;
  unsigned nbits_ = 0;
  unsigned min_code_size_ = 0;
  unsigned clear_ = 0;
  unsigned width_ = 0;
  unsigned next_ = 0;
  unsigned bad_code_ = 0;
  unsigned pending_pos_ = 0;
  unsigned pending_len_ = 0;
  uint64_t total_ = 0;    // bytes handed to the caller (or skipped) since reset()
  uint64_t written_ = 0;  // of which written into caller memory
  uint64_t epoch_ = 0;    // the stream position entry positions count from
  // The entry the next code defines (the previous code's string + one byte), or kNoPrev.
  uint64_t next_entry_ = 0;
  State state_ = State::kEnded;
};

}  // namespace mk::gif
