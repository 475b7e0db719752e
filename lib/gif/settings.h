// SPDX-License-Identifier: LGPL-2.1-or-later
// The settings of the GIF demuxer and decoder, each with its option table: declared once here,
// shown by gst-inspect-1.0 as properties, checked by mk::OptionTable when set by name. The table
// is the only place a default or a range is stated: the members have no initialisers, the
// default constructor writes the table's defaults.
#pragma once

#include <cstdint>

#include "core/options.h"
#include "gif/gif_types.h"
#include "gif/timeline.h"

namespace mk::gif {

struct DemuxSettings {
  DemuxSettings() noexcept;  // demuxOptions()' defaults

  unsigned min_delay;      // cs
  unsigned default_delay;  // cs
  unsigned max_delay;      // cs
  bool honor_loop;
  int64_t max_canvas_pixels;

  DelayPolicy delayPolicy() const noexcept {
    return DelayPolicy{min_delay, default_delay, max_delay};
  }
};

const OptionTable &demuxOptions() noexcept;

struct DecodeSettings {
  DecodeSettings() noexcept;  // decodeOptions()' defaults

  unsigned background_color;  // 0xAARRGGBB
  bool use_screen_background;
  int64_t max_canvas_pixels;
};

const OptionTable &decodeOptions() noexcept;

}  // namespace mk::gif
