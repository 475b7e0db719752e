// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::FrameDecoder: what gifdec needs. Given the codec_data (header, screen descriptor,
// global palette) once and then each frame record exactly as the Reader delimits it, decodes the
// LZW data and composites in the requested format and stride. After the first frames it does not
// allocate. Per frame the compressed bytes are joined once and the pixels written once.
//
// Where the canvas goes: decodeInto() draws straight into caller memory (an output buffer) that
// holds the canvas after some earlier frame, named by the id each frame's report gives. Only what
// changed since that frame is copied in first (nothing when it holds the previous frame's canvas,
// as a buffer downstream gave back does), and nothing that this frame covers with opaque pixels.
// decodeFrame()/decodeParsed() keep the canvas in the decoder's own memory and copy it out whole.
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

// Memory that receives the canvas (decodeInto()).
struct CanvasTarget {
  uint8_t *data = nullptr;  // height rows of `stride` bytes; null: the decoder's own canvas
  size_t stride = 0;
  uint64_t holds = 0;  // the canvas it holds: a FrameReport::canvas_id of this decoder; 0: unknown
};

// How the target of a frame was brought up to date before the frame was drawn.
enum class CanvasUpdate : uint8_t {
  kNone,         // nothing was drawn (see decodeFrame()'s errors)
  kInPlace,      // it held the canvas after the previous frame: nothing copied
  kUpdated,      // it held an earlier canvas: the rectangles changed since were copied in
  kCopied,       // it held no known canvas: the canvas was copied in (less what the frame covers)
  kOverwritten,  // it held no known canvas, and the frame covers all of it: nothing copied
};

struct FrameReport {
  uint32_t index = 0;            // frames decoded since setCodecData(), this one included
  uint64_t pixels_expected = 0;  // frame width * height
  uint64_t pixels_decoded = 0;   // indexes the LZW data delivered (may stop early when invisible)
  uint64_t pixels_written = 0;   // of which written out (the others were off the canvas: skipped)
  bool output_written = false;   // `out` holds the canvas after this frame
  uint64_t canvas_id = 0;        // names the canvas after this frame (CanvasTarget::holds)
  CanvasUpdate update = CanvasUpdate::kNone;
  uint64_t bytes_copied = 0;  // canvas bytes copied (or cleared) into the target before drawing
  FrameInfo info;             // what the record said
};

class FrameDecoder {
 public:
  FrameDecoder();

  // Format and limits; applies at the next setCodecData() (which allocates the canvas).
  void setOptions(const DecoderOptions &options) { options_ = options; }
  const DecoderOptions &options() const noexcept { return options_; }

  // Parses header + screen descriptor + global palette and starts from a transparent canvas.
  Status setCodecData(const uint8_t *data, size_t size);
  // Starts from a transparent canvas (a key frame after a seek or a discontinuity).
  void reset() noexcept;

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
  //    what was written is not the frame). Nothing here throws.
  Status decodeFrame(const uint8_t *record, size_t size, uint8_t *out, size_t stride,
                     FrameReport *report = nullptr);

  // Same for a frame a Reader already parsed (`record` = its eventData()).
  Status decodeParsed(const FrameInfo &info, const uint8_t *record, uint8_t *out, size_t stride,
                      FrameReport *report = nullptr);

  // Decodes one frame record into `target`, which then holds the canvas after this frame
  // (report->canvas_id names it; the decoder reads that memory at the next call). What the target
  // lacks is copied from where the canvas after the previous frame is: the decoder's own canvas,
  // or `source`, the caller memory the previous call wrote (unchanged since; may be null when
  // `target` is that memory). Errors as decodeFrame(); with kInvalidArgument also when the canvas
  // is in caller memory and neither target nor source holds it.
  Status decodeInto(const uint8_t *record, size_t size, const CanvasTarget &target,
                    const CanvasView *source, FrameReport *report = nullptr);
  Status decodeParsedInto(const FrameInfo &info, const uint8_t *record, const CanvasTarget &target,
                          const CanvasView *source, FrameReport *report = nullptr);
  // Copies the decoder's own canvas (after a decodeInto() with a null target) to `out`.
  void copyCanvasTo(uint8_t *out, size_t stride) const noexcept;

  const ScreenInfo &screen() const noexcept { return screen_; }
  bool configured() const noexcept { return configured_; }
  // Bytes of one output row and of a tightly packed canvas in the chosen format.
  size_t minStride() const noexcept {
    return size_t{screen_.width} * bytesPerPixel(options_.format);
  }
  // The canvas after the last frame (or reset()): what CanvasTarget::holds compares with.
  uint64_t canvasId() const noexcept { return id_base_ | serial_; }

 private:
  enum class Where : uint8_t { kTransparent, kOwn, kCaller };
  static constexpr unsigned kHistory = 16;  // frames whose changed rectangles are remembered

  // Parses one frame record: then reader_.frame() and reader_.eventData() are the frame.
  Status readRecord(const uint8_t *record, size_t size);
  Status decodePixels(const FrameInfo &info, FrameReport &rep);
  // How the LZW data ended for the frame: ok, kCorruptData (a bad code) or kTruncated (visible
  // pixels missing).
  Status pixelsStatus(const FrameInfo &info, const FrameReport &rep) const;
  Status decodeRowByRow(const FrameInfo &info, CanvasView canvas, FrameReport &rep);
  // Brings `canvas` (holding canvas `holds`) to the canvas after the previous frame, except
  // inside `covered`, which this frame overwrites.
  CanvasUpdate prepare(CanvasView canvas, uint64_t holds, const CanvasView *source,
                       const Rect &covered, FrameReport &rep);
  void newSession() noexcept;

  DecoderOptions options_;
  ScreenInfo screen_;
  bool configured_ = false;
  uint32_t frames_ = 0;
  Reader reader_;
  LzwDecoder lzw_;
  Compositor compositor_;
  std::vector<uint8_t> lzw_data_;  // sub-block payloads joined
  std::vector<uint8_t> indexes_;   // one frame (or one row of an oversized frame) of indexes
  std::vector<uint8_t> canvas_;    // the decoder's own canvas, allocated when first used
  uint64_t own_holds_ = 0;         // the canvas it holds

  // Canvas ids: a number unique to this decoder and its codec data (high 32 bits) | a frame serial.
  uint64_t id_base_ = 0;
  uint32_t serial_ = 0;
  Where current_ = Where::kTransparent;  // where the canvas after the last frame is
  Rect changes_[kHistory];               // what frame serial s changed: changes_[s % kHistory]
  uint32_t history_ = 0;                 // serials up to serial_ whose changes are known
};

}  // namespace mk::gif
