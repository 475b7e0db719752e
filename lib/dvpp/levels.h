// SPDX-License-Identifier: LGPL-2.1-or-later
// The H.264 and H.265 levels, each stated once: its name, its value (level x 10, H.264's level
// 1b as 9, as FFmpeg's h264_metadata numbers it) and the limits a picture size and frame rate
// must keep (H.264 Table A-1: frame size and macroblock rate in 16x16 macroblocks; H.265
// Tables A.8/A.9 (A.6/A.7 in older editions): luma picture size and luma sample rate).
// encoderOptions() builds the `level` property's values from this table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "dvpp/bitstream.h"

namespace mk {
namespace dvpp {

struct LevelInfo {
  const char *name;  // "4.1", "1b"
  int value;         // level x 10; 9 for 1b
  // H.264; 0: not an H.264 level.
  std::uint32_t max_frame_mbs;
  std::uint64_t max_mbs_per_second;
  // H.265; 0: not an H.265 level.
  std::uint64_t max_luma_picture;
  std::uint64_t max_luma_per_second;
};

// Every level of either codec, lowest first, H.264's 1b between 1 and 1.1.
inline constexpr LevelInfo kLevels[] = {
    {"1", 10, 99, 1485, 36864, 552960},
    {"1b", 9, 99, 1485, 0, 0},
    {"1.1", 11, 396, 3000, 0, 0},
    {"1.2", 12, 396, 6000, 0, 0},
    {"1.3", 13, 396, 11880, 0, 0},
    {"2", 20, 396, 11880, 122880, 3686400},
    {"2.1", 21, 792, 19800, 245760, 7372800},
    {"2.2", 22, 1620, 20250, 0, 0},
    {"3", 30, 1620, 40500, 552960, 16588800},
    {"3.1", 31, 3600, 108000, 983040, 33177600},
    {"3.2", 32, 5120, 216000, 0, 0},
    {"4", 40, 8192, 245760, 2228224, 66846720},
    {"4.1", 41, 8192, 245760, 2228224, 133693440},
    {"4.2", 42, 8704, 522240, 0, 0},
    {"5", 50, 22080, 589824, 8912896, 267386880},
    {"5.1", 51, 36864, 983040, 8912896, 534773760},
    {"5.2", 52, 36864, 2073600, 8912896, 1069547520},
    {"6", 60, 139264, 4177920, 35651584, 1069547520},
    {"6.1", 61, 139264, 8355840, 35651584, 2139095040},
    {"6.2", 62, 139264, 16711680, 35651584, 4278190080},
};
inline constexpr std::size_t kLevelCount = sizeof(kLevels) / sizeof(kLevels[0]);

// The level of that value, or nullptr.
const LevelInfo *findLevel(int value) noexcept;
// The level of that name ("4.1") for `codec`; kOutOfRange naming the levels the codec has.
[[nodiscard]] Result<const LevelInfo *> findLevel(Codec codec, const std::string &name);

// Whether `width` x `height` at `fps_n`/`fps_d` frames per second fits `level` of `codec`.
// kOutOfRange names the level and the limit that is exceeded; a level the codec does not have
// (H.265 1.1, 1b ...) is kOutOfRange too.
[[nodiscard]] Status checkLevel(Codec codec, int level, std::uint32_t width, std::uint32_t height,
                                std::uint32_t fps_n, std::uint32_t fps_d);

// The lowest level of `codec` that fits, or 0 if none does.
int lowestLevel(Codec codec, std::uint32_t width, std::uint32_t height, std::uint32_t fps_n,
                std::uint32_t fps_d) noexcept;

}  // namespace dvpp
}  // namespace mk
