// SPDX-License-Identifier: LGPL-2.1-or-later
// The GIF encoder's settings and their option table: declared once here, shown by
// gst-inspect-1.0 as gifenc's properties, checked by mk::OptionTable when set by name and by
// Encoder::create when filled by hand. The table is the only place a default or a range is
// stated: the members have no initialisers, the default constructor writes the table's defaults.
#pragma once

#include "core/options.h"
#include "gif/dither.h"

namespace mk::gif {

enum class PaletteScope {
  kGlobal,    // one palette from the first frame; a local one only when a frame would look bad
  kPerFrame,  // every frame its own palette (the first one's is the global palette)
  kAuto,      // the global palette while it serves, a local one on scene changes
};

// Bits of EncoderSettings::optimize.
enum OptimizeFlag : unsigned {
  kOptimizeCrop = 1u << 0,          // code only the rectangle that changed
  kOptimizeTransparency = 1u << 1,  // unchanged pixels may become transparent
};

struct EncoderSettings {
  EncoderSettings() noexcept;  // encoderOptions()' defaults

  int colors;  // palette entries, the transparent one included
  DitherMode dither;
  int dither_scale;  // Bayer only; 0 = strongest pattern
  PaletteScope palette;
  unsigned optimize;    // OptimizeFlag bits
  int alpha_threshold;  // alpha below it = transparent
  int speed;            // 1 = best palette .. fastest
  int lossy;            // 0 = exact; LZW may swap colours lossy/4 apart
};

const OptionTable &encoderOptions() noexcept;

}  // namespace mk::gif
