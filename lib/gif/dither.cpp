// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/dither.h"

#include <algorithm>
#include <type_traits>

namespace mk::gif {

namespace {

// 8x8 Bayer matrix, values 0..63.
int bayer8(int x, int y) {
  int v = 0;
  int xc = x ^ y;
  for (int bit = 0; bit < 3; bit++) {
    v = (v << 1) | ((xc >> (2 - bit)) & 1);
    v = (v << 1) | ((y >> (2 - bit)) & 1);
  }
  return v;
}

struct Tap {
  int dx, dy, weight;
};
struct Kernel {
  const Tap *taps;
  int count;
  int shift;  // weights sum to 1 << shift (Atkinson: 6/8 of it)
};

constexpr Tap kFs[] = {{1, 0, 7}, {-1, 1, 3}, {0, 1, 5}, {1, 1, 1}};
constexpr Tap kSierra2[] = {{1, 0, 4}, {2, 0, 3}, {-2, 1, 1}, {-1, 1, 2},
                            {0, 1, 3}, {1, 1, 2}, {2, 1, 1}};
constexpr Tap kSierraLite[] = {{1, 0, 2}, {-1, 1, 1}, {0, 1, 1}};
constexpr Tap kAtkinson[] = {{1, 0, 1}, {2, 0, 1}, {-1, 1, 1}, {0, 1, 1}, {1, 1, 1}, {0, 2, 1}};

constexpr Kernel kernelFor(DitherMode mode) {
  switch (mode) {
    case DitherMode::kFloydSteinberg:
      return {kFs, 4, 4};
    case DitherMode::kSierra2:
      return {kSierra2, 7, 4};
    case DitherMode::kAtkinson:
      return {kAtkinson, 6, 3};
    case DitherMode::kSierraLite:
    default:
      return {kSierraLite, 3, 2};
  }
}

inline int clamp255(int v) {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

}  // namespace

void Ditherer::apply(const uint32_t *src, size_t src_stride, const uint8_t *mask,
                     size_t mask_stride, int w, int h, DitherMode mode, int bayer_scale,
                     ColorMapper &mapper, int transparent_index, const ColorTable &table,
                     uint8_t *out, size_t out_stride, int error_cap) {
  const uint8_t tidx = static_cast<uint8_t>(transparent_index < 0 ? 0 : transparent_index);
  if (mode == DitherMode::kNone || mode == DitherMode::kBayer) {
    int scale = std::clamp(bayer_scale, 0, 5);
    int matrix[64];
    for (int i = 0; i < 64; i++) matrix[i] = ((bayer8(i & 7, i >> 3) - 32) >> scale);
    for (int y = 0; y < h; y++) {
      const uint32_t *s = src + y * src_stride;
      const uint8_t *m = mask ? mask + y * mask_stride : nullptr;
      uint8_t *o = out + y * out_stride;
      for (int x = 0; x < w; x++) {
        uint32_t p = s[x];
        int cls = m ? static_cast<int>(m[x]) : static_cast<int>(kPixelDither);
        if (pixA(p) == 0 || cls == kPixelTransparent) {
          o[x] = tidx;
        } else if (mode == DitherMode::kBayer && cls == kPixelDither) {
          int d = matrix[((y & 7) << 3) | (x & 7)];
          o[x] = static_cast<uint8_t>(mapper.nearest(clamp255(static_cast<int>(pixR(p)) + d),
                                                     clamp255(static_cast<int>(pixG(p)) + d),
                                                     clamp255(static_cast<int>(pixB(p)) + d)));
        } else {
          o[x] = static_cast<uint8_t>(mapper.map(p));
        }
      }
    }
    return;
  }
  diffuse(src, src_stride, mask, mask_stride, w, h, mode, mapper, transparent_index, table, out,
          out_stride, std::clamp(error_cap, 1, 255));
}

namespace {

// Rows dithered side by side: row j + 1 runs kLag(mode) pixels behind row j, far enough that
// every error it reads has arrived. Each row is a chain of dependent lookups (a pixel's colour
// waits for its left neighbour's error), so a few chains at once keep the core busy. Error is
// added in integers, so the order in which it arrives does not change the result.
constexpr int kChains = 3;

constexpr int lagFor(const Kernel &k) {
  int lag = 1;
  for (int t = 0; t < k.count; t++)
    if (k.taps[t].dy > 0) lag = std::max(lag, 1 - k.taps[t].dx);
  return lag;
}
constexpr int depthFor(const Kernel &k) {
  int depth = 0;
  for (int t = 0; t < k.count; t++) depth = std::max(depth, k.taps[t].dy);
  return depth;
}

// One kernel's loop, its taps known at compile time. Error may land in the rows' padding (two
// entries each side), where it is never read: the same as not passing it on. `err` holds
// kChains + depth rows of (w + 4) x 3 errors, all zero.
template <DitherMode kMode>
void diffuseRows(const uint32_t *src, size_t src_stride, const uint8_t *mask, size_t mask_stride,
                 int w, int h, ColorMapper &mapper, uint8_t tidx, const ColorTable &table,
                 uint8_t *out, size_t out_stride, int error_cap, int *err, size_t row_len) {
  constexpr Kernel k = kernelFor(kMode);
  constexpr int lag = lagFor(k), depth = depthFor(k), ring = kChains + depth;
  // Error is kept in 1/16ths of a level (1/8ths for Atkinson's 3-bit kernel, scaled to match).
  constexpr int unit_shift = 4;
  auto rowErr = [&](int y) { return err + static_cast<size_t>(y % ring) * row_len + 2 * 3; };
  for (int y0 = 0; y0 < h; y0 += kChains) {
    const int chains = std::min(kChains, h - y0);
    // The rows whose first error comes from this group start clean; the rows before them are
    // done with their buffers (the ring holds every row that can still be read or written).
    if (y0 > 0)
      for (int y = y0 + depth; y < y0 + kChains + depth; y++)
        std::fill(rowErr(y) - 2 * 3, rowErr(y) - 2 * 3 + row_len, 0);
    const int steps = w + (chains - 1) * lag;
    for (int t = 0; t < steps; t++) {
      for (int j = 0; j < chains; j++) {
        const int x = t - j * lag;
        if (x < 0 || x >= w) continue;
        const int y = y0 + j;
        const uint32_t p = src[y * src_stride + x];
        const int cls =
            mask ? static_cast<int>(mask[y * mask_stride + x]) : static_cast<int>(kPixelDither);
        uint8_t &o = out[y * out_stride + x];
        if (pixA(p) == 0 || cls == kPixelTransparent) {
          o = tidx;
          continue;
        }
        if (cls != kPixelDither) {  // plain, or any other class the caller codes plainly
          o = static_cast<uint8_t>(mapper.map(p));
          continue;
        }
        // Rounded error in levels; a small error budget cap keeps streaks from running away.
        const int *e = rowErr(y) + x * 3;
        const int r = clamp255(static_cast<int>(pixR(p)) + ((e[0] + 8) >> unit_shift));
        const int g = clamp255(static_cast<int>(pixG(p)) + ((e[1] + 8) >> unit_shift));
        const int b = clamp255(static_cast<int>(pixB(p)) + ((e[2] + 8) >> unit_shift));
        const int idx = mapper.nearest(r, g, b);
        o = static_cast<uint8_t>(idx);
        const Rgb &c = table.entries[idx];
        // Quantisation error scaled to 1/16ths, shared out over the kernel's taps.
        // Capped: where the palette cannot reach a colour, full error would pile up into streaks.
        const int er = std::clamp(r - c.r, -error_cap, error_cap) * (1 << unit_shift);
        const int eg = std::clamp(g - c.g, -error_cap, error_cap) * (1 << unit_shift);
        const int eb = std::clamp(b - c.b, -error_cap, error_cap) * (1 << unit_shift);
        for (int i = 0; i < k.count; i++) {
          const Tap &tap = k.taps[i];
          int *d = rowErr(y + tap.dy) + (x + tap.dx) * 3;
          d[0] += (er * tap.weight) >> k.shift;
          d[1] += (eg * tap.weight) >> k.shift;
          d[2] += (eb * tap.weight) >> k.shift;
        }
      }
    }
  }
}

}  // namespace

void Ditherer::diffuse(const uint32_t *src, size_t src_stride, const uint8_t *mask,
                       size_t mask_stride, int w, int h, DitherMode mode, ColorMapper &mapper,
                       int transparent_index, const ColorTable &table, uint8_t *out,
                       size_t out_stride, int error_cap) {
  const uint8_t tidx = static_cast<uint8_t>(transparent_index < 0 ? 0 : transparent_index);
  const size_t row_len = static_cast<size_t>(w + 4) * 3;
  err_.assign(row_len * (kChains + 2), 0);  // grows once, then reuses its capacity
  auto run = [&](auto kernel) {
    diffuseRows<decltype(kernel)::value>(src, src_stride, mask, mask_stride, w, h, mapper, tidx,
                                         table, out, out_stride, error_cap, err_.data(), row_len);
  };
  using M = DitherMode;
  switch (mode) {
    case M::kFloydSteinberg:
      return run(std::integral_constant<M, M::kFloydSteinberg>{});
    case M::kSierra2:
      return run(std::integral_constant<M, M::kSierra2>{});
    case M::kAtkinson:
      return run(std::integral_constant<M, M::kAtkinson>{});
    default:
      return run(std::integral_constant<M, M::kSierraLite>{});
  }
}

}  // namespace mk::gif
