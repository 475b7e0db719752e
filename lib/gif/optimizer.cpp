// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/optimizer.h"

#include <algorithm>
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
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, "no memory for a " + std::to_string(width) + "x" +
                                       std::to_string(height) + " canvas");
  }
  clear_ = true;
  return Status::ok();
}

void FrameOptimizer::plan(const uint32_t *cur, const uint32_t *prev_src, bool key, bool crop,
                          FramePlan &plan, std::vector<uint8_t> &mask,
                          std::vector<uint32_t> &work) const {
  plan = FramePlan{};
  const int w = width_, h = height_;
  if (key) {
    plan.rect = FrameRect{0, 0, w, h};
  } else {
    // Bounding box of the pixels that must be coded.
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; y++) {
      const uint32_t *s = cur + static_cast<size_t>(y) * w;
      const uint32_t *c = canvas_.data() + static_cast<size_t>(y) * w;
      const uint32_t *p = prev_src ? prev_src + static_cast<size_t>(y) * w : nullptr;
      int first = -1, last = -1;
      for (int x = 0; x < w; x++) {
        uint32_t v = s[x];
        if (v == c[x]) continue;
        if (pixA(v) == 0) continue;  // nothing to draw (a decoder cannot clear it anyway)
        if (p && v == p[x] && pixA(c[x]) != 0) continue;  // unchanged source: keep the canvas
        if (first < 0) first = x;
        last = x;
      }
      if (first >= 0) {
        x0 = std::min(x0, first);
        x1 = std::max(x1, last);
        y0 = std::min(y0, y);
        y1 = y;
      }
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
  for (int y = 0; y < r.height; y++) {
    const size_t row = static_cast<size_t>(r.y + y) * w + r.x;
    const uint32_t *s = cur + row;
    const uint32_t *c = canvas_.data() + row;
    const uint32_t *p = prev_src ? prev_src + row : nullptr;
    uint8_t *m = mask.data() + static_cast<size_t>(y) * r.width;
    uint32_t *o = work.data() + static_cast<size_t>(y) * r.width;
    for (int x = 0; x < r.width; x++) {
      uint32_t v = s[x];
      if (pixA(v) == 0) {
        m[x] = kPixelTransparent;
        o[x] = kTransparentPixel;
        plan.forced_transparent++;
      } else if (!key && (v == c[x] || (p && v == p[x] && pixA(c[x]) != 0))) {
        m[x] = kPixelOptional;
        o[x] = c[x];
        plan.optional_transparent++;
      } else {
        m[x] = kPixelDither;
        o[x] = v;
        plan.changed++;
      }
    }
  }
}

void FrameOptimizer::commit(const FrameRect &rect, const uint8_t *indices, const ColorTable &table,
                            Disposal disposal) {
  const int w = width_;
  if (disposal == Disposal::kRestoreBackground) {
    // The frame is shown, then its rectangle is cleared: the next frame starts from that.
    for (int y = 0; y < rect.height; y++) {
      uint32_t *c = canvas_.data() + static_cast<size_t>(rect.y + y) * w + rect.x;
      std::fill(c, c + rect.width, kTransparentPixel);
    }
    if (rect.x == 0 && rect.y == 0 && rect.width == width_ && rect.height == height_) clear_ = true;
    return;
  }
  bool drew_opaque = false;
  for (int y = 0; y < rect.height; y++) {
    uint32_t *c = canvas_.data() + static_cast<size_t>(rect.y + y) * w + rect.x;
    const uint8_t *idx = indices + static_cast<size_t>(y) * rect.width;
    for (int x = 0; x < rect.width; x++) {
      int i = idx[x];
      if (i == table.transparent) continue;
      const Rgb &e = table.entries[i];
      c[x] = packRgba(e.r, e.g, e.b, 255);
      drew_opaque = true;
    }
  }
  if (drew_opaque) clear_ = false;
}

}  // namespace mk::gif
