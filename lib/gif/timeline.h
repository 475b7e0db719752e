// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Timeline: when each frame of a GIF is shown. Turns the raw delays of the file into
// presentation times under a DelayPolicy (what browsers and FFmpeg do with tiny delays), and
// answers the questions a demuxer asks when seeking: which frame is showing at time t, and
// which key frame to start decoding from to show it. Times are nanoseconds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gif/format.h"

namespace mk::gif {

constexpr uint64_t kNsPerCentisecond = 10'000'000;

// Delays below `min_cs` become `default_cs`; delays above `max_cs` become `max_cs`. The defaults
// follow browsers (Chromium and Firefox show a delay of 0 or 1 cs as 10 cs) and FFmpeg's demuxer
// (min_delay 2, default_delay 10), so animations authored with delay 0 play at the speed their
// authors saw.
struct DelayPolicy {
  uint32_t min_cs = kMinDelayCs;
  uint32_t default_cs = kDefaultDelayCs;
  uint32_t max_cs = kMaxDelayCs;

  uint32_t apply(uint32_t raw_cs) const noexcept {
    uint32_t cs = raw_cs < min_cs ? default_cs : raw_cs;
    return cs > max_cs ? max_cs : cs;
  }
};

// A frame rate in frames per second; 0/1 means variable (or not known).
struct FrameRate {
  uint32_t num = 0;
  uint32_t den = 1;
  bool constant() const noexcept { return num != 0; }
};

struct TimelineEntry {
  uint64_t offset = 0;    // where the frame record starts in the file
  uint32_t size = 0;      // bytes of the frame record
  uint32_t delay_cs = 0;  // after the policy
  bool key = false;       // decodable without any earlier frame
  uint64_t pts_ns = 0;
};

class Timeline {
 public:
  explicit Timeline(DelayPolicy policy = {}) : policy_(policy) {}

  void clear() noexcept {
    entries_.clear();
    end_ns_ = 0;
  }
  void reserve(size_t n) { entries_.reserve(n); }
  const DelayPolicy &policy() const noexcept { return policy_; }

  // Appends the next frame (its raw delay from the file) and returns its entry.
  const TimelineEntry &append(uint64_t offset, uint32_t size, uint32_t raw_delay_cs, bool key);

  size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  const TimelineEntry &operator[](size_t i) const noexcept { return entries_[i]; }
  uint64_t durationNs(size_t i) const noexcept {
    return uint64_t(entries_[i].delay_cs) * kNsPerCentisecond;
  }
  // The end of the last frame: the animation's duration for one play.
  uint64_t totalNs() const noexcept { return end_ns_; }

  // The constant rate the frames play at, or 0/1 when it varies. Delays are whole
  // centiseconds, so a constant rate that is not a whole number of centiseconds per frame is
  // written as two neighbouring delays (15 fps by our encoder: 6, 7, 7, 6, 7, 7 ...). Equal
  // delays of d cs give exactly 100/d; delays that differ by at most 1 cs give the rate with
  // the smallest denominator (<= 100) that puts the end of every frame within 1 cs of where the
  // file puts it, the nearest to the mean rate among those. Fewer than two frames: 0/1.
  FrameRate frameRate() const noexcept;

  // The frame showing at `t_ns` (the last frame for t past the end; 0 for an empty timeline).
  size_t frameAt(uint64_t t_ns) const noexcept;
  // The nearest key frame at or before frame `i` (frame 0 is always key).
  size_t keyAtOrBefore(size_t i) const noexcept;
  // The nearest key frame at or after frame `i`, or size() when there is none.
  size_t keyAtOrAfter(size_t i) const noexcept;
  // The frame whose record starts at `offset`, or size() when none does.
  size_t frameAtOffset(uint64_t offset) const noexcept;

 private:
  DelayPolicy policy_;
  std::vector<TimelineEntry> entries_;
  uint64_t end_ns_ = 0;
};

}  // namespace mk::gif
