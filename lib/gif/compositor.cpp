// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/compositor.h"

#include <cinttypes>
#include <cstring>
#include <new>
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

Status Compositor::applyDisposal(CanvasView canvas) {
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
    const size_t bytes = row * (r.y1 - r.y0);  // bounded by the canvas size
    try {
      saved_.resize(bytes);
    } catch (const std::bad_alloc &) {
      // Nothing of the frame is drawn; the canvas stays as the previous disposal left it.
      frame_ = Rect{frame_.x0, frame_.y0, frame_.x0, frame_.y0};
      vis_row_end_ = 0;
      return Status(Errc::kNoMemory, "no memory to keep the " + std::to_string(bytes) +
                                         " bytes under a restore-previous frame");
    }
    for (unsigned y = r.y0; y < r.y1; y++)
      std::memcpy(saved_.data() + (y - r.y0) * row,
                  canvas.data + y * canvas.stride + size_t{r.x0} * bpp_, row);
    saved_valid_ = true;
  }
  return Status::ok();
}

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

// 8 indexes in one word: all of them `tt` (a byte repeated), none of them, or some.
enum class Run { kAll, kNone, kSome };
inline Run classify(const uint8_t *idx, uint64_t tt) noexcept {
  uint64_t x;
  std::memcpy(&x, idx, 8);
  const uint64_t d = x ^ tt;  // zero bytes where the index is tt
  if (d == 0) return Run::kAll;
  return ((d - kOnes) & ~d & kHighs) ? Run::kSome : Run::kNone;
}

// One row segment of a frame in a 4-byte format. With transparency, runs of 8 transparent
// indexes (what frame-difference GIFs are made of) are passed over without touching the canvas,
// runs of 8 opaque ones are stored without reading it, and mixed runs are merged branch-free
// (a mask: whether a pixel is transparent is what a predictor cannot guess there).
template <bool kTransparency>
void drawRow4(uint8_t *dst, const uint8_t *idx, unsigned n, const uint32_t *lut,
              uint8_t t) noexcept {
  const uint64_t tt = kOnes * t;
  unsigned i = 0;
  for (; i + 8 <= n; i += 8) {
    const Run run = kTransparency ? classify(idx + i, tt) : Run::kNone;
    if (run == Run::kAll) continue;
    uint8_t *d = dst + 4 * i;
    if (run == Run::kNone) {
      for (unsigned k = 0; k < 8; k++) store32(d + 4 * k, lut[idx[i + k]]);
      continue;
    }
    for (unsigned k = 0; k < 8; k++) {
      const uint8_t v = idx[i + k];
      const uint32_t keep = 0u - static_cast<uint32_t>(v == t);
      store32(d + 4 * k, (load32(d + 4 * k) & keep) | (lut[v] & ~keep));
    }
  }
  for (; i < n; i++) {
    const uint8_t v = idx[i];
    if (!kTransparency || v != t) store32(dst + 4 * i, lut[v]);
  }
}

// The same in a 3-byte format: 4-byte stores whose 4th byte lands on the next pixel, which is
// written next or kept as it was (merged in); the last pixel of a run of 8 and of the row is
// stored with 3 bytes, so nothing outside the opaque pixels changes.
template <bool kTransparency>
void drawRow3(uint8_t *dst, const uint8_t *idx, unsigned n, const uint32_t *lut,
              uint8_t t) noexcept {
  uint32_t next_byte;  // the mask of a word's 4th memory byte
  {
    const uint8_t m[4] = {0, 0, 0, 0xFF};
    std::memcpy(&next_byte, m, 4);
  }
  const uint64_t tt = kOnes * t;
  unsigned i = 0;
  for (; i + 8 <= n; i += 8) {
    const Run run = kTransparency ? classify(idx + i, tt) : Run::kNone;
    if (run == Run::kAll) continue;
    uint8_t *d = dst + 3 * i;
    if (run == Run::kNone) {
      for (unsigned k = 0; k < 7; k++) store32(d + 3 * k, lut[idx[i + k]]);
      std::memcpy(d + 21, &lut[idx[i + 7]], 3);
      continue;
    }
    for (unsigned k = 0; k < 8; k++) {
      const uint8_t v = idx[i + k];
      const uint32_t keep = (0u - static_cast<uint32_t>(v == t)) | next_byte;
      if (k < 7) {
        store32(d + 3 * k, (load32(d + 3 * k) & keep) | (lut[v] & ~keep));
      } else if (v != t) {
        std::memcpy(d + 21, &lut[v], 3);
      }
    }
  }
  for (; i < n; i++) {
    const uint8_t v = idx[i];
    if (!kTransparency || v != t) std::memcpy(dst + 3 * i, &lut[v], 3);
  }
}

}  // namespace

void Compositor::drawRow(CanvasView canvas, unsigned row, const uint8_t *indexes,
                         unsigned count) const noexcept {
  const unsigned y = static_cast<unsigned>(frame_top_) + row;
  if (y >= frame_.y1 || frame_.empty()) return;
  unsigned n = frame_.x1 - frame_.x0;
  if (count < n) n = count;
  uint8_t *dst = canvas.data + y * canvas.stride + size_t{frame_.x0} * bpp_;
  const uint8_t t = transparent_index_;
  if (bpp_ == 4) {
    if (has_transparency_)
      drawRow4<true>(dst, indexes, n, lut_, t);
    else
      drawRow4<false>(dst, indexes, n, lut_, t);
  } else {
    if (has_transparency_)
      drawRow3<true>(dst, indexes, n, lut_, t);
    else
      drawRow3<false>(dst, indexes, n, lut_, t);
  }
}

void Compositor::endFrame() noexcept {
  pending_ = true;
  pending_disposal_ = disposal_;
  pending_rect_ = frame_;
}

}  // namespace mk::gif
