// SPDX-License-Identifier: LGPL-2.1-or-later
// gifenc's quality scale: what one number from 1 (smallest files) to 100 (best) sets of the
// encoder's knobs, chosen so that each step down buys the most bytes for the least loss of
// SSIM on the benchmark clips (docs/benchmarks.md). From 90 (the default) up nothing is traded
// away. Below it, error diffusion is off (it cost bytes and SSIM on every clip), one palette
// serves the whole clip, and two knobs move together: the palette's error budget (a frame gets
// only as many colours as it needs to stay within it: fewer on flat or few-coloured content) and
// the temporal threshold (4x4 blocks whose source drifted smoothly by less than it keep the
// previous frame's pixels). Both adapt to the content, which is why one scale serves cartoons,
// video and noise. Lossy LZW is not on the scale: it never bought SSIM-for-bytes as cheaply.
#pragma once

#include "gif/dither.h"

namespace mk::gif {

enum class PaletteScope {
  kGlobal,    // one palette from the first frame; a local one only when a frame would look bad
  kPerFrame,  // every frame its own palette (the first one's is the global palette)
  kAuto,      // the global palette while it serves, a local one on scene changes
};

inline constexpr int kDefaultQuality = 90;  // gifenc's `quality` default

struct QualityPlan {
  int palette_error;    // mean squared RGB error (the three channels summed) a palette may leave
  int noise_threshold;  // the temporal threshold, RGB units (0 = exact)
  DitherMode dither;
  PaletteScope palette;
};

// The plan for `quality` (clamped to 1..100): the palette's error budget and the temporal
// threshold are interpolated between the anchors below; from kFullQuality up the palette is exact
// where it can be, dithered by error diffusion, refreshed per scene.
inline constexpr int kFullQuality = 90;

constexpr QualityPlan qualityPlan(int quality) noexcept {
  struct Anchor {
    int quality, palette_error, noise_threshold;
  };
  constexpr Anchor kAnchors[] = {
      {1, 1500, 80}, {10, 1000, 64}, {20, 640, 48}, {30, 320, 40}, {40, 160, 32}, {50, 80, 24},
      {60, 40, 16},  {70, 20, 8},    {80, 10, 4},   {85, 5, 2},    {90, 0, 0},    {100, 0, 0},
  };
  constexpr int kCount = sizeof(kAnchors) / sizeof(kAnchors[0]);
  const bool full = quality >= kFullQuality;
  QualityPlan plan{kAnchors[0].palette_error, kAnchors[0].noise_threshold,
                   full ? DitherMode::kSierraLite : DitherMode::kNone,
                   full ? PaletteScope::kAuto : PaletteScope::kGlobal};
  if (quality <= kAnchors[0].quality) return plan;
  plan.palette_error = plan.noise_threshold = 0;
  for (int i = 0; i + 1 < kCount; i++) {
    const Anchor &a = kAnchors[i], &b = kAnchors[i + 1];
    if (quality > b.quality) continue;
    const int span = b.quality - a.quality, at = quality - a.quality;
    plan.palette_error = a.palette_error + (b.palette_error - a.palette_error) * at / span;
    plan.noise_threshold = a.noise_threshold + (b.noise_threshold - a.noise_threshold) * at / span;
    break;
  }
  return plan;
}

}  // namespace mk::gif
