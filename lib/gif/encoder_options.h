// SPDX-License-Identifier: LGPL-2.1-or-later
// The gifenc element's settings as an option table: one flat struct whose members fit
// mk::OptionTable (optimize is a flags word), turned into mk::gif::EncoderSettings when a stream
// starts. Defaults and ranges are exactly EncoderSettings' (a test holds them equal).
#pragma once

#include "core/options.h"
#include "gif/encoder.h"

namespace mk::gif {

// Bits of EncodeOptions::optimize.
enum OptimizeFlag : unsigned {
  kOptimizeCrop = 1u << 0,          // code only the rectangle that changed
  kOptimizeTransparency = 1u << 1,  // unchanged pixels may become transparent
};

struct EncodeOptions {
  int colors = 256;
  DitherMode dither = DitherMode::kSierraLite;
  int dither_scale = 2;
  PaletteScope palette = PaletteScope::kAuto;
  unsigned optimize = kOptimizeCrop | kOptimizeTransparency;
  int alpha_threshold = 128;
  int speed = 4;
  int lossy = 0;

  EncoderSettings encoderSettings() const noexcept;
};

const OptionTable &encoderOptions() noexcept;

}  // namespace mk::gif
