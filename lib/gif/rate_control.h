// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::RateController: gifenc's size targets. It picks the quality of each frame from what the
// frames before it really cost, so that a whole file lands under `max-size` bytes (given the
// stream's duration) or a live stream holds `bitrate` kbit/s averaged over a window. Time is the
// GIF's own: the frames' delays in centiseconds. Cost is modelled per centisecond of display as
// c x exp(k x quality), with c learned frame by frame and k fixed (the scale's measured slope);
// each frame gets the share of the remaining budget its display time asks for.
//
// Promise for max-size: the file never exceeds it. A reserve is kept for the frames still to
// come at the lowest cost there is (a repeat of the previous picture: a few bytes); each frame is
// coded with a hard cap (what is left beyond the reserve), and a frame over it is replaced by a
// repeat by the encoder; once nothing but repeats fit, frames are repeats (and, when even a
// repeat does not fit, dropped). Input with transparency makes repeats whole frames: the promise
// then needs the reserve to hold them, which the controller learns from the repeats it sees.
// Deterministic: no clock, no state but the numbers it is given.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/result.h"
#include "gif/format.h"

namespace mk::gif {

// The bitrate target's window: 10 s of display time (the `bitrate` property's help says so).
inline constexpr int64_t kBitrateWindowCs = 1000;

struct RateTarget {
  int64_t max_bytes = 0;                 // the whole file; 0 = no size target
  int64_t duration_cs = -1;              // the stream's duration, for max_bytes; < 0 unknown
  int bitrate_kbps = 0;                  // 0 = no bitrate target
  int64_t window_cs = kBitrateWindowCs;  // bitrate: the average holds over this display time
  int max_quality = 100;                 // the best quality a frame gets (gifenc's `quality`)
};

enum class RateAction {
  kCode,    // code the frame at `quality`
  kRepeat,  // code the previous picture again (Encoder::repeat): a few bytes
  kDrop,    // not even a repeat fits: leave the frame out
};

struct RateDecision {
  RateAction action = RateAction::kCode;
  int quality = 100;
  // kCode: the most the frame's record may take (Encoder::encode's max_bytes: over it, the
  // encoder repeats the previous picture instead); SIZE_MAX when there is no hard cap.
  size_t max_bytes = SIZE_MAX;
};

class RateController {
 public:
  // Checks the target: at most one of max_bytes and bitrate_kbps (create() needs one), max_bytes
  // at least kMinMaxBytes, positive window and quality.
  [[nodiscard]] static Status check(const RateTarget &target);
  [[nodiscard]] static Result<RateController> create(const RateTarget &target);

  // Bytes of the file that are not frame records: header, screen descriptor, global palette,
  // loop extension, trailer. Until it is called, the largest a header can be is assumed.
  void setFixedBytes(int64_t bytes) noexcept { fixed_ = bytes; }
  // Those bytes for a file with this codec_data (Encoder::codecData()) as gifmux writes it: plus
  // a NETSCAPE2.0 loop extension and the trailer (comments a muxer adds are not counted).
  static int64_t fixedBytesFor(size_t codec_data_bytes);

  // The first frame, coded at the ceiling as next() asks, cost `bytes`: the quality to code it at
  // again (with a new encoder) when that is lower, else the ceiling. Its global palette serves the
  // whole stream, so it is learned at about the quality the budget allows: a palette learned at
  // the ceiling makes every later frame dear (256 colours need 8-bit codes), one learned too low
  // caps every later frame's quality.
  int firstQuality(size_t bytes, int64_t delay_cs) const noexcept;
  // What to do with the next frame, which shows for `delay_cs`.
  RateDecision next(int64_t delay_cs) const noexcept;
  // The frame `decision` was about took `bytes` (0 when dropped) and shows for `delay_cs` (a
  // dropped frame's time still passes).
  void coded(const RateDecision &decision, int64_t delay_cs, size_t bytes) noexcept;

  int64_t spent() const noexcept { return fixed_ + frames_bytes_; }  // the file so far
  int64_t elapsedCs() const noexcept { return elapsed_cs_; }
  const RateTarget &target() const noexcept { return target_; }

  // What a size target cannot go below: the largest header (6 + 7 + 768-byte palette), the loop
  // extension and trailer, and one small frame.
  static constexpr int64_t kMinMaxBytes = 1024;
  // A repeat's cost before one was seen, on the safe side: GCE (8) + image descriptor (10) + a 1x1
  // LZW image is about 25 bytes, a few more with a local palette.
  static constexpr int64_t kRepeatGuessBytes = 64;

 private:
  explicit RateController(const RateTarget &target) noexcept : target_(target) {}
  double predict(int quality, int64_t delay_cs) const noexcept;  // bytes
  int qualityFor(double bytes, int64_t delay_cs) const noexcept;
  RateDecision sizeDecision(int64_t delay_cs) const noexcept;
  RateDecision bitrateDecision(int64_t delay_cs) const noexcept;

  RateTarget target_;
  // The largest header: screen, 256-colour palette, NETSCAPE2.0 loop extension, trailer.
  int64_t fixed_ = kScreenBytes + 3 * 256 + (3 + kApplicationIdBytes + 5) + 1;
  int64_t frames_bytes_ = 0;
  int64_t elapsed_cs_ = 0;
  int64_t repeat_bytes_ = kRepeatGuessBytes;  // the dearest repeat seen
  double log_c_ = 0;                          // the model's learned log(c)
  bool have_model_ = false;
  int last_quality_ = 0;  // of the last coded frame; 0 before the first
};

}  // namespace mk::gif
