// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Encoder: raw frames in, GIF pieces out — codec_data (header, screen descriptor, global
// palette) and one self-contained frame record per input frame, for gifenc; gifmux or a caller
// adds loop extension, comments and trailer with writer.h. Output is deterministic: the same
// frames and settings always give the same bytes. Nothing is allocated per frame once the
// internal buffers and the caller's output vector have grown to size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.h"
#include "gif/color_table.h"
#include "gif/dither.h"
#include "gif/encoder_options.h"
#include "gif/lzw_encoder.h"
#include "gif/optimizer.h"
#include "gif/pixel_format.h"
#include "gif/quality.h"
#include "gif/quantizer.h"
#include "gif/workers.h"
#include "gif/writer.h"

namespace mk::gif {

struct EncoderConfig {
  int width = 0, height = 0;  // 1..65535 each
  PixelFormat format = PixelFormat::kRGBA;
  EncoderSettings settings;
  // The options given explicitly (encoderOptionBit()): quality does not steer them.
  uint64_t explicit_options = 0;
};

struct InputFrame {
  const uint8_t *data = nullptr;      // top-left pixel
  size_t stride = 0;                  // bytes between rows (>= width x bytes per pixel)
  const uint32_t *palette = nullptr;  // kRGB8P: 256 native-endian 0xAARRGGBB (GStreamer's layout)
};

struct EncodedFrame {
  bool key = false;            // decodable from a clear canvas: needs no earlier frame
  FrameRect rect;              // where the record draws
  bool local_palette = false;  // the record carries its own colour table
  int transparent_index = -1;
  Disposal disposal = Disposal::kKeep;
  size_t bytes = 0;       // record bytes appended to `out`
  bool repeated = false;  // over encode()'s max_bytes: the previous picture was repeated instead
};

class Encoder {
 public:
  // Checks the configuration (the settings against encoderOptions(), as a set by name would) and
  // allocates the frame buffers.
  [[nodiscard]] static Result<std::unique_ptr<Encoder>> create(const EncoderConfig &config);
  ~Encoder();

  // Codes one frame at once and appends its record (GCE + image descriptor + local palette + LZW
  // data) to `out`. delay_cs: display time in 1/100 s. force_key: full screen, opaque over
  // nothing earlier (the first frame always is). The first frame coded also produces codecData().
  // encode() looks ahead at nothing: it is push() and pull() of one frame, and it refuses to run
  // while frames are queued. max_bytes (rate control's hard cap): a record that would be larger
  // is not kept; the previous picture is repeated instead (see repeat()), unless the frame is a
  // key frame or no earlier picture is kept (the cap applies from the frame after the first
  // setQuality() or capped call).
  [[nodiscard]] Result<EncodedFrame> encode(const InputFrame &frame, uint16_t delay_cs,
                                            bool force_key, std::vector<uint8_t> &out,
                                            size_t max_bytes = SIZE_MAX);

  // Codes the previous frame's picture again, shown for `delay_cs`: nothing changed, so it costs
  // a few bytes (a whole frame only while the input has transparency, whose frames clear
  // themselves). What rate control codes when the budget is nearly gone. Needs an earlier frame.
  [[nodiscard]] Result<EncodedFrame> repeat(uint16_t delay_cs, std::vector<uint8_t> &out);

  // The quality of the frames from the next one on (clamped to 1..100): the knobs not given
  // explicitly follow its plan; the global palette (the first frame's) stays.
  void setQuality(int quality) noexcept;

  // Look-ahead (settings.lookahead = N, encoder_lookahead.cpp): push() converts a frame into a
  // queue of at most N + 1 frames (the caller's buffer may be reused at once); pull() codes the
  // oldest one once N frames wait behind it, or at once after drain(). The global palette is
  // learned from the first frame and the N behind it, and a scene whose frames the global palette
  // no longer serves shares one palette learned from its first frame and the N behind it. Memory:
  // N + 1 frames of width x height x 4 bytes, whatever the clip's length.
  [[nodiscard]] Status push(const InputFrame &frame, uint16_t delay_cs, bool force_key);
  // True when pull() has a frame to code.
  bool ready() const noexcept { return queued_ > 0 && (draining_ || queued_ > lookahead()); }
  // max_bytes: as for encode().
  [[nodiscard]] Result<EncodedFrame> pull(std::vector<uint8_t> &out, size_t max_bytes = SIZE_MAX);
  // End of input (EOS, a new stream): every queued frame is ready. The next push() ends it.
  void drain() noexcept { draining_ = true; }
  // Forgets the queued frames (a flush); the next frame coded should be forced key.
  void discard() noexcept;
  size_t queued() const noexcept { return queued_; }
  size_t lookahead() const noexcept { return static_cast<size_t>(config_.settings.lookahead); }

  // Header + logical screen descriptor + global palette; empty until the first frame is coded,
  // because the global palette is learned from it (and the frames queued behind it).
  const std::vector<uint8_t> &codecData() const noexcept { return codec_data_; }
  const EncoderConfig &config() const noexcept { return config_; }

  // Checks settings alone (the element can report a bad property before caps arrive): the
  // option table's ranges, then the rules between options.
  [[nodiscard]] static Status checkSettings(const EncoderSettings &settings);

 private:
  explicit Encoder(const EncoderConfig &config);
  Status allocate();
  // A converted frame waiting in the look-ahead queue.
  struct Queued {
    std::vector<uint32_t> pixels;  // width x height, packed
    bool transparent = false;      // any pixel is
    bool force_key = false;
    uint16_t delay_cs = 0;
  };
  Status checkFrame(const InputFrame &frame) const;
  Result<EncodedFrame> encodeFrame(const uint32_t *cur, bool input_transparent, bool force_key,
                                   uint16_t delay_cs, std::vector<uint8_t> &out, size_t max_bytes,
                                   bool repeat);
  bool convert(const InputFrame &frame, uint32_t *dst);  // true if any pixel is transparent
  void buildPalette(const std::vector<uint32_t> &work, const std::vector<uint8_t> &mask,
                    const FrameRect &rect, int limit, ColorTable &table, bool &exact);
  // The palette of the frame being coded (work_, `rect`) and of the frames queued behind it.
  void buildWindowPalette(const FrameRect &rect, int limit, ColorTable &table, bool &exact);
  bool windowTransparent() const noexcept;  // a frame queued behind the current one has alpha
  // A palette for a frame the global one does not serve, shared by the frames of its scene: the
  // scene's palette while it serves, else a new one from the window. Null: no look-ahead, or
  // the frame's own colours fit a palette exactly (a lossless local one is better).
  const ColorTable *scenePalette(const FrameRect &rect, bool use_transparency, PaletteScope scope,
                                 bool &lossless);
  const Queued &queuedAt(size_t i) const noexcept { return window_[(head_ + i) % window_.size()]; }
  double mappingError(const std::vector<uint32_t> &work, const std::vector<uint8_t> &mask,
                      const ColorTable &table, bool &lossless);
  // The mapping error beyond which a palette no longer serves a frame, for a palette whose error
  // on the frame it was learned from is `palette_error`.
  static double errorLimit(PaletteScope scope, double palette_error) noexcept;
  void useTable(const ColorTable &table);
  ColorMapper &mapperFor(int thread);  // the thread's mapper, set to the table useTable() chose

  // What each thread needs of its own: lookup cache, error rows, LZW string table.
  struct Scratch {
    ColorMapper mapper;
    Ditherer ditherer;
    LzwEncoder lzw;
    uint64_t table_serial = 0;  // the table its mapper holds
  };

  EncoderConfig config_;
  std::vector<uint8_t> codec_data_;
  std::vector<uint32_t> work_;
  // The look-ahead queue: a ring of lookahead + 1 frames, the oldest at head_.
  std::vector<Queued> window_;
  size_t head_ = 0, queued_ = 0;
  bool draining_ = false;
  ColorTable scene_;        // the palette shared by the current scene (size 0: none yet)
  double scene_error_ = 0;  // its mapping error on the frame it came from
  // The last coded frame's picture, for repeat() and capped frames: kept once rate control is in
  // use (setQuality() or a capped frame), not otherwise (a frame's copy per frame).
  std::vector<uint32_t> last_;
  bool last_transparent_ = false;
  bool keep_last_ = false;
  size_t last_slot_ = 0;          // the window slot the last coded frame came from
  bool last_slot_valid_ = false;  // and it still holds that frame
  std::vector<uint8_t> mask_, indices_, alt_indices_, lzw_data_;
  bool alpha_mode_ = false;
  uint64_t frames_ = 0;

  ColorTable global_, local_, mapper_table_;
  uint64_t table_serial_ = 0;  // changes when mapper_table_ does
  double global_error_ = 0;    // mapping error of the global palette on the frame it came from
  int palette_error_ = 0;      // the error budget of palettes built for this frame

  Quantizer quantizer_;
  ExactColors exact_;
  FrameOptimizer optimizer_;
  std::unique_ptr<Workers> workers_;
  std::vector<std::unique_ptr<Scratch>> scratch_;  // one per thread
  std::vector<LzwEncoder::Piece> plain_pieces_, alt_pieces_;
  std::vector<Status> piece_status_;
  std::vector<uint8_t> stripe_flags_;
};

}  // namespace mk::gif
