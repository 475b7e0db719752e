// SPDX-License-Identifier: LGPL-2.1-or-later
// Pixel layouts of raw frames, named as GStreamer names them (byte order in memory), for both
// directions: the decoder writes the first eight (kRGBA .. kBGR); the encoder reads them all.
// One table says where each channel sits, so the two never disagree about a layout.
#pragma once

#include <cstdint>

namespace mk::gif {

enum class PixelFormat : uint8_t {
  kRGBA,   // 4 bytes with alpha
  kBGRA,   // 4 bytes with alpha
  kARGB,   // 4 bytes with alpha
  kABGR,   // 4 bytes with alpha
  kRGBx,   // 4 bytes, padding (written 0xFF, ignored when read)
  kBGRx,   // 4 bytes, padding
  kRGB,    // 3 bytes
  kBGR,    // 3 bytes
  kxRGB,   // 4 bytes, padding first
  kxBGR,   // 4 bytes, padding first
  kGray8,  // 1 byte (encoder input only)
  kRGB8P,  // 1-byte index into a 256-entry palette (encoder input only)
};

inline constexpr unsigned kPixelFormatCount = 12;
inline constexpr unsigned kDecoderPixelFormatCount = 8;  // kRGBA .. kBGR

// Where the channels of one pixel sit: byte offsets, -1 where the layout has none.
struct PixelLayout {
  uint8_t bytes;      // bytes per pixel
  int8_t r, g, b, a;  // channel offsets; a = -1 without alpha
  int8_t pad;         // the padding byte of the x formats, -1 when there is none
};

constexpr PixelLayout layoutOf(PixelFormat f) noexcept {
  switch (f) {
    case PixelFormat::kRGBA:
      return {4, 0, 1, 2, 3, -1};
    case PixelFormat::kBGRA:
      return {4, 2, 1, 0, 3, -1};
    case PixelFormat::kARGB:
      return {4, 1, 2, 3, 0, -1};
    case PixelFormat::kABGR:
      return {4, 3, 2, 1, 0, -1};
    case PixelFormat::kRGBx:
      return {4, 0, 1, 2, -1, 3};
    case PixelFormat::kBGRx:
      return {4, 2, 1, 0, -1, 3};
    case PixelFormat::kRGB:
      return {3, 0, 1, 2, -1, -1};
    case PixelFormat::kBGR:
      return {3, 2, 1, 0, -1, -1};
    case PixelFormat::kxRGB:
      return {4, 1, 2, 3, -1, 0};
    case PixelFormat::kxBGR:
      return {4, 3, 2, 1, -1, 0};
    case PixelFormat::kGray8:
      return {1, 0, 0, 0, -1, -1};
    case PixelFormat::kRGB8P:
      return {1, 0, 0, 0, -1, -1};
  }
  return {4, 0, 1, 2, 3, -1};
}

constexpr unsigned bytesPerPixel(PixelFormat f) noexcept {
  return layoutOf(f).bytes;
}
constexpr bool hasAlpha(PixelFormat f) noexcept {
  return layoutOf(f).a >= 0;
}
// The formats the decoder (Compositor) can write: direct colour, 3 or 4 bytes.
constexpr bool isDecoderFormat(PixelFormat f) noexcept {
  return static_cast<unsigned>(f) < kDecoderPixelFormatCount;
}

}  // namespace mk::gif
