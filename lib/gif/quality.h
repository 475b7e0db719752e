// SPDX-License-Identifier: LGPL-2.1-or-later
// gifenc's quality scale: what one number from 1 (smallest files) to 100 (best) sets of the
// encoder's knobs, chosen so that each step down buys the most bytes for the least loss of
// SSIM on the benchmark clips (docs/benchmarks.md). From 90 (the default) up nothing is traded
// away. Below it, error diffusion is off (it cost bytes and SSIM on every clip), one palette
// serves the whole clip, and four knobs move together:
// - the palette's error budget: a frame gets only as many colours as it needs to stay within it
//   (fewer on flat or few-coloured content);
// - a cap on the palette size, from 256 at 85 down to 2 at 1: where the budget cannot be met
//   (noise: every colour is needed to meet it) the cap is what makes the file smaller, and a
//   coarser palette keeps more of a noisy picture per byte than freezing or lossy LZW (measured
//   on the camera clip); it also takes smooth content (a gradient of fewer than 256 colours,
//   coded exactly above the cap) down to a few kilobytes;
// - the temporal threshold: a 4x4 block whose source drifted by less than it on average since it
//   was last coded keeps the previous frame's pixels (a slow pan or zoom costs no bytes);
// - how far a block's pixels may scatter around that average drift (noise_spread): kept below
//   camera noise from 60 down to 20, so noise is coded (with fewer colours) rather than frozen
//   from one quality step to the next, which made the scale jump from megabytes to kilobytes on
//   noisy clips; only at the bottom of the scale does noise stay still.
// Lossy LZW is not on the scale: on every clip, the camera's noise included, fewer colours
// bought more bytes for less SSIM. From 90 to 100 the file is the same: per-frame palettes at
// 100 cost bytes on every clip and SSIM on mandelbrot (measured), so there is no better point.
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
  int colors = 256;  // the most colours a palette may have (2..256), the transparent slot included
  // How far a 4x4 block's changes may scatter around their mean and the block still be kept,
  // as twice the standard deviation (RGB units, the channels summed); an explicit
  // noise-threshold sets it to the threshold itself.
  int noise_spread = 0;
};

// The plan for `quality` (clamped to 1..100): the palette's error budget and size cap, the
// temporal threshold and spread are interpolated between the anchors below; from kFullQuality up
// the palette is exact where it can be, dithered by error diffusion, refreshed per scene.
inline constexpr int kFullQuality = 90;

constexpr QualityPlan qualityPlan(int quality) noexcept {
  struct Anchor {
    int quality, palette_error, noise_threshold, noise_spread, colors;
  };
  constexpr Anchor kAnchors[] = {
      {1, 1500, 80, 80, 2},  {10, 1000, 64, 24, 8}, {20, 640, 48, 16, 16}, {30, 320, 40, 16, 32},
      {40, 160, 32, 16, 64}, {50, 80, 24, 16, 128}, {60, 40, 16, 16, 160}, {70, 20, 8, 8, 192},
      {80, 10, 4, 4, 224},   {85, 5, 2, 2, 256},    {90, 0, 0, 0, 256},    {100, 0, 0, 0, 256},
  };
  constexpr int kCount = sizeof(kAnchors) / sizeof(kAnchors[0]);
  const bool full = quality >= kFullQuality;
  const Anchor &low = kAnchors[0];
  QualityPlan plan{low.palette_error,
                   low.noise_threshold,
                   full ? DitherMode::kSierraLite : DitherMode::kNone,
                   full ? PaletteScope::kAuto : PaletteScope::kGlobal,
                   low.colors,
                   low.noise_spread};
  if (quality <= low.quality) return plan;
  for (int i = 0; i + 1 < kCount; i++) {
    const Anchor &a = kAnchors[i], &b = kAnchors[i + 1];
    if (quality > b.quality) continue;
    const int span = b.quality - a.quality, at = quality - a.quality;
    auto lerp = [&](int from, int to) { return from + (to - from) * at / span; };
    plan.palette_error = lerp(a.palette_error, b.palette_error);
    plan.noise_threshold = lerp(a.noise_threshold, b.noise_threshold);
    plan.noise_spread = lerp(a.noise_spread, b.noise_spread);
    plan.colors = lerp(a.colors, b.colors);
    return plan;
  }
  plan.palette_error = plan.noise_threshold = plan.noise_spread = 0;  // above the last anchor
  plan.colors = 256;
  return plan;
}

}  // namespace mk::gif
