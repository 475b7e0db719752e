// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/rate_control.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gif/writer.h"

namespace mk::gif {

namespace {

// ln(bytes) per quality point: measured over quality 10..90 on the bench clips (docs/benchmarks.md,
// "Size targets"); the learned c absorbs what a clip does differently.
constexpr double kSlope = 0.03;
// How fast the learned cost follows the frames (weight of the newest frame): faster up than down,
// because GIF costs jump (a frame the temporal threshold keeps whole costs a few bytes, the next
// one at a slightly higher quality all of its pixels), and one cheap frame must not make every
// quality look cheap.
constexpr double kLearnUp = 0.4, kLearnDown = 0.1;
// The most a frame's quality moves from the last one's unless the budget forces it down.
constexpr int kMaxStep = 12;
// A frame's quality is chosen so that this many times its predicted cost fits in what is left.
constexpr double kSafety = 1.5;
// Bitrate: a deviation of the running total is paid back over this part of the window.
constexpr int64_t kPaybackParts = 4;

}  // namespace

Status RateController::check(const RateTarget &t) {
  if (t.max_bytes > 0 && t.bitrate_kbps > 0)
    return Status(Errc::kInvalidArgument,
                  "max-size and bitrate cannot both be set: max-size is for a file of known "
                  "duration, bitrate for live input");
  if (t.max_bytes > 0 && t.max_bytes < kMinMaxBytes)
    return Status(Errc::kOutOfRange, "max-size " + std::to_string(t.max_bytes) + " is below the " +
                                         std::to_string(kMinMaxBytes) +
                                         " bytes a GIF header and a frame may need");
  if (t.bitrate_kbps < 0 || t.window_cs <= 0 || t.max_quality < 1)
    return Status(Errc::kOutOfRange, "bitrate, window and quality must be positive");
  return Status::ok();
}

Result<RateController> RateController::create(const RateTarget &t) {
  if (Status st = check(t); !st) return st;
  if (t.max_bytes <= 0 && t.bitrate_kbps <= 0)
    return Status(Errc::kInvalidArgument, "no size target: set max-size or bitrate");
  return RateController(t);
}

int64_t RateController::fixedBytesFor(size_t codec_data_bytes) {
  std::vector<uint8_t> tail;
  writeLoopExtension(tail, 0);
  writeTrailer(tail);
  return static_cast<int64_t>(codec_data_bytes + tail.size());
}

double RateController::predict(int quality, int64_t delay_cs) const noexcept {
  return std::exp(log_c_ + kSlope * quality) * static_cast<double>(std::max<int64_t>(1, delay_cs));
}

int RateController::qualityFor(double bytes, int64_t delay_cs) const noexcept {
  if (bytes <= 0) return 0;
  const double per_cs = bytes / static_cast<double>(std::max<int64_t>(1, delay_cs));
  const double q = std::floor((std::log(per_cs) - log_c_) / kSlope);
  return static_cast<int>(std::clamp(q, -1.0, 1000.0));
}

int RateController::firstQuality(size_t bytes, int64_t delay_cs) const noexcept {
  const int top = std::min(100, target_.max_quality);
  const int64_t d = std::max<int64_t>(1, delay_cs);
  double share;
  if (target_.max_bytes > 0) {
    if (target_.duration_cs < 0) return top;  // a ceiling alone: nothing to share out
    const int64_t remaining = std::max(d, target_.duration_cs);
    share = static_cast<double>(target_.max_bytes - fixed_) * static_cast<double>(d) /
            static_cast<double>(remaining);
  } else {
    share = target_.bitrate_kbps * 1.25 * static_cast<double>(d);
  }
  if (bytes == 0 || share >= static_cast<double>(bytes)) return top;
  const double q = top + std::log(share / static_cast<double>(bytes)) / kSlope;
  return static_cast<int>(std::clamp(std::floor(q), 1.0, static_cast<double>(top)));
}

RateDecision RateController::next(int64_t delay_cs) const noexcept {
  return target_.max_bytes > 0 ? sizeDecision(delay_cs) : bitrateDecision(delay_cs);
}

RateDecision RateController::sizeDecision(int64_t delay_cs) const noexcept {
  const int top = std::min(100, target_.max_quality);
  const int64_t d = std::max<int64_t>(1, delay_cs);
  const int64_t room = target_.max_bytes - spent();
  RateDecision dec;
  dec.quality = top;
  // Frames after this one, if they show as long as this one does (none known without a duration).
  int64_t later = 0, remaining = d;
  if (target_.duration_cs >= 0) {
    remaining = std::max(d, target_.duration_cs - elapsed_cs_);
    later = (remaining - 1) / d;
  }
  const int64_t avail = room - repeat_bytes_ * later;
  if (avail < repeat_bytes_) {
    // Not even a repeat fits beside the reserve: repeat while the reserve lasts, then drop.
    dec.action = room >= repeat_bytes_ ? RateAction::kRepeat : RateAction::kDrop;
    return dec;
  }
  dec.max_bytes = static_cast<size_t>(avail);
  // The first frame: nothing known yet; at the ceiling, because its palette serves the stream
  // (a global palette learned at a low quality would cap every later frame).
  if (!have_model_) return dec;
  int q = top;
  const double left = static_cast<double>(avail);
  if (target_.duration_cs >= 0) {
    const double share = left * static_cast<double>(d) / static_cast<double>(remaining);
    q = std::min(q, qualityFor(share, d));
    if (last_quality_ > 0) q = std::clamp(q, last_quality_ - kMaxStep, last_quality_ + kMaxStep);
    q = std::min(q, top);
  }
  // The cap decides in the end; a quality whose prediction fits with a margin rarely hits it.
  q = std::min(q, qualityFor(left / kSafety, d));
  if (q >= 1) {
    dec.quality = q;
    return dec;
  }
  // Even the lowest quality is predicted over: try it when it may fit, else repeat at once.
  dec.quality = 1;
  if (predict(1, d) > 2 * left) dec.action = RateAction::kRepeat;
  return dec;
}

RateDecision RateController::bitrateDecision(int64_t delay_cs) const noexcept {
  const int top = std::min(100, target_.max_quality);
  const int64_t d = std::max<int64_t>(1, delay_cs);
  // kbit/s = 1000/8 bytes a second = 1.25 bytes a centisecond.
  const double per_cs = target_.bitrate_kbps * 1.25;
  const double level = static_cast<double>(spent()) - per_cs * static_cast<double>(elapsed_cs_);
  const double payback =
      static_cast<double>(std::max<int64_t>(d, target_.window_cs / kPaybackParts));
  const double want = per_cs * static_cast<double>(d) - level * static_cast<double>(d) / payback;
  RateDecision dec;
  dec.quality = top;
  if (!have_model_) return dec;  // the first frame: at the ceiling, as for max-size
  int q = std::min(top, qualityFor(want, d));
  if (last_quality_ > 0) q = std::clamp(q, last_quality_ - kMaxStep, last_quality_ + kMaxStep);
  q = std::min(q, top);
  if (q >= 1) {
    dec.quality = q;
    return dec;
  }
  // Over budget even at the lowest quality: repeat the picture until the average is back.
  dec.quality = 1;
  if (want < predict(1, d) / kSafety) dec.action = RateAction::kRepeat;
  return dec;
}

void RateController::coded(const RateDecision &decision, int64_t delay_cs, size_t bytes) noexcept {
  elapsed_cs_ += std::max<int64_t>(0, delay_cs);
  frames_bytes_ += static_cast<int64_t>(bytes);
  if (decision.action == RateAction::kRepeat) {
    repeat_bytes_ = std::max(repeat_bytes_, static_cast<int64_t>(bytes));
    return;
  }
  if (decision.action != RateAction::kCode || bytes == 0) return;
  const double d = static_cast<double>(std::max<int64_t>(1, delay_cs));
  const double c = std::log(static_cast<double>(bytes) / d) - kSlope * decision.quality;
  log_c_ = have_model_ ? log_c_ + (c > log_c_ ? kLearnUp : kLearnDown) * (c - log_c_) : c;
  have_model_ = true;
  last_quality_ = decision.quality;
}

}  // namespace mk::gif
