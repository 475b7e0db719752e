// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/encoder_options.h"

#include <algorithm>
#include <cstdint>

#include "gif/quality.h"
#include "gif/rate_control.h"

namespace mk::gif {

namespace {

constexpr OptionConst kDitherConsts[] = {
    {"none", "None", static_cast<int>(DitherMode::kNone),
     "Nearest palette colour: flat areas stay flat, gradients band"},
    {"bayer", "Bayer", static_cast<int>(DitherMode::kBayer),
     "Ordered 8x8 pattern (strength from dither-scale): compresses well between frames"},
    {"floyd-steinberg", "Floyd-Steinberg", static_cast<int>(DitherMode::kFloydSteinberg),
     "Classic error diffusion over four neighbours"},
    {"sierra2", "Sierra-2", static_cast<int>(DitherMode::kSierra2),
     "Two-row Sierra error diffusion"},
    {"sierra2-4a", "Sierra-2-4A", static_cast<int>(DitherMode::kSierraLite),
     "Sierra Lite error diffusion (FFmpeg's default): smooth and cheap"},
    {"atkinson", "Atkinson", static_cast<int>(DitherMode::kAtkinson),
     "Diffuses 3/4 of the error: more contrast, less bleeding"},
};

constexpr OptionConst kPaletteConsts[] = {
    {"global", "Global", static_cast<int>(PaletteScope::kGlobal),
     "One palette learned from the first frame; a local one only when a frame would look bad"},
    {"per-frame", "Per Frame", static_cast<int>(PaletteScope::kPerFrame),
     "Every frame gets its own palette: best colours, bigger files"},
    {"auto", "Auto", static_cast<int>(PaletteScope::kAuto),
     "The global palette while it serves, a local one on scene changes"},
};

constexpr OptionConst kOptimizeConsts[] = {
    {"crop", "Crop", kOptimizeCrop, "Code only the rectangle that changed since the last frame"},
    {"transparency", "Transparency", kOptimizeTransparency,
     "Unchanged pixels may be coded as transparent when that is smaller"},
};

constexpr Option kEncodeOptions[] = {
    optInt<&EncoderSettings::quality>(
        "quality", "Quality",
        "From 1 (smallest file) to 100 (best). From 90 up nothing is traded away; below, one "
        "palette with an error budget and a size cap (256 colours at 85, 2 at 1), no error "
        "diffusion and a temporal threshold, all moving as quality falls. Steers colors, dither, "
        "palette and noise-threshold unless they are set",
        kDefaultQuality, 1, 100, kOptionMutableReady),
    optInt<&EncoderSettings::colors>("colors", "Colors",
                                     "Palette size in colours, the transparent slot included", 256,
                                     2, 256, kOptionMutableReady),
    optEnum<&EncoderSettings::dither>(
        "dither", "Dither",
        "How colours missing from the palette are approximated (set by quality unless given)",
        qualityPlan(kDefaultQuality).dither, kDitherConsts, kOptionMutableReady),
    optInt<&EncoderSettings::dither_scale>(
        "dither-scale", "Dither Scale",
        "Bayer pattern strength from 0 (strongest) to 5 (faintest); other modes ignore it", 2, 0, 5,
        kOptionMutableReady),
    optEnum<&EncoderSettings::palette>(
        "palette", "Palette",
        "Which frames get their own colour table (set by quality unless given)",
        qualityPlan(kDefaultQuality).palette, kPaletteConsts, kOptionMutableReady),
    optFlags<&EncoderSettings::optimize>(
        "optimize", "Optimize", "Inter-frame size optimisations to apply",
        kOptimizeCrop | kOptimizeTransparency, kOptimizeConsts, kOptionMutableReady),
    optInt<&EncoderSettings::alpha_threshold>(
        "alpha-threshold", "Alpha Threshold",
        "Input pixels with alpha below this (0-255) become transparent", 128, 0, 255,
        kOptionMutableReady),
    optInt<&EncoderSettings::speed>("speed", "Speed",
                                    "Palette search effort from 1 (best colours) to 10 (fastest)",
                                    4, 1, 10, kOptionMutableReady),
    optInt<&EncoderSettings::lossy>(
        "lossy", "Lossy",
        "Let LZW swap a pixel for a palette colour up to lossy/4 RGB units away to shorten codes "
        "(0 = exact)",
        0, 0, 200, kOptionMutableReady),
    optInt<&EncoderSettings::noise_threshold>(
        "noise-threshold", "Noise Threshold",
        "Pixels whose colour moved less than this (RGB units) since they were last coded keep "
        "what the previous frame shows, so noise costs no bytes and does not crawl (0 = exact; "
        "set by quality unless given)",
        qualityPlan(kDefaultQuality).noise_threshold, 0, 100, kOptionMutableReady),
    optInt<&EncoderSettings::threads>(
        "threads", "Threads",
        "Threads that code each frame (0 = one per core); the output is the same for any number", 0,
        0, 64, kOptionMutableReady),
    optInt64<&EncoderSettings::max_size>(
        "max-size", "Max Size",
        "Largest file in bytes, header to trailer (0 = no limit; at least 1024): quality adapts "
        "frame by frame so the file fits, using the stream's duration; quality is the ceiling. "
        "Not with bitrate",
        0, 0, INT64_MAX, kOptionMutableReady),
    optInt<&EncoderSettings::bitrate>(
        "bitrate", "Bitrate",
        "Target bitrate in kbit/s averaged over 10 s of display time, for live input (0 = none): "
        "quality adapts frame by frame; quality is the ceiling. Not with max-size",
        0, 0, 1000000, kOptionMutableReady),
    optInt<&EncoderSettings::lookahead>(
        "lookahead", "Look-ahead",
        "Frames seen before the first is coded, so the global palette (and the palette shared "
        "by a new scene) is learned from them too; adds this many frames of latency and holds "
        "lookahead + 1 frames of width x height x 4 bytes (0 = the first frame alone)",
        0, 0, 60, kOptionMutableReady),
};

static_assert(kBitrateWindowCs == 1000 && RateController::kMinMaxBytes == 1024,
              "the help of bitrate and max-size states the window and the least size");
static_assert(sizeof(kEncodeOptions) / sizeof(kEncodeOptions[0]) <= 64,
              "explicit_options has a bit per option");
constexpr OptionTable kEncodeTable(kEncodeOptions);

}  // namespace

const OptionTable &encoderOptions() noexcept {
  return kEncodeTable;
}

EncoderSettings::EncoderSettings() noexcept {
  encoderOptions().setDefaults(this);
}

uint64_t encoderOptionBit(const Option &option) noexcept {
  const OptionTable &t = encoderOptions();
  if (&option < t.begin() || &option >= t.end()) return 0;
  return uint64_t{1} << (&option - t.begin());
}

uint64_t encoderOptionBit(std::string_view name) noexcept {
  const Option *o = encoderOptions().find(name);
  return o ? encoderOptionBit(*o) : 0;
}

Status parseEncoderOptions(EncoderSettings &settings, uint64_t &explicit_options,
                           std::string_view text) {
  if (Status st = encoderOptions().parse(&settings, text); !st) return st;
  // parse() has accepted every name: option names hold no ':', '=' or escapes.
  while (!text.empty()) {
    const size_t end = text.find(':');
    std::string_view name = text.substr(0, std::min(end, text.find('=')));
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    explicit_options |= encoderOptionBit(name);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return Status::ok();
}

}  // namespace mk::gif
