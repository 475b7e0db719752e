// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::DelayAccumulator: stream timestamps -> GIF frame delays in centiseconds. Each frame's
// delay is the difference of its start and end rounded down to the stream's centisecond grid,
// so rounding errors never accumulate (30 fps gives 3, 3, 4, 3, 3, 4 ... and N frames last
// exactly as long as the input, to within 1 cs). Frames that would show for less than the
// minimum delay (2 cs: browsers play 0 and 1 as 10) are reported for merging instead.
#pragma once

#include <cstdint>

#include "gif/format.h"

namespace mk::gif {

struct DelayStep {
  uint16_t delay_cs = 0;   // the closed frame's delay (when !merge)
  bool merge = false;      // too short: drop the frame; the next one starts in its place
  bool backwards = false;  // the end was before the frame's start: minimum delay, clock re-based
  bool clamped = false;    // longer than 65535 cs: clamped (the excess is not shown)
};

class DelayAccumulator {
 public:
  explicit DelayAccumulator(unsigned min_delay_cs = kMinDelayCs) noexcept
      : min_(min_delay_cs < 1 ? 1 : min_delay_cs) {}

  void reset() noexcept;
  bool started() const noexcept { return started_; }
  // The first frame's timestamp, in ns: the time origin. The current frame starts there.
  void start(int64_t ns) noexcept;
  // Closes the current frame, shown until `end_ns` (the next frame's timestamp, or the end of the
  // last frame). `last`: the frame cannot be merged away (end of stream): at least the minimum.
  // After a non-merge step the next frame starts at `end_ns`.
  DelayStep close(int64_t end_ns, bool last) noexcept;
  // Centiseconds given out so far (the current frame's start on the grid).
  int64_t elapsedCs() const noexcept { return start_cs_; }

 private:
  int64_t toCs(int64_t ns) const noexcept;

  unsigned min_;
  bool started_ = false;
  int64_t origin_ = 0;
  int64_t start_cs_ = 0;
};

}  // namespace mk::gif
