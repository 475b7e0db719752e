// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/quantizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mk::gif {

namespace {

// A bin stops counting at this many pixels: its mean is known well by then, and the 32-bit
// channel sums cannot overflow.
constexpr uint32_t kBinCap = 1u << 24;

int kmeansPasses(int speed) {
  static const int kPasses[11] = {8, 8, 6, 5, 4, 3, 2, 2, 1, 1, 0};
  return kPasses[std::clamp(speed, 1, 10)];
}

int sampleStep(int speed) {
  return speed <= 6 ? 1 : speed <= 8 ? 2 : 3;
}

inline uint8_t toByte(double v) {
  long r = std::lround(v);
  return static_cast<uint8_t>(std::clamp(r, 0L, 255L));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
void ExactColors::reset() noexcept {
  std::memset(slots_, 0, sizeof(slots_));
  count_ = 0;
}

bool ExactColors::add(const uint32_t *px, size_t stride, int w, int h, const uint8_t *mask,
                      size_t mask_stride, int limit) noexcept {
  uint32_t last = 0;  // cheap run skip: consecutive equal pixels are common
  for (int y = 0; y < h; y++) {
    const uint32_t *row = px + y * stride;
    const uint8_t *mrow = mask ? mask + y * mask_stride : nullptr;
    for (int x = 0; x < w; x++) {
      uint32_t p = row[x];
      if (pixA(p) == 0 || (mrow && mrow[x])) continue;
      uint32_t key = (p & 0xffffff) | (1u << 24);
      if (key == last) continue;
      last = key;
      uint32_t h2 = ((key * 2654435761u) >> 22) & (kSlots - 1);
      while (slots_[h2] != 0 && slots_[h2] != key) h2 = (h2 + 1) & (kSlots - 1);
      if (slots_[h2] == 0) {
        if (count_ >= limit) return false;
        slots_[h2] = key;
        count_++;
      }
    }
  }
  return true;
}

void ExactColors::fill(ColorTable &table) const noexcept {
  uint32_t colors[kSlots];
  int n = 0;
  for (uint32_t s : slots_)
    if (s) colors[n++] = s & 0xffffff;
  std::sort(colors, colors + n);
  for (int i = 0; i < n && i < 256; i++)
    table.entries[i] =
        Rgb{static_cast<uint8_t>(pixR(colors[i])), static_cast<uint8_t>(pixG(colors[i])),
            static_cast<uint8_t>(pixB(colors[i]))};
  table.size = std::min(n, 256);
}

// ---------------------------------------------------------------------------------------------
bool Quantizer::allocate() noexcept {
  if (!bins_) bins_.reset(static_cast<Bin *>(std::calloc(1u << 18, sizeof(Bin))));
  return bins_ != nullptr;
}

void Quantizer::reset() noexcept {
  for (uint32_t i : touched_) bins_[i] = Bin{0, 0, 0, 0};
  touched_.clear();
}

void Quantizer::add(const uint32_t *px, size_t stride, int w, int h, const uint8_t *mask,
                    size_t mask_stride, int speed) noexcept {
  if (!allocate()) return;
  if (touched_.empty()) bits_ = speed <= 7 ? 6 : 5;
  const int shift = 8 - bits_;
  const int step = sampleStep(speed);
  for (int y = 0; y < h; y += step) {
    const uint32_t *row = px + y * stride;
    const uint8_t *mrow = mask ? mask + y * mask_stride : nullptr;
    // Offsetting the start on each row sampled keeps the sampling from aliasing with columns.
    for (int x = (y / step) % step; x < w; x += step) {
      uint32_t p = row[x];
      if (pixA(p) == 0 || (mrow && mrow[x])) continue;
      uint32_t r = pixR(p), g = pixG(p), b = pixB(p);
      uint32_t idx = ((r >> shift) << (2 * bits_)) | ((g >> shift) << bits_) | (b >> shift);
      Bin &bin = bins_[idx];
      if (bin.count == 0) touched_.push_back(idx);
      if (bin.count >= kBinCap) continue;
      bin.count++;
      bin.r += r;
      bin.g += g;
      bin.b += b;
    }
  }
}

void Quantizer::build(int colors, int speed, ColorTable &table, double max_error) {
  colors = std::clamp(colors, 1, 256);
  if (touched_.empty()) {
    table.entries[0] = Rgb{};
    table.size = 1;
    return;
  }
  // Cells in bin order, so the result does not depend on the order pixels came in.
  std::sort(touched_.begin(), touched_.end());
  cells_.clear();
  for (uint32_t i : touched_) {
    const Bin &b = bins_[i];
    double c = static_cast<double>(b.count);
    cells_.push_back(Cell{static_cast<float>(b.r / c), static_cast<float>(b.g / c),
                          static_cast<float>(b.b / c), c});
  }
  const uint32_t n = static_cast<uint32_t>(cells_.size());
  if (n <= static_cast<uint32_t>(colors)) {
    int out = 0;
    for (const Cell &c : cells_) {
      Rgb e{toByte(c.r), toByte(c.g), toByte(c.b)};
      bool dup = false;
      for (int k = 0; k < out && !dup; k++) dup = table.entries[k] == e;
      if (!dup) table.entries[out++] = e;
    }
    table.size = out;
    return;
  }

  // Median cut, variance-minimising: always split the box with the largest squared error, along
  // its widest channel, at the cut that leaves the least total error on both sides.
  order_.resize(n);
  for (uint32_t i = 0; i < n; i++) order_[i] = i;
  std::vector<Box> &boxes = boxes_;
  boxes.clear();
  auto boxSse = [&](uint32_t b, uint32_t e) {
    Sums s;
    for (uint32_t i = b; i < e; i++) {
      const Cell &c = cells_[order_[i]];
      s.add(c.w, c.r, c.g, c.b);
    }
    return s.sse();
  };
  boxes.push_back(Box{0, n, boxSse(0, n)});
  double total_weight = 0;
  for (const Cell &c : cells_) total_weight += c.w;
  double total_sse = boxes[0].sse;
  std::vector<double> &prefix = prefix_;  // SSE of the left part for each cut
  while (static_cast<int>(boxes.size()) < colors) {
    if (max_error > 0 && total_sse <= max_error * total_weight) break;
    int best = -1;
    for (int i = 0; i < static_cast<int>(boxes.size()); i++)
      if (boxes[i].end - boxes[i].begin >= 2 && (best < 0 || boxes[i].sse > boxes[best].sse))
        best = i;
    if (best < 0 || boxes[best].sse <= 0) break;
    Box box = boxes[best];
    // Widest channel by weighted variance.
    double sr = 0, sg = 0, sb = 0, w = 0, mr, mg, mb;
    for (uint32_t i = box.begin; i < box.end; i++) {
      const Cell &c = cells_[order_[i]];
      w += c.w;
      sr += c.w * c.r;
      sg += c.w * c.g;
      sb += c.w * c.b;
    }
    mr = sr / w;
    mg = sg / w;
    mb = sb / w;
    double vr = 0, vg = 0, vb = 0;
    for (uint32_t i = box.begin; i < box.end; i++) {
      const Cell &c = cells_[order_[i]];
      vr += c.w * (c.r - mr) * (c.r - mr);
      vg += c.w * (c.g - mg) * (c.g - mg);
      vb += c.w * (c.b - mb) * (c.b - mb);
    }
    int axis = vg >= vr && vg >= vb ? 1 : vr >= vb ? 0 : 2;
    auto key = [&](uint32_t i) {
      const Cell &c = cells_[i];
      return axis == 0 ? c.r : axis == 1 ? c.g : c.b;
    };
    std::sort(order_.begin() + box.begin, order_.begin() + box.end, [&](uint32_t a, uint32_t b) {
      float ka = key(a), kb = key(b);
      return ka < kb || (ka == kb && a < b);
    });
    const uint32_t len = box.end - box.begin;
    prefix.resize(len);
    Sums left;
    for (uint32_t i = 0; i < len; i++) {
      const Cell &c = cells_[order_[box.begin + i]];
      left.add(c.w, c.r, c.g, c.b);
      prefix[i] = left.sse();
    }
    Sums right;
    double best_cost = -1;
    uint32_t cut = 1;
    for (uint32_t i = len - 1; i >= 1; i--) {
      const Cell &c = cells_[order_[box.begin + i]];
      right.add(c.w, c.r, c.g, c.b);
      double cost = prefix[i - 1] + right.sse();
      if (best_cost < 0 || cost < best_cost) {
        best_cost = cost;
        cut = i;
      }
    }
    uint32_t mid = box.begin + cut;
    boxes[best] = Box{box.begin, mid, boxSse(box.begin, mid)};
    boxes.push_back(Box{mid, box.end, boxSse(mid, box.end)});
    total_sse += boxes[best].sse + boxes.back().sse - box.sse;
  }

  // Centroids of the boxes, then Lloyd passes over the cells.
  const int k = static_cast<int>(boxes.size());
  std::vector<Sums> &acc = acc_;
  std::vector<float> &cr = cr_, &cg = cg_, &cb = cb_;
  acc.resize(k);
  cr.resize(k);
  cg.resize(k);
  cb.resize(k);
  for (int i = 0; i < k; i++) {
    Sums s;
    for (uint32_t j = boxes[i].begin; j < boxes[i].end; j++) {
      const Cell &c = cells_[order_[j]];
      s.add(c.w, c.r, c.g, c.b);
    }
    cr[i] = static_cast<float>(s.r / s.w);
    cg[i] = static_cast<float>(s.g / s.w);
    cb[i] = static_cast<float>(s.b / s.w);
  }
  const int passes = kmeansPasses(speed);
  std::vector<int> &by_g = by_g_;
  by_g.resize(k);
  for (int pass = 0; pass < passes; pass++) {
    for (int i = 0; i < k; i++) by_g[i] = i;
    std::sort(by_g.begin(), by_g.end(),
              [&](int a, int b) { return cg[a] < cg[b] || (cg[a] == cg[b] && a < b); });
    std::fill(acc.begin(), acc.end(), Sums{});
    for (const Cell &c : cells_) {
      // Nearest centroid: walk out from the cell's green value, stop when green alone is too far.
      int lo = static_cast<int>(std::lower_bound(by_g.begin(), by_g.end(), c.g,
                                                 [&](int a, float v) { return cg[a] < v; }) -
                                by_g.begin());
      int hi = lo;
      lo--;
      float best = 1e30f;
      int bi = 0;
      while (lo >= 0 || hi < k) {
        if (hi < k) {
          int e = by_g[hi];
          float dg = cg[e] - c.g;
          if (dg * dg >= best) {
            hi = k;
          } else {
            float dr = cr[e] - c.r, db = cb[e] - c.b;
            float d = dr * dr + dg * dg + db * db;
            if (d < best || (d == best && e < bi)) best = d, bi = e;
            hi++;
          }
        }
        if (lo >= 0) {
          int e = by_g[lo];
          float dg = cg[e] - c.g;
          if (dg * dg >= best) {
            lo = -1;
          } else {
            float dr = cr[e] - c.r, db = cb[e] - c.b;
            float d = dr * dr + dg * dg + db * db;
            if (d < best || (d == best && e < bi)) best = d, bi = e;
            lo--;
          }
        }
      }
      acc[bi].add(c.w, c.r, c.g, c.b);
    }
    for (int i = 0; i < k; i++) {
      if (acc[i].w <= 0) continue;  // an empty cluster keeps its place
      cr[i] = static_cast<float>(acc[i].r / acc[i].w);
      cg[i] = static_cast<float>(acc[i].g / acc[i].w);
      cb[i] = static_cast<float>(acc[i].b / acc[i].w);
    }
  }
  int out = 0;
  for (int i = 0; i < k; i++) {
    Rgb e{toByte(cr[i]), toByte(cg[i]), toByte(cb[i])};
    bool dup = false;
    for (int j = 0; j < out && !dup; j++) dup = table.entries[j] == e;
    if (!dup) table.entries[out++] = e;
  }
  table.size = out;
}

// ---------------------------------------------------------------------------------------------
bool ColorMapper::allocate() noexcept {
  if (!cache_key_) {
    cache_key_.reset(static_cast<uint32_t *>(std::calloc(1u << kCacheBits, sizeof(uint32_t))));
    cache_val_.reset(static_cast<uint8_t *>(std::calloc(1u << kCacheBits, 1)));
    generation_ = 0;
  }
  if (!cells_) cells_.reset(static_cast<uint32_t *>(std::calloc(kCells, sizeof(uint32_t))));
  if (!pool_) pool_.reset(static_cast<uint8_t *>(std::malloc(kPoolSize)));
  return cache_key_ && cache_val_ && cells_ && pool_;
}

void ColorMapper::clearCells() noexcept {
  if (cells_) std::memset(cells_.get(), 0, kCells * sizeof(uint32_t));
  pool_used_ = 0;
}

void ColorMapper::setTable(const ColorTable &table) noexcept {
  (void)allocate();
  table_ = table;
  n_ = 0;
  for (int i = 0; i < table.size; i++) {
    if (i == table.transparent) continue;
    entries_[n_++] = Entry{table.entries[i].r, table.entries[i].g, table.entries[i].b, i};
  }
  clearCells();
  if (++generation_ > 255 && cache_key_) {
    std::memset(cache_key_.get(), 0, (1u << kCacheBits) * sizeof(uint32_t));
    generation_ = 1;
  }
}

int ColorMapper::distance(int r, int g, int b, int index) const noexcept {
  const Rgb &e = table_.entries[index];
  int dr = e.r - r, dg = e.g - g, db = e.b - b;
  return dr * dr + dg * dg + db * db;
}

int ColorMapper::search(int r, int g, int b) const noexcept {
  int best = 1 << 30, bi = n_ > 0 ? entries_[0].index : 0;
  for (int i = 0; i < n_; i++) {
    const Entry &e = entries_[i];
    const int dr = e.r - r, dg = e.g - g, db = e.b - b;
    const int d = dr * dr + dg * dg + db * db;
    if (d < best) best = d, bi = e.index;  // entries ascend by index: the first of a tie stays
  }
  return bi;
}

const uint8_t *ColorMapper::candidates(int r, int g, int b, int &count) noexcept {
  const uint32_t cell = (static_cast<uint32_t>(r >> kCellShift) << (2 * kCellBits)) |
                        (static_cast<uint32_t>(g >> kCellShift) << kCellBits) |
                        static_cast<uint32_t>(b >> kCellShift);
  uint32_t v = cells_[cell];
  if (v == 0) {
    // An entry can be nearest to some colour of the cell only if its distance to the cell's
    // nearest point is at most the smallest distance any entry has to the cell's farthest point.
    const int lo[3] = {r >> kCellShift << kCellShift, g >> kCellShift << kCellShift,
                       b >> kCellShift << kCellShift};
    const int side = (1 << kCellShift) - 1;
    int near[256];
    int limit = 1 << 30;
    for (int i = 0; i < n_; i++) {
      const int c[3] = {entries_[i].r, entries_[i].g, entries_[i].b};
      int dmin = 0, dmax = 0;
      for (int ch = 0; ch < 3; ch++) {
        const int below = lo[ch] - c[ch], above = c[ch] - (lo[ch] + side);
        const int out = below > 0 ? below : above > 0 ? above : 0;
        const int far = std::max(std::abs(below), std::abs(above));
        dmin += out * out;
        dmax += far * far;
      }
      near[i] = dmin;
      limit = std::min(limit, dmax);
    }
    int n = 0;
    for (int i = 0; i < n_; i++) n += near[i] <= limit;
    if (pool_used_ + static_cast<uint32_t>(n) > kPoolSize)
      clearCells();  // start over: same answers
    uint8_t *out = pool_.get() + pool_used_;
    for (int i = 0, k = 0; i < n_; i++)
      if (near[i] <= limit) out[k++] = static_cast<uint8_t>(i);
    v = (pool_used_ << 9) | static_cast<uint32_t>(n);
    pool_used_ += static_cast<uint32_t>(n);
    cells_[cell] = v;
  }
  count = static_cast<int>(v & 0x1ff);
  return pool_.get() + (v >> 9);
}

int ColorMapper::lookup(int r, int g, int b, uint32_t rgb, uint32_t slot) noexcept {
  if (!cache_key_ || !cache_val_ || !cells_ || !pool_ || n_ == 0) return search(r, g, b);
  int count = 0;
  const uint8_t *cand = candidates(r, g, b, count);
  int best = 1 << 30;  // distance << 8 | index: the smallest is the nearest, then lowest index
  for (int k = 0; k < count; k++) {
    const Entry &e = entries_[cand[k]];
    const int dr = e.r - r, dg = e.g - g, db = e.b - b;
    best = std::min(best, (dr * dr + dg * dg + db * db) << 8 | e.index);
  }
  const int bi = best & 0xff;
  cache_key_[slot] = rgb | (generation_ << 24);
  cache_val_[slot] = static_cast<uint8_t>(bi);
  return bi;
}

}  // namespace mk::gif
