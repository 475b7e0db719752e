// SPDX-License-Identifier: LGPL-2.1-or-later
// The settings of the GIF demuxer and decoder, each with its option table: declared once here,
// shown by gst-inspect-1.0 as properties, checked by mk::OptionTable when set by name.
#pragma once

#include <cstdint>

#include "core/options.h"
#include "gif/gif_types.h"
#include "gif/timeline.h"

namespace mk::gif {

struct DemuxSettings {
  unsigned min_delay = kMinDelayCs;
  unsigned default_delay = kDefaultDelayCs;
  unsigned max_delay = kMaxDelayCs;
  bool honor_loop = false;
  int64_t max_canvas_pixels = int64_t(kDefaultMaxCanvasPixels);

  DelayPolicy delayPolicy() const noexcept {
    return DelayPolicy{min_delay, default_delay, max_delay};
  }
};

const OptionTable &demuxOptions() noexcept;

struct DecodeSettings {
  unsigned background_color = 0xff000000;  // ARGB
  bool use_screen_background = false;
  int64_t max_canvas_pixels = int64_t(kDefaultMaxCanvasPixels);
};

const OptionTable &decodeOptions() noexcept;

}  // namespace mk::gif
