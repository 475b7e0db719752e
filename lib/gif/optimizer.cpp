// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/optimizer.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>

#include "gif/dither.h"

namespace mk::gif {

Status FrameOptimizer::reset(int width, int height) {
  if (width < 1 || height < 1)
    return Status(Errc::kInvalidArgument, "frame size must be at least 1x1");
  width_ = width;
  height_ = height;
  try {
    canvas_.assign(static_cast<size_t>(width) * height, kTransparentPixel);
    coded_.assign(static_cast<size_t>(width) * height, kTransparentPixel);
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, "no memory for a " + std::to_string(width) + "x" +
                                       std::to_string(height) + " canvas");
  }
  clear_ = true;
  return Status::ok();
}

void FrameOptimizer::plan(const uint32_t *cur, bool key, bool crop, int noise_threshold,
                          int noise_spread, FramePlan &plan, std::vector<uint8_t> &mask,
                          std::vector<uint32_t> &work, Workers &workers) {
  plan = FramePlan{};
  const int w = width_, h = height_;
  const int drift = noise_threshold;
  const int64_t drift_var = static_cast<int64_t>(noise_spread) * noise_spread / 4;
  const int bw = (w + 3) / 4, bh = (h + 3) / 4;
  // Work is split in bands of 4-row blocks, a few per thread.
  const int band = std::max(1, bh / (4 * workers.threads()));
  const int bands = (bh + band - 1) / band;
  block_keep_.assign(static_cast<size_t>(bw) * bh, 0);
  if (drift > 0 && !key) {
    workers.run(bands, [&](int task, int) {
      for (int by = task * band; by < std::min(bh, (task + 1) * band); by++)
        for (int bx = 0; bx < bw; bx++) {
          int64_t s[3] = {0, 0, 0}, q[3] = {0, 0, 0};
          int n = 0;
          bool ok = true;
          for (int y = by * 4; y < std::min(h, by * 4 + 4) && ok; y++)
            for (int x = bx * 4; x < std::min(w, bx * 4 + 4); x++) {
              const size_t i = static_cast<size_t>(y) * w + x;
              const uint32_t v = cur[i], k = coded_[i], c = canvas_[i];
              if (pixA(v) == 0 || pixA(k) == 0 || pixA(c) == 0) {
                ok = false;
                break;
              }
              const int d[3] = {static_cast<int>(pixR(v)) - static_cast<int>(pixR(k)),
                                static_cast<int>(pixG(v)) - static_cast<int>(pixG(k)),
                                static_cast<int>(pixB(v)) - static_cast<int>(pixB(k))};
              for (int ch = 0; ch < 3; ch++) {
                s[ch] += d[ch];
                q[ch] += d[ch] * d[ch];
              }
              n++;
            }
          if (!ok || n == 0) continue;
          int64_t var = 0;
          bool mean_ok = true;
          for (int ch = 0; ch < 3; ch++) {
            var += q[ch] * n - s[ch] * s[ch];  // n^2 x variance
            if (std::abs(s[ch]) > static_cast<int64_t>(drift) * n) mean_ok = false;
          }
          if (mean_ok && var <= static_cast<int64_t>(drift_var) * n * n)
            block_keep_[static_cast<size_t>(by) * bw + bx] = 1;
        }
    });
  }
  // The canvas may stay where it shows the source, or where it is opaque and the source is
  // within the threshold of what was coded there.
  auto keepsAt = [&](size_t i, int x, int y) {
    const uint32_t v = cur[i], canvas = canvas_[i], coded = coded_[i];
    if (v == canvas) return true;
    if (pixA(canvas) == 0 || pixA(coded) == 0) return false;
    return v == coded || block_keep_[static_cast<size_t>(y / 4) * bw + x / 4] != 0;
  };
  if (key) {
    plan.rect = FrameRect{0, 0, w, h};
  } else {
    // Bounding box of the pixels that must be coded, per band, then merged.
    band_boxes_.assign(static_cast<size_t>(bands), Box{w, h, -1, -1});
    workers.run(bands, [&](int task, int) {
      Box &b = band_boxes_[static_cast<size_t>(task)];
      for (int y = task * band * 4; y < std::min(h, (task + 1) * band * 4); y++) {
        const size_t row = static_cast<size_t>(y) * w;
        int first = -1, last = -1;
        for (int x = 0; x < w; x++) {
          if (pixA(cur[row + x]) == 0) continue;  // nothing to draw (a decoder cannot clear it)
          if (keepsAt(row + x, x, y)) continue;
          if (first < 0) first = x;
          last = x;
        }
        if (first >= 0) {
          b.x0 = std::min(b.x0, first);
          b.x1 = std::max(b.x1, last);
          b.y0 = std::min(b.y0, y);
          b.y1 = y;
        }
      }
    });
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (const Box &b : band_boxes_) {
      if (b.x1 < 0) continue;
      x0 = std::min(x0, b.x0);
      x1 = std::max(x1, b.x1);
      y0 = std::min(y0, b.y0);
      y1 = std::max(y1, b.y1);
    }
    if (!crop) {
      plan.rect = FrameRect{0, 0, w, h};
    } else if (x1 < 0) {
      plan.rect = FrameRect{0, 0, 1, 1};  // nothing changed: the smallest legal frame
    } else {
      plan.rect = FrameRect{x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    }
  }
  const FrameRect &r = plan.rect;
  const size_t n = static_cast<size_t>(r.width) * r.height;
  mask.resize(n);
  work.resize(n);
  const int rows = std::max(1, r.height / (4 * workers.threads()));
  const int tasks = (r.height + rows - 1) / rows;
  band_counts_.assign(static_cast<size_t>(tasks) * 3, 0);
  workers.run(tasks, [&](int task, int) {
    size_t count[3] = {0, 0, 0};  // in registers, not in a cache line other threads write
    for (int y = task * rows; y < std::min(r.height, (task + 1) * rows); y++) {
      const size_t row = static_cast<size_t>(r.y + y) * w + r.x;
      const uint32_t *s = cur + row;
      const uint32_t *c = canvas_.data() + row;
      uint8_t *m = mask.data() + static_cast<size_t>(y) * r.width;
      uint32_t *o = work.data() + static_cast<size_t>(y) * r.width;
      for (int x = 0; x < r.width; x++) {
        const uint32_t v = s[x];
        if (pixA(v) == 0) {
          m[x] = kPixelTransparent;
          o[x] = kTransparentPixel;
          count[0]++;
        } else if (!key && keepsAt(row + x, r.x + x, r.y + y)) {
          m[x] = kPixelOptional;
          o[x] = c[x];
          count[1]++;
        } else {
          m[x] = kPixelDither;
          o[x] = v;
          count[2]++;
        }
      }
    }
    std::copy(count, count + 3, &band_counts_[static_cast<size_t>(task) * 3]);
  });
  for (int t = 0; t < tasks; t++) {
    plan.forced_transparent += band_counts_[static_cast<size_t>(t) * 3];
    plan.optional_transparent += band_counts_[static_cast<size_t>(t) * 3 + 1];
    plan.changed += band_counts_[static_cast<size_t>(t) * 3 + 2];
  }
}

void FrameOptimizer::commit(const uint32_t *cur, const FrameRect &rect, const uint8_t *mask,
                            const uint8_t *indices, const ColorTable &table, Disposal disposal,
                            Workers &workers) {
  const int w = width_;
  const int rows = std::max(1, rect.height / (4 * workers.threads()));
  const int tasks = (rect.height + rows - 1) / rows;
  band_flags_.assign(static_cast<size_t>(tasks), 0);
  workers.run(tasks, [&](int task, int) {
    bool drew_opaque = false;
    for (int y = task * rows; y < std::min(rect.height, (task + 1) * rows); y++) {
      const size_t row = static_cast<size_t>(rect.y + y) * w + rect.x;
      const uint8_t *m = mask + static_cast<size_t>(y) * rect.width;
      const uint8_t *idx = indices + static_cast<size_t>(y) * rect.width;
      uint32_t *c = canvas_.data() + row;
      for (int x = 0; x < rect.width; x++) {
        if (m[x] != kPixelOptional) coded_[row + x] = cur[row + x];
        if (disposal == Disposal::kRestoreBackground) {
          // The frame is shown, then its rectangle is cleared: the next frame starts from that.
          c[x] = kTransparentPixel;
          continue;
        }
        const int i = idx[x];
        if (i == table.transparent) continue;
        const Rgb &e = table.entries[i];
        c[x] = packRgba(e.r, e.g, e.b, 255);
        drew_opaque = true;
      }
    }
    band_flags_[static_cast<size_t>(task)] = drew_opaque;
  });
  if (disposal == Disposal::kRestoreBackground) {
    if (rect.x == 0 && rect.y == 0 && rect.width == width_ && rect.height == height_) clear_ = true;
    return;
  }
  if (std::find(band_flags_.begin(), band_flags_.end(), 1) != band_flags_.end()) clear_ = false;
}

}  // namespace mk::gif
