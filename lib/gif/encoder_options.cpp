// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/encoder_options.h"

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
    optInt<&EncoderSettings::colors>("colors", "Colors",
                                     "Palette size in colours, the transparent slot included", 256,
                                     2, 256, kOptionMutableReady),
    optEnum<&EncoderSettings::dither>("dither", "Dither",
                                      "How colours missing from the palette are approximated",
                                      DitherMode::kSierraLite, kDitherConsts, kOptionMutableReady),
    optInt<&EncoderSettings::dither_scale>(
        "dither-scale", "Dither Scale",
        "Bayer pattern strength from 0 (strongest) to 5 (faintest); other modes ignore it", 2, 0, 5,
        kOptionMutableReady),
    optEnum<&EncoderSettings::palette>("palette", "Palette",
                                       "Which frames get their own colour table",
                                       PaletteScope::kAuto, kPaletteConsts, kOptionMutableReady),
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
};

constexpr OptionTable kEncodeTable(kEncodeOptions);

}  // namespace

const OptionTable &encoderOptions() noexcept {
  return kEncodeTable;
}

EncoderSettings::EncoderSettings() noexcept {
  encoderOptions().setDefaults(this);
}

}  // namespace mk::gif
