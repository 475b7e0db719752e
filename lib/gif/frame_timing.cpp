// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/frame_timing.h"

namespace mk::gif {

namespace {
constexpr int64_t kNsPerCs = 10'000'000;
// Timestamps computed as n * 1 s / fps may fall a nanosecond short of a centisecond boundary
// (99999999 for 1/10 s): this much slack keeps them on the right side of it.
constexpr int64_t kSlackNs = 1'000;
}  // namespace

void DelayAccumulator::reset() noexcept {
  started_ = false;
  origin_ = 0;
  start_cs_ = 0;
}

void DelayAccumulator::start(int64_t ns) noexcept {
  started_ = true;
  origin_ = ns;
  start_cs_ = 0;
}

int64_t DelayAccumulator::toCs(int64_t ns) const noexcept {
  int64_t rel = ns - origin_ + kSlackNs;
  // Floor division (rel may be negative after timestamps went backwards).
  return rel >= 0 ? rel / kNsPerCs : -((-rel + kNsPerCs - 1) / kNsPerCs);
}

DelayStep DelayAccumulator::close(int64_t end_ns, bool last) noexcept {
  DelayStep step;
  if (!started_) start(end_ns);
  int64_t end_cs = toCs(end_ns);
  if (end_cs < start_cs_) {
    // Time went backwards: show the frame for the minimum and move the origin so that `end_ns`
    // is the next frame's start.
    step.backwards = true;
    step.delay_cs = static_cast<uint16_t>(min_);
    start_cs_ += min_;
    origin_ = end_ns + kSlackNs - start_cs_ * kNsPerCs;
    return step;
  }
  int64_t d = end_cs - start_cs_;
  if (d < static_cast<int64_t>(min_)) {
    if (!last) {
      step.merge = true;
      return step;
    }
    d = min_;
    end_cs = start_cs_ + d;
  }
  if (d > static_cast<int64_t>(kMaxDelayCs)) {
    step.clamped = true;
    d = kMaxDelayCs;
  }
  step.delay_cs = static_cast<uint16_t>(d);
  start_cs_ = end_cs;
  return step;
}

}  // namespace mk::gif
