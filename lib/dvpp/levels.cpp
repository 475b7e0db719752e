// SPDX-License-Identifier: LGPL-2.1-or-later
// Rates are compared as integers: pixels (or macroblocks) per frame x fps_n <= limit x fps_d.
#include "dvpp/levels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace mk {
namespace dvpp {

namespace {

std::string fpsText(std::uint32_t fps_n, std::uint32_t fps_d) {
  if (fps_d == 1) return std::to_string(fps_n);
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", static_cast<double>(fps_n) / fps_d);
  return text;
}

// Empty when it fits; otherwise which limit it breaks.
std::string exceeded(Codec codec, const LevelInfo &l, std::uint32_t w, std::uint32_t h,
                     std::uint32_t fps_n, std::uint32_t fps_d) {
  if (codec == Codec::kH264) {
    std::uint64_t mbs_w = (w + 15) / 16, mbs_h = (h + 15) / 16, mbs = mbs_w * mbs_h;
    // A side may not exceed sqrt(8 x MaxFS) macroblocks.
    auto max_side = static_cast<std::uint64_t>(std::sqrt(8.0 * l.max_frame_mbs));
    if (mbs > l.max_frame_mbs)
      return std::to_string(mbs) + " macroblocks a frame, more than its " +
             std::to_string(l.max_frame_mbs);
    if (mbs_w > max_side || mbs_h > max_side)
      return "a side of " + std::to_string(std::max(mbs_w, mbs_h)) +
             " macroblocks, more than its " + std::to_string(max_side);
    if (mbs * fps_n > l.max_mbs_per_second * fps_d)
      return std::to_string(mbs * fps_n / fps_d) + " macroblocks a second, more than its " +
             std::to_string(l.max_mbs_per_second);
    return {};
  }
  std::uint64_t luma = std::uint64_t{w} * h;
  auto max_side = static_cast<std::uint64_t>(std::sqrt(8.0 * l.max_luma_picture));
  if (luma > l.max_luma_picture)
    return std::to_string(luma) + " luma samples a picture, more than its " +
           std::to_string(l.max_luma_picture);
  if (w > max_side || h > max_side)
    return "a side of " + std::to_string(std::max(w, h)) + " samples, more than its " +
           std::to_string(max_side);
  if (luma * fps_n > l.max_luma_per_second * fps_d)
    return std::to_string(luma * fps_n / fps_d) + " luma samples a second, more than its " +
           std::to_string(l.max_luma_per_second);
  return {};
}

bool hasCodec(const LevelInfo &l, Codec codec) {
  return codec == Codec::kH264 ? l.max_frame_mbs != 0 : l.max_luma_picture != 0;
}

}  // namespace

const LevelInfo *findLevel(int value) noexcept {
  for (const LevelInfo &l : kLevels)
    if (l.value == value) return &l;
  return nullptr;
}

Result<const LevelInfo *> findLevel(Codec codec, const std::string &name) {
  std::string names;
  for (const LevelInfo &l : kLevels) {
    if (!hasCodec(l, codec)) continue;
    if (name == l.name) return &l;
    names += std::string(names.empty() ? "" : ", ") + l.name;
  }
  return Status(Errc::kOutOfRange, "level " + name + " is not an " +
                                       (codec == Codec::kH264 ? "H.264" : "H.265") +
                                       " level (allowed: auto, " + names + ")");
}

Status checkLevel(Codec codec, int level, std::uint32_t width, std::uint32_t height,
                  std::uint32_t fps_n, std::uint32_t fps_d) {
  const char *codec_name = codec == Codec::kH264 ? "H.264" : "H.265";
  const LevelInfo *l = findLevel(level);
  if (!l || !hasCodec(*l, codec))
    return Status(Errc::kOutOfRange, std::string("level ") + (l ? l->name : std::to_string(level)) +
                                         " is not an " + codec_name + " level");
  if (fps_n == 0 || fps_d == 0) fps_n = fps_d = 1;  // no rate: only the picture size counts
  std::string why = exceeded(codec, *l, width, height, fps_n, fps_d);
  if (why.empty()) return Status::ok();
  int lowest = lowestLevel(codec, width, height, fps_n, fps_d);
  const LevelInfo *fits = findLevel(lowest);
  return Status(Errc::kOutOfRange,
                std::string("level ") + l->name + " is too low for " + std::to_string(width) + "x" +
                    std::to_string(height) + " at " + fpsText(fps_n, fps_d) + " fps: " + why +
                    (fits ? std::string(" (allowed: level ") + fits->name + " or higher)"
                          : std::string(" (no ") + codec_name + " level fits)"));
}

int lowestLevel(Codec codec, std::uint32_t width, std::uint32_t height, std::uint32_t fps_n,
                std::uint32_t fps_d) noexcept {
  if (fps_n == 0 || fps_d == 0) fps_n = fps_d = 1;
  for (const LevelInfo &l : kLevels) {
    if (!hasCodec(l, codec)) continue;
    // 1b sits above level 1 only in bit rate, which is not checked here: skip it.
    if (l.value == 9) continue;
    if (exceeded(codec, l, width, height, fps_n, fps_d).empty()) return l.value;
  }
  return 0;
}

}  // namespace dvpp
}  // namespace mk
