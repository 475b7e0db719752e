// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/compositor.h"

#include <cinttypes>
#include <cstring>
#include <string>

namespace mk::gif {

namespace {

// A pixel's bytes in the output format, as a 32-bit word whose memory bytes are the pixel's (the
// 4th byte is 0 for the 3-byte formats): stored with one 4-byte copy, whatever the byte order.
uint32_t packPixel(const PixelLayout &l, uint8_t r, uint8_t g, uint8_t b, uint8_t a) noexcept {
  uint8_t px[4] = {};
  px[l.r] = r, px[l.g] = g, px[l.b] = b;
  if (l.a >= 0) px[l.a] = a;
  if (l.pad >= 0) px[l.pad] = 0xFF;
  uint32_t v;
  std::memcpy(&v, px, 4);
  return v;
}

inline uint32_t load32(const uint8_t *p) noexcept {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline void store32(uint8_t *p, uint32_t v) noexcept {
  std::memcpy(p, &v, 4);
}

}  // namespace

Rect Rect::unite(const Rect &r) const noexcept {
  if (r.empty()) return *this;
  if (empty()) return r;
  return Rect{x0 < r.x0 ? x0 : r.x0, y0 < r.y0 ? y0 : r.y0, x1 > r.x1 ? x1 : r.x1,
              y1 > r.y1 ? y1 : r.y1};
}

Status Compositor::configure(uint16_t width, uint16_t height, PixelFormat format,
                             uint32_t background_rgb, uint64_t max_canvas_pixels) {
  if (!isDecoderFormat(format))
    return Status(Errc::kUnsupported, "the decoder writes only 3- and 4-byte direct colour");
  const uint64_t pixels = uint64_t{width} * height;
  if (max_canvas_pixels && pixels > max_canvas_pixels)
    return Status(Errc::kUnsupported, "canvas " + std::to_string(width) + "x" +
                                          std::to_string(height) + " (" + std::to_string(pixels) +
                                          " pixels) exceeds max-canvas-pixels (" +
                                          std::to_string(max_canvas_pixels) + ")");
  width_ = width;
  height_ = height;
  format_ = format;
  bpp_ = mk::gif::bytesPerPixel(format);
  const PixelLayout l = layoutOf(format);
  transparent_ = hasAlpha(format) ? 0
                                  : packPixel(l, static_cast<uint8_t>(background_rgb >> 16),
                                              static_cast<uint8_t>(background_rgb >> 8),
                                              static_cast<uint8_t>(background_rgb), 0xFF);
  reset();
  return Status::ok();
}

void Compositor::reset() noexcept {
  pending_ = false;
  saved_valid_ = false;
  frame_ = Rect();
}

void Compositor::fill(CanvasView canvas, const Rect &r) const noexcept {
  if (r.empty()) return;
  const size_t row = size_t{r.x1 - r.x0} * bpp_;
  for (unsigned y = r.y0; y < r.y1; y++) {
    uint8_t *p = canvas.data + y * canvas.stride + size_t{r.x0} * bpp_;
    if (transparent_ == 0) {
      std::memset(p, 0, row);
    } else if (bpp_ == 4) {
      for (unsigned x = r.x0; x < r.x1; x++, p += 4) store32(p, transparent_);
    } else {
      for (unsigned x = r.x0; x < r.x1; x++, p += 3) std::memcpy(p, &transparent_, 3);
    }
  }
}

void Compositor::copy(CanvasView dst, const uint8_t *src, size_t src_stride,
                      const Rect &r) const noexcept {
  if (r.empty()) return;
  const size_t row = size_t{r.x1 - r.x0} * bpp_;
  const size_t x = size_t{r.x0} * bpp_;
  if (r.x0 == 0 && r.x1 == width_ && dst.stride == src_stride && dst.stride == row) {
    std::memcpy(dst.data + r.y0 * dst.stride, src + r.y0 * src_stride, row * (r.y1 - r.y0));
    return;
  }
  for (unsigned y = r.y0; y < r.y1; y++)
    std::memcpy(dst.data + y * dst.stride + x, src + y * src_stride + x, row);
}

void Compositor::beginFrame(const FrameInfo &frame, const Palette *palette) {
  frame_top_ = frame.top;
  const unsigned right = unsigned{frame.left} + frame.width;
  const unsigned bottom = unsigned{frame.top} + frame.height;
  frame_.x0 = frame.left < width_ ? frame.left : width_;
  frame_.y0 = frame.top < height_ ? frame.top : height_;
  frame_.x1 = right < width_ ? right : width_;
  frame_.y1 = bottom < height_ ? bottom : height_;
  if (frame_.x1 < frame_.x0) frame_.x1 = frame_.x0;
  if (frame_.y1 < frame_.y0) frame_.y1 = frame_.y0;
  vis_row_end_ = frame_.x1 > frame_.x0 ? frame_.y1 - frame_.y0 : 0;
  has_transparency_ = frame.control.has_transparency;
  transparent_index_ = frame.control.transparent_index;
  disposal_ = frame.control.disposal;

  const PixelLayout l = layoutOf(format_);
  const unsigned entries = palette ? palette->size : 0;
  for (unsigned i = 0; i < 256; i++) {
    const uint8_t *c = i < entries ? palette->rgb + i * 3 : nullptr;
    lut_[i] = c ? packPixel(l, c[0], c[1], c[2], 0xFF) : packPixel(l, 0, 0, 0, 0xFF);
  }
}

Rect Compositor::disposalRect() const noexcept {
  if (!pending_) return Rect();
  if (pending_disposal_ == Disposal::kRestoreBackground) return pending_rect_;
  if (disposalRestoresPrevious(pending_disposal_) && saved_valid_) return pending_rect_;
  return Rect();
}

void Compositor::applyDisposal(CanvasView canvas) {
  // The previous frame's disposal happens now, just before this frame is drawn.
  if (pending_) {
    if (pending_disposal_ == Disposal::kRestoreBackground) {
      fill(canvas, pending_rect_);
    } else if (disposalRestoresPrevious(pending_disposal_) && saved_valid_) {
      const Rect &r = pending_rect_;
      const size_t row = size_t{r.x1 - r.x0} * bpp_;
      for (unsigned y = r.y0; y < r.y1; y++)
        std::memcpy(canvas.data + y * canvas.stride + size_t{r.x0} * bpp_,
                    saved_.data() + (y - r.y0) * row, row);
    }
    pending_ = false;
  }
  saved_valid_ = false;

  if (disposalRestoresPrevious(disposal_) && !frame_.empty()) {
    const Rect &r = frame_;
    const size_t row = size_t{r.x1 - r.x0} * bpp_;
    saved_.resize(row * (r.y1 - r.y0));  // bounded by the canvas size
    for (unsigned y = r.y0; y < r.y1; y++)
      std::memcpy(saved_.data() + (y - r.y0) * row,
                  canvas.data + y * canvas.stride + size_t{r.x0} * bpp_, row);
    saved_valid_ = true;
  }
}

void Compositor::drawRow(CanvasView canvas, unsigned row, const uint8_t *indexes,
                         unsigned count) const noexcept {
  const unsigned y = static_cast<unsigned>(frame_top_) + row;
  if (y >= frame_.y1 || frame_.empty()) return;
  unsigned n = frame_.x1 - frame_.x0;
  if (count < n) n = count;
  if (n == 0) return;
  uint8_t *dst = canvas.data + y * canvas.stride + size_t{frame_.x0} * bpp_;
  const uint32_t *lut = lut_;
  if (bpp_ == 4) {
    if (!has_transparency_) {
      unsigned i = 0;
      for (; i + 4 <= n; i += 4) {
        const uint32_t a = lut[indexes[i]], b = lut[indexes[i + 1]];
        const uint32_t c = lut[indexes[i + 2]], d = lut[indexes[i + 3]];
        store32(dst + 4 * i, a);
        store32(dst + 4 * i + 4, b);
        store32(dst + 4 * i + 8, c);
        store32(dst + 4 * i + 12, d);
      }
      for (; i < n; i++) store32(dst + 4 * i, lut[indexes[i]]);
    } else {
      // Branch-free (a mask, which compilers keep, where a ?: becomes a branch again): whether
      // a pixel is transparent is what a predictor cannot guess in frame-difference GIFs.
      const uint8_t t = transparent_index_;
      for (unsigned i = 0; i < n; i++) {
        const uint8_t v = indexes[i];
        const uint32_t keep = 0u - static_cast<uint32_t>(v == t);
        store32(dst + 4 * i, (load32(dst + 4 * i) & keep) | (lut[v] & ~keep));
      }
    }
    return;
  }
  // 3 bytes a pixel: 4-byte stores whose 4th byte is the next pixel's first, kept as it was (or
  // written next); the last pixel of the row is stored with 3 bytes so nothing past it changes.
  uint32_t next_byte;  // the mask of a word's 4th memory byte
  {
    const uint8_t m[4] = {0, 0, 0, 0xFF};
    std::memcpy(&next_byte, m, 4);
  }
  const unsigned last = n - 1;
  if (!has_transparency_) {
    for (unsigned i = 0; i < last; i++) store32(dst + 3 * i, lut[indexes[i]]);
  } else {
    const uint8_t t = transparent_index_;
    for (unsigned i = 0; i < last; i++) {
      const uint8_t v = indexes[i];
      const uint32_t keep = (0u - static_cast<uint32_t>(v == t)) | next_byte;
      store32(dst + 3 * i, (load32(dst + 3 * i) & keep) | (lut[v] & ~keep));
    }
  }
  const uint8_t v = indexes[last];
  if (!has_transparency_ || v != transparent_index_) std::memcpy(dst + 3 * last, &lut[v], 3);
}

void Compositor::endFrame() noexcept {
  pending_ = true;
  pending_disposal_ = disposal_;
  pending_rect_ = frame_;
}

}  // namespace mk::gif
