// SPDX-License-Identifier: LGPL-2.1-or-later
// Frame optimizer for the GIF encoder: keeps a model of what a decoder shows (the canvas), finds
// the rectangle a new frame must cover (FFmpeg's "offsetting") and which of its pixels may stay
// transparent because the canvas already shows them (FFmpeg's "transdiff"). Pixels whose source did
// not change since they were last coded keep the canvas even if it differs from the source, so
// quantization noise stays still; with a noise threshold, so do pixels whose source moved less
// than it (camera noise, re-encoded video): the error each keeps is bounded by the threshold,
// because it is measured against the source as it was when the pixel was last coded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "gif/color_table.h"
#include "gif/workers.h"
#include "gif/writer.h"

namespace mk::gif {

// Mask value of plan(): the canvas already shows this pixel; the encoder chooses between
// kPixelTransparent (costs a palette slot) and kPixelPlain (the work pixel is the canvas colour).
constexpr uint8_t kPixelOptional = 3;

struct FramePlan {
  FrameRect rect;
  size_t forced_transparent = 0;    // pixels that must be transparent (input alpha)
  size_t optional_transparent = 0;  // kPixelOptional pixels
  size_t changed = 0;               // pixels to quantize
};

class FrameOptimizer {
 public:
  [[nodiscard]] Status reset(int width, int height);

  // Plans the next frame from `cur` (width x height packed pixels, stride = width). A key frame
  // covers the screen and relies on nothing underneath but what the canvas holds when it is
  // clear. A 4x4 block keeps the canvas when its source moved, since it was last coded, by at
  // most `noise_threshold` on average (RGB units, 0 = exact) and its pixels' moves scatter around
  // that average by at most `noise_spread` (twice their standard deviation, the channels summed):
  // a small spread keeps slow drifts still but codes noise. Fills the rect-sized `mask`
  // (PixelClass values or kPixelOptional) and `work` (the colour to code for each pixel).
  void plan(const uint32_t *cur, bool key, bool crop, int noise_threshold, int noise_spread,
            FramePlan &plan, std::vector<uint8_t> &mask, std::vector<uint32_t> &work,
            Workers &workers);

  // Puts the coded frame on the canvas, then applies its disposal as a decoder will. `cur` and
  // `mask` are plan()'s: the pixels it coded from the source remember their source.
  void commit(const uint32_t *cur, const FrameRect &rect, const uint8_t *mask,
              const uint8_t *indices, const ColorTable &table, Disposal disposal, Workers &workers);

  // True while every canvas pixel is transparent (start, and after clearing disposals).
  bool canvasClear() const noexcept { return clear_; }
  const uint32_t *canvas() const noexcept { return canvas_.data(); }

 private:
  int width_ = 0, height_ = 0;
  std::vector<uint32_t> canvas_;
  std::vector<uint32_t> coded_;  // each pixel's source when it was last coded
  std::vector<uint8_t> block_keep_;
  // Per band of rows, for the threads: bounding boxes, pixel counts, "drew something" flags.
  struct Box {
    int x0, y0, x1, y1;
  };
  std::vector<Box> band_boxes_;
  std::vector<size_t> band_counts_;
  std::vector<uint8_t> band_flags_;
  bool clear_ = true;
};

}  // namespace mk::gif
