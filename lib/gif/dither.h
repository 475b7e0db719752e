// SPDX-License-Identifier: LGPL-2.1-or-later
// Mapping pixels to palette indices, with ordered (Bayer) or error-diffusion dither. A per-pixel
// mask says which pixels may be dithered; the others map to their nearest entry, never receive or
// pass on error, so areas that did not change between frames come out identical (and compress).
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "gif/quantizer.h"

namespace mk::gif {

enum class DitherMode {
  kNone,
  kBayer,           // ordered 8x8, strength from bayer_scale (FFmpeg's bayer_scale)
  kFloydSteinberg,  // 7/16 3/16 5/16 1/16
  kSierra2,         // two-row Sierra (FFmpeg's sierra2)
  kSierraLite,      // Sierra Lite, a.k.a. Sierra-2-4A (FFmpeg's default sierra2_4a)
  kAtkinson,        // 3/4 of the error over six neighbours: less bleeding, more contrast
};

// Mask values, one byte a pixel.
enum PixelClass : uint8_t {
  kPixelDither = 0,       // quantize, dithered
  kPixelPlain = 1,        // quantize to the nearest entry, no error in or out
  kPixelTransparent = 2,  // write the transparent index
  // Any other value is treated as kPixelPlain.
};

class Ditherer {
 public:
  // Maps a w x h area of packed pixels (strides in elements) to indices. `mask` may be null (all
  // kPixelDither). bayer_scale 0..5: 0 strongest pattern. Pixels with alpha 0 always become
  // `transparent_index`, which must then be >= 0. error_cap (1..255): the largest per-channel error
  // a pixel passes on; small caps dither away banding between close entries but leave textures
  // and out-of-palette colours undithered (less noise, smaller files). 255 = classic diffusion.
  void apply(const uint32_t *src, size_t src_stride, const uint8_t *mask, size_t mask_stride, int w,
             int h, DitherMode mode, int bayer_scale, ColorMapper &mapper, int transparent_index,
             const ColorTable &table, uint8_t *out, size_t out_stride, int error_cap = 255);

  // The cap the encoder uses for a palette of `colors` entries: error diffusion passes on at most
  // this many levels per channel (2 at 256 colours; full diffusion for tiny palettes). Measured on
  // the benchmark clips (docs/benchmarks.md), stronger diffusion costs size (noise the LZW cannot
  // compress) and SSIM: a cap of 2 beat 3 and 4 on every clip in both.
  static int errorCapFor(int colors) noexcept {
    return colors <= 4 ? 255 : std::min(255, 2 * 256 / colors);
  }

 private:
  void diffuse(const uint32_t *src, size_t src_stride, const uint8_t *mask, size_t mask_stride,
               int w, int h, DitherMode mode, ColorMapper &mapper, int transparent_index,
               const ColorTable &table, uint8_t *out, size_t out_stride, int error_cap);
  std::vector<int> err_;  // three rows of (w + 4) x 3 channel errors, in 1/16ths
};

}  // namespace mk::gif
