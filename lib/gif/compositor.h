// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Compositor: draws GIF frames onto a canvas the way browsers do. It owns no canvas: the
// caller hands it, frame by frame, memory in the output pixel format that holds the canvas after
// the previous frame (FrameDecoder makes sure of that), and it applies the previous frame's
// disposal there, then draws the new frame with transparency and clipping. It knows which
// rectangles each step changes, so a caller can bring other memory up to date by copying only
// those. It allocates only when a frame needs more restore space than any frame before it.
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

// A rectangle of canvas pixels, [x0, x1) x [y0, y1).
struct Rect {
  unsigned x0 = 0, y0 = 0, x1 = 0, y1 = 0;

  bool empty() const noexcept { return x1 <= x0 || y1 <= y0; }
  uint64_t area() const noexcept { return empty() ? 0 : uint64_t{x1 - x0} * (y1 - y0); }
  bool contains(const Rect &r) const noexcept {
    return r.empty() || (x0 <= r.x0 && y0 <= r.y0 && r.x1 <= x1 && r.y1 <= y1);
  }
  // The bounding box of both.
  Rect unite(const Rect &r) const noexcept;
};

// Canvas memory: height rows of width * bytesPerPixel bytes, `stride` apart.
struct CanvasView {
  uint8_t *data = nullptr;
  size_t stride = 0;
};

class Compositor {
 public:
  // Sets the canvas size and format. `background_rgb` (0xRRGGBB) is what transparent pixels look
  // like in formats without alpha.
  Status configure(uint16_t width, uint16_t height, PixelFormat format, uint32_t background_rgb,
                   uint64_t max_canvas_pixels = kDefaultMaxCanvasPixels);
  // No pending disposal: the next frame is drawn on a transparent canvas (a key frame after a
  // seek); the caller clears the memory.
  void reset() noexcept;

  // Starts `frame`: its rectangle and the colour table from `palette` (null: no palette at all).
  // Touches no pixels.
  void beginFrame(const FrameInfo &frame, const Palette *palette);
  // What drawing the frame begun changes: the previous frame's disposal, and the frame.
  Rect disposalRect() const noexcept;
  Rect frameRect() const noexcept { return frame_; }
  // On `canvas`, which holds the canvas after the previous frame: applies that frame's disposal
  // and saves what this frame's restore-previous will need. kNoMemory when that cannot be
  // allocated: the frame then draws nothing (its rectangle becomes empty).
  Status applyDisposal(CanvasView canvas);
  // Draws `count` indexes as the start of frame row `row` (display order, 0 = frame top).
  void drawRow(CanvasView canvas, unsigned row, const uint8_t *indexes,
               unsigned count) const noexcept;
  // Ends the frame; its disposal applies when the next frame begins.
  void endFrame() noexcept;

  // Rows of the frame being drawn that land on the canvas: [visibleRowBegin, visibleRowEnd).
  unsigned visibleRowBegin() const noexcept { return 0; }
  unsigned visibleRowEnd() const noexcept { return vis_row_end_; }
  bool frameVisible() const noexcept { return !frame_.empty(); }
  bool hasTransparency() const noexcept { return has_transparency_; }
  uint8_t transparentIndex() const noexcept { return transparent_index_; }

  // Transparent pixels over `r`.
  void fill(CanvasView canvas, const Rect &r) const noexcept;
  // Copies `r` from `src` (another canvas in the same format) to `dst`.
  void copy(CanvasView dst, const uint8_t *src, size_t src_stride, const Rect &r) const noexcept;

  uint16_t width() const noexcept { return width_; }
  uint16_t height() const noexcept { return height_; }
  PixelFormat format() const noexcept { return format_; }
  unsigned bytesPerPixel() const noexcept { return bpp_; }
  Rect screen() const noexcept { return Rect{0, 0, width_, height_}; }

 private:
  uint16_t width_ = 0, height_ = 0;
  PixelFormat format_ = PixelFormat::kRGBA;
  unsigned bpp_ = 4;
  std::vector<uint8_t> saved_;  // the rectangle under a restore-previous frame
  uint32_t transparent_ = 0;    // a transparent pixel's bytes (the first bpp_ count)
  // Palette index -> pixel bytes in the output format (the first bpp_ count), built per frame.
  uint32_t lut_[256] = {};

  // The frame being drawn (clipped to the canvas) and the one before it.
  Rect frame_;
  int frame_top_ = 0;
  unsigned vis_row_end_ = 0;
  bool has_transparency_ = false;
  uint8_t transparent_index_ = 0;
  Disposal disposal_ = Disposal::kUnspecified;
  bool pending_ = false;  // a previous frame's disposal is waiting
  Rect pending_rect_;
  Disposal pending_disposal_ = Disposal::kUnspecified;
  bool saved_valid_ = false;
};

}  // namespace mk::gif
