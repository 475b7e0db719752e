// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Compositor: turns GIF frames into full canvases the way browsers do. It owns one
// canvas in the output pixel format (so a finished frame costs one row-wise copy out) and applies
// disposal, transparency and clipping; it allocates only when a frame needs more restore space
// than any frame before it.
//
// Policies (see /tmp/notes-gif.md for the sources):
// - the canvas starts fully transparent; the screen's background colour is never painted;
//   formats without alpha show transparent pixels as the caller's background colour;
// - disposal 0/1 and 5..7 keep, 2 clears the frame's rectangle to transparent, 3 and 4 restore the
//   canvas from before the frame (4 as Chromium, Wuffs and libnsgif treat it);
// - frames are clipped to the logical screen;
// - a palette index past the palette's end, or any index when there is no palette, is opaque
//   black (Wuffs, Chromium, libgd);
// - the transparent index makes its pixels transparent even when it is past the palette's end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "gif/gif_types.h"

namespace mk::gif {

class Compositor {
 public:
  // Sets the canvas size and format and clears it. `background_rgb` (0xRRGGBB) is what
  // transparent pixels look like in formats without alpha. kNoMemory when the canvas cannot be
  // allocated (the compositor is then as it was).
  Status configure(uint16_t width, uint16_t height, PixelFormat format, uint32_t background_rgb,
                   uint64_t max_canvas_pixels = kDefaultMaxCanvasPixels);
  // Back to a transparent canvas with no pending disposal (a key frame after a seek).
  void reset() noexcept;

  // Starts drawing `frame`: applies the previous frame's disposal, saves what restore-previous
  // needs, and builds the colour table from `palette` (null: no palette at all). kNoMemory when
  // what restore-previous needs cannot be allocated: the frame then draws nothing.
  Status beginFrame(const FrameInfo &frame, const Palette *palette);
  // Draws `count` indexes as the start of frame row `row` (display order, 0 = frame top).
  void drawRow(unsigned row, const uint8_t *indexes, unsigned count) noexcept;
  // Ends the frame; its disposal applies when the next frame begins.
  void endFrame() noexcept;

  // Rows of the frame being drawn that land on the canvas: [visibleRowBegin, visibleRowEnd).
  unsigned visibleRowBegin() const noexcept { return vis_row_begin_; }
  unsigned visibleRowEnd() const noexcept { return vis_row_end_; }
  bool frameVisible() const noexcept { return fx1_ > fx0_ && fy1_ > fy0_; }

  // Copies the canvas to `dst` (height rows of width * bytesPerPixel bytes, `stride` apart).
  void copyTo(uint8_t *dst, size_t stride) const noexcept;

  uint16_t width() const noexcept { return width_; }
  uint16_t height() const noexcept { return height_; }
  PixelFormat format() const noexcept { return format_; }
  const uint8_t *canvas() const noexcept { return canvas_.data(); }
  size_t canvasStride() const noexcept { return stride_; }

 private:
  void fillRect(unsigned x0, unsigned y0, unsigned x1, unsigned y1) noexcept;
  void pack(uint8_t *px, uint8_t r, uint8_t g, uint8_t b, uint8_t a) const noexcept;

  uint16_t width_ = 0, height_ = 0;
  PixelFormat format_ = PixelFormat::kRGBA;
  unsigned bpp_ = 4;
  size_t stride_ = 0;
  std::vector<uint8_t> canvas_;
  std::vector<uint8_t> saved_;  // the rectangle under a restore-previous frame
  uint8_t transparent_[4] = {};
  uint8_t lut_[256][4] = {};

  // The frame being drawn (clipped to the canvas) and the one before it.
  unsigned fx0_ = 0, fy0_ = 0, fx1_ = 0, fy1_ = 0;
  int frame_left_ = 0, frame_top_ = 0;
  unsigned vis_row_begin_ = 0, vis_row_end_ = 0;
  bool has_transparency_ = false;
  uint8_t transparent_index_ = 0;
  Disposal disposal_ = Disposal::kUnspecified;
  bool pending_ = false;  // a previous frame's disposal is waiting
  unsigned px0_ = 0, py0_ = 0, px1_ = 0, py1_ = 0;
  Disposal pending_disposal_ = Disposal::kUnspecified;
  bool saved_valid_ = false;
};

}  // namespace mk::gif
