// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::ColorTable: the palette the GIF encode half passes between quantizer, dither, optimizer
// and writer. Plain data: up to 256 RGB entries and, when the frame uses one, a transparent index.
// Pixels inside the encoder are packed uint32 (see packRgba); alpha 0 means "transparent".
#pragma once

#include <array>
#include <cstdint>

namespace mk::gif {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb &o) const noexcept { return r == o.r && g == o.g && b == o.b; }
  bool operator!=(const Rgb &o) const noexcept { return !(*this == o); }
};

struct ColorTable {
  std::array<Rgb, 256> entries{};
  int size = 0;          // used entries, 0..256
  int transparent = -1;  // index written for transparent pixels, or -1

  // Entries the file's table must hold: a power of two >= 2 covering `size` and `transparent`.
  int tableSize() const noexcept {
    int need = size > transparent + 1 ? size : transparent + 1;
    int n = 2;
    while (n < need) n <<= 1;
    return n;
  }
  // log2(tableSize()): the "size" field of a GIF colour table flag byte is bits() - 1.
  int bits() const noexcept {
    int b = 1;
    while ((1 << b) < tableSize()) b++;
    return b;
  }
  bool sameColors(const ColorTable &o) const noexcept {
    if (size != o.size || transparent != o.transparent) return false;
    for (int i = 0; i < size; i++)
      if (i != transparent && entries[i] != o.entries[i]) return false;
    return true;
  }
};

// Internal pixel: R in bits 0-7, G 8-15, B 16-23, A 24-31. Opaque pixels have A = 255; the encoder
// turns every pixel below the alpha threshold into 0 so that all transparent pixels compare equal.
constexpr uint32_t packRgba(uint32_t r, uint32_t g, uint32_t b, uint32_t a) noexcept {
  return r | (g << 8) | (b << 16) | (a << 24);
}
constexpr uint32_t pixR(uint32_t p) noexcept {
  return p & 0xff;
}
constexpr uint32_t pixG(uint32_t p) noexcept {
  return (p >> 8) & 0xff;
}
constexpr uint32_t pixB(uint32_t p) noexcept {
  return (p >> 16) & 0xff;
}
constexpr uint32_t pixA(uint32_t p) noexcept {
  return p >> 24;
}
constexpr uint32_t kTransparentPixel = 0;

}  // namespace mk::gif
