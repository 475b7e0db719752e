// SPDX-License-Identifier: LGPL-2.1-or-later
// Palette building and nearest-colour lookup for the GIF encoder. Quantizer: a histogram of
// opaque pixels, split by variance-minimising median cut, refined by k-means over the histogram
// bins. ExactColors: the lossless fast path for images that already have few colours.
// ColorMapper: cached nearest-entry search. All of it is deterministic: same input, same palette.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "gif/color_table.h"

namespace mk::gif {

// Collects the distinct opaque colours of pixels (alpha != 0) up to a limit.
class ExactColors {
 public:
  void reset() noexcept;
  // Adds opaque pixels of a w x h area (stride in pixels); with a mask, only pixels whose mask
  // byte is 0 count. Returns false (and stops) once more than `limit` distinct colours are seen.
  bool add(const uint32_t *px, size_t stride, int w, int h, const uint8_t *mask, size_t mask_stride,
           int limit) noexcept;
  int count() const noexcept { return count_; }
  // Writes the colours, sorted by value, to entries [0, count()) of `table`.
  void fill(ColorTable &table) const noexcept;

 private:
  static constexpr int kSlots = 1024;  // > 4 x 256: short probe chains
  uint32_t slots_[kSlots] = {};        // colour | 1 << 24 when used
  int count_ = 0;
};

class Quantizer {
 public:
  Quantizer() = default;
  // Allocates the histogram (4 MiB, zero pages from calloc); add() calls it when needed.
  // False when there is no memory, and add() then ignores pixels.
  [[nodiscard]] bool allocate() noexcept;
  // Forgets every pixel added.
  void reset() noexcept;
  // Adds opaque pixels (alpha != 0) of a w x h area to the histogram; with a mask, only pixels
  // whose mask byte is 0. speed 1..10: higher samples fewer pixels and uses coarser bins.
  void add(const uint32_t *px, size_t stride, int w, int h, const uint8_t *mask, size_t mask_stride,
           int speed) noexcept;
  bool empty() const noexcept { return touched_.empty(); }
  // Builds at most `colors` (1..256) entries into table.entries[0..size); leaves `transparent`
  // alone. Higher speed means fewer k-means passes. An empty histogram gives one black entry.
  // With `max_error` > 0 it stops splitting once the mean squared RGB error (summed over the
  // three channels) of the pixels against their entries is at most that: fewer colours where
  // fewer serve.
  void build(int colors, int speed, ColorTable &table, double max_error = 0);

 private:
  struct Bin {
    uint32_t count, r, g, b;
  };
  struct Cell {  // a non-empty bin as a weighted point
    float r, g, b;
    double w;
  };
  struct Free {
    void operator()(void *p) const noexcept { std::free(p); }
  };
  struct Box {
    uint32_t begin, end;
    double sse;
  };

  struct Sums {
    double w = 0, r = 0, g = 0, b = 0, q = 0;  // q: sum of w * |c|^2
    void add(double cw, double cr, double cg, double cb) {
      w += cw;
      r += cw * cr;
      g += cw * cg;
      b += cw * cb;
      q += cw * (cr * cr + cg * cg + cb * cb);
    }
    double sse() const { return w > 0 ? q - (r * r + g * g + b * b) / w : 0; }
  };

  int bits_ = 6;
  std::unique_ptr<Bin[], Free> bins_;
  // Scratch of build(), kept so that steady-state builds do not allocate.
  std::vector<Box> boxes_;
  std::vector<double> prefix_;
  std::vector<Sums> acc_;
  std::vector<float> cr_, cg_, cb_;
  std::vector<int> by_g_;
  std::vector<uint32_t> touched_;
  std::vector<Cell> cells_;
  std::vector<uint32_t> order_;
};

// Nearest palette entry (RGB euclidean, transparent entry excluded; of equally near entries the
// lowest index) with a direct-mapped cache in front of a search that only looks at the entries
// that can be nearest anywhere in the colour's cell (an 8x8x8 cube of colours), found the first
// time a colour of that cell is looked up (libjpeg's inverse colour map, done lazily).
class ColorMapper {
 public:
  ColorMapper() = default;
  // Allocates the lookup cache and the cells; setTable() calls it when needed. Without them,
  // every lookup searches the whole table.
  [[nodiscard]] bool allocate() noexcept;
  void setTable(const ColorTable &table) noexcept;
  int nearest(int r, int g, int b) noexcept {
    const uint32_t rgb = static_cast<uint32_t>(r) | (static_cast<uint32_t>(g) << 8) |
                         (static_cast<uint32_t>(b) << 16);
    const uint32_t slot = (rgb * 2654435761u) >> (32 - kCacheBits);
    if (cache_key_ && cache_key_[slot] == (rgb | (generation_ << 24))) return cache_val_[slot];
    return lookup(r, g, b, rgb, slot);
  }
  int map(uint32_t px) noexcept { return nearest(pixR(px), pixG(px), pixB(px)); }
  // Squared distance of the colour to entry `index`.
  int distance(int r, int g, int b, int index) const noexcept;

 private:
  int lookup(int r, int g, int b, uint32_t rgb, uint32_t slot) noexcept;
  int search(int r, int g, int b) const noexcept;  // every entry
  const uint8_t *candidates(int r, int g, int b, int &count) noexcept;
  void clearCells() noexcept;

  static constexpr int kCacheBits = 16;
  static constexpr int kCellShift = 3;  // cells of 8 levels a channel
  static constexpr int kCellBits = 8 - kCellShift;
  static constexpr int kCells = 1 << (3 * kCellBits);
  static constexpr uint32_t kPoolSize = 1u << 18;  // candidate bytes; refilled when full
  struct Entry {
    int r, g, b, index;
  };
  Entry entries_[256];  // the opaque entries, by index
  int n_ = 0;
  ColorTable table_;
  struct Free {
    void operator()(void *p) const noexcept { std::free(p); }
  };
  std::unique_ptr<uint32_t[], Free> cache_key_;  // rgb | generation << 24
  std::unique_ptr<uint8_t[], Free> cache_val_;
  uint32_t generation_ = 0;
  // Per cell: 0 = not known yet, else (pool offset << 9 | candidate count), count >= 1.
  std::unique_ptr<uint32_t[], Free> cells_;
  std::unique_ptr<uint8_t[], Free> pool_;  // candidate indices, ascending in each cell
  uint32_t pool_used_ = 0;
};

}  // namespace mk::gif
