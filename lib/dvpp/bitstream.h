// SPDX-License-Identifier: LGPL-2.1-or-later
// The H.264/H.265 access units the encoder hands out, as lib/dvpp needs to know them: walking
// their NAL units, telling key frames, and rewriting the video usability information (VUI) of
// their parameter sets so that the stream says what the caps say (colour, pixel aspect ratio,
// frame rate, level), whatever the encoder wrote there. The rewrite is FFmpeg's: the
// h264_metadata and hevc_metadata bitstream filters of libavcodec (LGPL), through av_bsf_*.
// Only the parameter sets go through the filter (the slices are copied as they are), and the
// result is kept for as long as the encoder repeats the same parameter sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.h"

namespace mk {
namespace dvpp {

enum class Codec { kH264, kH265 };

// What the stream's VUI is to say; every field left at its default leaves what the encoder
// wrote. Colour code points are ISO/IEC 23091-2 (ITU-T H.273), as in the VUI.
struct VuiSettings {
  int colour_primaries = -1;  // 1 BT.709, 5 BT.470BG, 6 SMPTE 170M (BT.601), 9 BT.2020 ...
  int transfer_characteristics = -1;
  int matrix_coefficients = -1;
  int full_range = -1;                 // 1: 0..255, 0: 16..235
  std::uint32_t sar_n = 0, sar_d = 0;  // pixel aspect ratio
  std::uint32_t fps_n = 0, fps_d = 0;  // frame rate: timing info, fixed_frame_rate_flag (H.264)
};

// One NAL unit of an Annex B stream: [start, end) covers its start code; the header byte is at
// `header`.
struct NalUnit {
  std::size_t start = 0;
  std::size_t header = 0;
  std::size_t end = 0;
  int type = 0;
};

// The NAL units of an Annex B access unit, in order (3- and 4-byte start codes).
std::vector<NalUnit> splitNalUnits(const std::uint8_t *data, std::size_t size, Codec codec);

// Whether the access unit holds an IDR (H.264) or IRAP (H.265) picture.
bool hasKeyframeNal(const std::uint8_t *data, std::size_t size, Codec codec);

// Rewrites the VUI and level of the parameter sets (H.264 SPS; H.265 VPS and SPS) of every
// access unit that has them. Not thread-safe: one per session, used on one thread at a time.
class VuiRewriter {
 public:
  // Nothing to rewrite: no VUI field set and `level` 0.
  static bool needed(const VuiSettings &vui, int level) noexcept;
  // `level`: level x 10 (H.264 level 1b: 9; see levels.h), 0 to leave it. kUnsupported if this
  // libavcodec lacks the filter; kInvalidArgument if it refuses a value.
  [[nodiscard]] static Result<std::unique_ptr<VuiRewriter>> create(Codec codec,
                                                                   const VuiSettings &vui,
                                                                   int level) noexcept;
  ~VuiRewriter();
  VuiRewriter(const VuiRewriter &) = delete;
  VuiRewriter &operator=(const VuiRewriter &) = delete;

  // An access unit without parameter sets: `*rewritten` false, `out` untouched. With them: the
  // access unit with its parameter sets rewritten, in `out`. kInvalidArgument when the filter
  // cannot read them.
  [[nodiscard]] Status rewrite(const std::uint8_t *au, std::size_t size,
                               std::vector<std::uint8_t> *out, bool *rewritten) noexcept;

 private:
  struct Filter;
  VuiRewriter(Codec codec, const VuiSettings &vui) noexcept;
  Status filter(const std::vector<std::uint8_t> &in, std::vector<std::uint8_t> *out) noexcept;

  Codec codec_;
  VuiSettings vui_;
  std::unique_ptr<Filter> filter_;
  std::vector<std::uint8_t> last_in_;   // the parameter sets last filtered ...
  std::vector<std::uint8_t> last_out_;  // ... and what the filter made of them
  std::vector<std::uint8_t> params_;    // scratch
};

// H.264 only: sets fixed_frame_rate_flag in an SPS NAL unit (header byte first, escaped) whose
// VUI has timing info. FFmpeg's h264_metadata cannot set it on an SPS without HRD parameters
// (its bitstream writer infers low_delay_hrd_flag from it and refuses the SPS it read), so the
// rewriter sets that one bit itself. False when the SPS has no timing info or cannot be read.
bool setH264FixedFrameRate(std::vector<std::uint8_t> *nal) noexcept;

}  // namespace dvpp
}  // namespace mk
