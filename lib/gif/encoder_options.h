// SPDX-License-Identifier: LGPL-2.1-or-later
// The GIF encoder's settings and their option table: declared once here, shown by
// gst-inspect-1.0 as gifenc's properties, checked by mk::OptionTable when set by name and by
// Encoder::create when filled by hand. The table is the only place a default or a range is
// stated: the members have no initialisers, the default constructor writes the table's defaults.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/options.h"
#include "gif/dither.h"
#include "gif/quality.h"

namespace mk::gif {

// Bits of EncoderSettings::optimize.
enum OptimizeFlag : unsigned {
  kOptimizeCrop = 1u << 0,          // code only the rectangle that changed
  kOptimizeTransparency = 1u << 1,  // unchanged pixels may become transparent
};

struct EncoderSettings {
  EncoderSettings() noexcept;  // encoderOptions()' defaults

  int quality;  // steers the knobs not given explicitly (gif/quality.h)
  int colors;   // palette entries, the transparent one included
  DitherMode dither;
  int dither_scale;  // Bayer only; 0 = strongest pattern
  PaletteScope palette;
  unsigned optimize;    // OptimizeFlag bits
  int alpha_threshold;  // alpha below it = transparent
  int speed;            // 1 = best palette .. fastest
  int lossy;            // 0 = exact; LZW may swap colours lossy/4 apart
  int noise_threshold;  // the temporal threshold, RGB units (optimizer.h)
  int threads;          // 0 = one per core
  int64_t max_size;     // bytes of the whole file, 0 = no size target (gif/rate_control.h)
  int bitrate;          // kbit/s averaged over a window, 0 = no bitrate target
  int lookahead;        // frames queued before coding: their colours shape the palettes
};

const OptionTable &encoderOptions() noexcept;

// An option's bit in EncoderConfig::explicit_options (1 << its place in encoderOptions()); 0 for
// a name the table does not have.
uint64_t encoderOptionBit(const Option &option) noexcept;
uint64_t encoderOptionBit(std::string_view name) noexcept;

// encoderOptions().parse() ("quality=60:dither=none") into `settings`, and the bits of the options
// it names into `explicit_options`: what a set of properties by name does.
Status parseEncoderOptions(EncoderSettings &settings, uint64_t &explicit_options,
                           std::string_view text);

}  // namespace mk::gif
