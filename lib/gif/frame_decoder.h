// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::FrameDecoder: what gifdec needs. Given the codec_data (header, screen descriptor,
// global palette) once and then each frame record exactly as the Reader delimits it, decodes the
// LZW data and composites into caller memory in the requested format and stride. It keeps the
// canvas between frames; after the first frames it does not allocate. Per frame: the compressed
// bytes are joined once, pixels are written once into the canvas, and the canvas is copied once
// to the output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "gif/compositor.h"
#include "gif/gif_types.h"
#include "gif/lzw_decoder.h"
#include "gif/reader.h"

namespace mk::gif {

struct DecoderOptions {
  PixelFormat format = PixelFormat::kRGBA;
  uint32_t background_rgb = 0x000000;  // 0xRRGGBB shown by transparent pixels in RGBx/BGRx/RGB/BGR
  uint64_t max_canvas_pixels = kDefaultMaxCanvasPixels;
};

struct FrameReport {
  uint32_t index = 0;            // frames decoded since setCodecData(), this one included
  uint64_t pixels_expected = 0;  // frame width * height
  uint64_t pixels_decoded = 0;   // indexes the LZW data delivered (may stop early when invisible)
  bool output_written = false;   // `out` holds the canvas after this frame
  FrameInfo info;                // what the record said
};

class FrameDecoder {
 public:
  // Format and limits; applies at the next setCodecData() (which allocates the canvas).
  void setOptions(const DecoderOptions &options) { options_ = options; }
  const DecoderOptions &options() const noexcept { return options_; }

  // Parses header + screen descriptor + global palette and starts from a transparent canvas.
  Status setCodecData(const uint8_t *data, size_t size);
  // Starts from a transparent canvas (a key frame after a seek or a discontinuity).
  void reset() noexcept { compositor_.reset(); }

  // Decodes one frame record (extensions + image descriptor + local palette + LZW data) and
  // writes the whole canvas to `out` (height rows of `stride` bytes; null: composite only).
  // Errors (in both, the frame was drawn as far as the data went, the canvas stays consistent
  // for the next frame, and `out` was written: report->output_written):
  //  - kTruncated: too few pixels (early end code, data cut short). Missing pixels keep the
  //    canvas; browsers and pygif show such a frame.
  //  - kCorruptData: an invalid LZW code or min code size: a skippable broken frame (pygif
  //    expects no frame; gifdec reports it and may drop it).
  //  - kInvalidArgument (no codec data, stride too small), or a record that holds no image:
  //    nothing was drawn or written.
  //  - kNoMemory: a buffer the frame needs could not be allocated (the canvas is consistent;
  //    what was written is not the frame). setCodecData() says kNoMemory too when the canvas
  //    cannot be allocated. Nothing here throws.
  Status decodeFrame(const uint8_t *record, size_t size, uint8_t *out, size_t stride,
                     FrameReport *report = nullptr);

  // Same for a frame a Reader already parsed (`record` = its eventData()).
  Status decodeParsed(const FrameInfo &info, const uint8_t *record, uint8_t *out, size_t stride,
                      FrameReport *report = nullptr);

  const ScreenInfo &screen() const noexcept { return screen_; }
  bool configured() const noexcept { return configured_; }
  // Bytes of one output row and of a tightly packed canvas in the chosen format.
  size_t minStride() const noexcept {
    return size_t{screen_.width} * bytesPerPixel(options_.format);
  }
  const Compositor &compositor() const noexcept { return compositor_; }

 private:
  Status parseAndDecode(const uint8_t *record, size_t size, uint8_t *out, size_t stride,
                        FrameReport *report);
  Status decodePixels(const FrameInfo &info, FrameReport &report);

  DecoderOptions options_;
  ScreenInfo screen_;
  bool configured_ = false;
  uint32_t frames_ = 0;
  Reader reader_;
  LzwDecoder lzw_;
  Compositor compositor_;
  std::vector<uint8_t> lzw_data_;  // sub-block payloads joined
  std::vector<uint8_t> indexes_;   // one frame (or one row of an oversized frame) of indexes
};

}  // namespace mk::gif
