// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/settings.h"

namespace mk::gif {

namespace {

constexpr int64_t kMaxCanvasLimit = int64_t{kMaxDimension} * kMaxDimension;

constexpr Option kDemuxOptions[] = {
    optUint<&DemuxSettings::min_delay>(
        "min-delay", "Minimum Delay",
        "Frame delays below this many centiseconds are replaced by default-delay (browsers treat "
        "0 and 1 this way)",
        kMinDelayCs, 0, kMaxDelayCs, kOptionMutableReady),
    optUint<&DemuxSettings::default_delay>(
        "default-delay", "Default Delay",
        "Delay in centiseconds given to frames whose delay is below min-delay", kDefaultDelayCs, 0,
        kMaxDelayCs, kOptionMutableReady),
    optUint<&DemuxSettings::max_delay>("max-delay", "Maximum Delay",
                                       "Frame delays above this many centiseconds are clamped",
                                       kMaxDelayCs, 1, kMaxDelayCs, kOptionMutableReady),
    optBool<&DemuxSettings::honor_loop>(
        "honor-loop", "Honor Loop",
        "Replay the animation as browsers do: as many times as its loop extension says (a count "
        "of N plays N+1 times, 0 forever), with increasing timestamps",
        false, kOptionMutableReady),
    optInt64<&DemuxSettings::max_canvas_pixels>(
        "max-canvas-pixels", "Maximum Canvas Pixels",
        "Refuse files whose logical screen has more pixels than this (width x height)",
        int64_t(kDefaultMaxCanvasPixels), 1, kMaxCanvasLimit, kOptionMutableReady),
};

constexpr Option kDecodeOptions[] = {
    optUint<&DecodeSettings::background_color>(
        "background-color", "Background Color",
        "Colour (0xAARRGGBB; alpha ignored) that transparent pixels show in output formats "
        "without alpha",
        0xff000000u, 0, 0xffffffffu, kOptionMutableReady),
    optBool<&DecodeSettings::use_screen_background>(
        "use-screen-background", "Use Screen Background",
        "Use the file's background colour instead of background-color for output formats "
        "without alpha",
        false, kOptionMutableReady),
    optInt64<&DecodeSettings::max_canvas_pixels>(
        "max-canvas-pixels", "Maximum Canvas Pixels",
        "Refuse streams whose logical screen has more pixels than this (width x height)",
        int64_t(kDefaultMaxCanvasPixels), 1, kMaxCanvasLimit, kOptionMutableReady),
};

constexpr OptionTable kDemuxTable(kDemuxOptions);
constexpr OptionTable kDecodeTable(kDecodeOptions);

}  // namespace

const OptionTable &demuxOptions() noexcept {
  return kDemuxTable;
}
const OptionTable &decodeOptions() noexcept {
  return kDecodeTable;
}

DemuxSettings::DemuxSettings() noexcept {
  demuxOptions().setDefaults(this);
}

DecodeSettings::DecodeSettings() noexcept {
  decodeOptions().setDefaults(this);
}

}  // namespace mk::gif
