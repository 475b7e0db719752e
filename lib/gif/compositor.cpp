// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/compositor.h"

#include <cinttypes>
#include <cstring>
#include <new>
#include <string>

namespace mk::gif {

void Compositor::pack(uint8_t *px, uint8_t r, uint8_t g, uint8_t b, uint8_t a) const noexcept {
  const PixelLayout l = layoutOf(format_);
  px[l.r] = r, px[l.g] = g, px[l.b] = b;
  if (l.a >= 0) px[l.a] = a;
  if (l.pad >= 0) px[l.pad] = 0xFF;
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
  const size_t stride = size_t{width} * bytesPerPixel(format);
  try {
    canvas_.resize(stride * height);
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, "no memory for a " + std::to_string(width) + "x" +
                                       std::to_string(height) + " canvas (" +
                                       std::to_string(stride * height) + " bytes)");
  }
  width_ = width;
  height_ = height;
  format_ = format;
  bpp_ = bytesPerPixel(format);
  stride_ = stride;
  if (hasAlpha(format)) {
    std::memset(transparent_, 0, sizeof(transparent_));
  } else {
    pack(transparent_, static_cast<uint8_t>(background_rgb >> 16),
         static_cast<uint8_t>(background_rgb >> 8), static_cast<uint8_t>(background_rgb), 0xFF);
  }
  reset();
  return Status::ok();
}

void Compositor::reset() noexcept {
  fillRect(0, 0, width_, height_);
  pending_ = false;
  saved_valid_ = false;
  fx0_ = fy0_ = fx1_ = fy1_ = 0;
}

void Compositor::fillRect(unsigned x0, unsigned y0, unsigned x1, unsigned y1) noexcept {
  if (x1 <= x0 || y1 <= y0) return;
  const bool zero = hasAlpha(format_);
  for (unsigned y = y0; y < y1; y++) {
    uint8_t *p = canvas_.data() + y * stride_ + size_t{x0} * bpp_;
    if (zero) {
      std::memset(p, 0, size_t{x1 - x0} * bpp_);
    } else {
      for (unsigned x = x0; x < x1; x++, p += bpp_) std::memcpy(p, transparent_, bpp_);
    }
  }
}

Status Compositor::beginFrame(const FrameInfo &frame, const Palette *palette) {
  // The previous frame's disposal happens now, just before this frame is drawn.
  if (pending_) {
    if (pending_disposal_ == Disposal::kRestoreBackground) {
      fillRect(px0_, py0_, px1_, py1_);
    } else if (disposalRestoresPrevious(pending_disposal_) && saved_valid_) {
      const size_t row = size_t{px1_ - px0_} * bpp_;
      for (unsigned y = py0_; y < py1_; y++)
        std::memcpy(canvas_.data() + y * stride_ + size_t{px0_} * bpp_,
                    saved_.data() + (y - py0_) * row, row);
    }
    pending_ = false;
  }
  saved_valid_ = false;

  frame_left_ = frame.left;
  frame_top_ = frame.top;
  fx0_ = frame.left < width_ ? frame.left : width_;
  fy0_ = frame.top < height_ ? frame.top : height_;
  const unsigned right = unsigned{frame.left} + frame.width;
  const unsigned bottom = unsigned{frame.top} + frame.height;
  fx1_ = right < width_ ? right : width_;
  fy1_ = bottom < height_ ? bottom : height_;
  if (fx1_ < fx0_) fx1_ = fx0_;
  if (fy1_ < fy0_) fy1_ = fy0_;
  vis_row_begin_ = 0;
  vis_row_end_ = fx1_ > fx0_ ? fy1_ - fy0_ : 0;
  has_transparency_ = frame.control.has_transparency;
  transparent_index_ = frame.control.transparent_index;
  disposal_ = frame.control.disposal;

  if (disposalRestoresPrevious(disposal_) && fx1_ > fx0_ && fy1_ > fy0_) {
    const size_t row = size_t{fx1_ - fx0_} * bpp_;
    const size_t bytes = row * (fy1_ - fy0_);  // bounded by the canvas size
    try {
      saved_.resize(bytes);
    } catch (const std::bad_alloc &) {
      // Nothing of the frame is drawn; the canvas stays as the previous disposal left it.
      fx1_ = fx0_;
      fy1_ = fy0_;
      vis_row_end_ = 0;
      return Status(Errc::kNoMemory, "no memory to keep the " + std::to_string(bytes) +
                                         " bytes under a restore-previous frame");
    }
    for (unsigned y = fy0_; y < fy1_; y++)
      std::memcpy(saved_.data() + (y - fy0_) * row,
                  canvas_.data() + y * stride_ + size_t{fx0_} * bpp_, row);
    saved_valid_ = true;
  }

  const unsigned entries = palette ? palette->size : 0;
  for (unsigned i = 0; i < 256; i++) {
    if (i < entries) {
      const uint8_t *c = palette->rgb + i * 3;
      pack(lut_[i], c[0], c[1], c[2], 0xFF);
    } else {
      pack(lut_[i], 0, 0, 0, 0xFF);
    }
  }
  return Status::ok();
}

void Compositor::drawRow(unsigned row, const uint8_t *indexes, unsigned count) noexcept {
  const unsigned y = static_cast<unsigned>(frame_top_) + row;
  if (y >= fy1_ || fx1_ <= fx0_) return;
  unsigned n = fx1_ - fx0_;
  if (count < n) n = count;
  uint8_t *dst = canvas_.data() + y * stride_ + size_t{fx0_} * bpp_;
  if (bpp_ == 4) {
    const auto entry = [this](uint8_t v) {
      uint32_t px;
      std::memcpy(&px, lut_[v], 4);
      return px;
    };
    if (!has_transparency_) {
      unsigned i = 0;
      for (; i + 4 <= n; i += 4) {
        const uint32_t a = entry(indexes[i]), b = entry(indexes[i + 1]);
        const uint32_t c = entry(indexes[i + 2]), d = entry(indexes[i + 3]);
        std::memcpy(dst + 4 * i, &a, 4);
        std::memcpy(dst + 4 * i + 4, &b, 4);
        std::memcpy(dst + 4 * i + 8, &c, 4);
        std::memcpy(dst + 4 * i + 12, &d, 4);
      }
      for (; i < n; i++) std::memcpy(dst + 4 * i, lut_[indexes[i]], 4);
    } else {
      // Branch-free (a mask, which compilers keep, where a ?: becomes a branch again): whether
      // a pixel is transparent is what a predictor cannot guess in frame-difference GIFs.
      const uint8_t t = transparent_index_;
      for (unsigned i = 0; i < n; i++) {
        const uint8_t v = indexes[i];
        const uint32_t keep = 0u - static_cast<uint32_t>(v == t);
        uint32_t px;
        std::memcpy(&px, dst + 4 * i, 4);
        px = (px & keep) | (entry(v) & ~keep);
        std::memcpy(dst + 4 * i, &px, 4);
      }
    }
  } else {
    const bool trans = has_transparency_;
    const uint8_t t = transparent_index_;
    for (unsigned i = 0; i < n; i++) {
      const uint8_t v = indexes[i];
      if (!trans || v != t) std::memcpy(dst + 3 * i, lut_[v], 3);
    }
  }
}

void Compositor::endFrame() noexcept {
  pending_ = true;
  pending_disposal_ = disposal_;
  px0_ = fx0_, py0_ = fy0_, px1_ = fx1_, py1_ = fy1_;
}

void Compositor::copyTo(uint8_t *dst, size_t stride) const noexcept {
  if (stride == stride_) {
    std::memcpy(dst, canvas_.data(), canvas_.size());
    return;
  }
  for (unsigned y = 0; y < height_; y++)
    std::memcpy(dst + y * stride, canvas_.data() + y * stride_, stride_);
}

}  // namespace mk::gif
