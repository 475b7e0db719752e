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
  startCs_ = 0;
}

void DelayAccumulator::start(int64_t ns) noexcept {
  started_ = true;
  origin_ = ns;
  startCs_ = 0;
}

int64_t DelayAccumulator::toCs(int64_t ns) const noexcept {
  int64_t rel = ns - origin_ + kSlackNs;
  // Floor division (rel may be negative after timestamps went backwards).
  return rel >= 0 ? rel / kNsPerCs : -((-rel + kNsPerCs - 1) / kNsPerCs);
}

DelayStep DelayAccumulator::close(int64_t endNs, bool last) noexcept {
  DelayStep step;
  if (!started_) start(endNs);
  int64_t endCs = toCs(endNs);
  if (endCs < startCs_) {
    // Time went backwards: show the frame for the minimum and move the origin so that `endNs`
    // is the next frame's start.
    step.backwards = true;
    step.delayCs = static_cast<uint16_t>(min_);
    startCs_ += min_;
    origin_ = endNs + kSlackNs - startCs_ * kNsPerCs;
    return step;
  }
  int64_t d = endCs - startCs_;
  if (d < static_cast<int64_t>(min_)) {
    if (!last) {
      step.merge = true;
      return step;
    }
    d = min_;
    endCs = startCs_ + d;
  }
  if (d > static_cast<int64_t>(kMaxDelayCs)) {
    step.clamped = true;
    d = kMaxDelayCs;
  }
  step.delayCs = static_cast<uint16_t>(d);
  startCs_ = endCs;
  return step;
}

}  // namespace mk::gif
