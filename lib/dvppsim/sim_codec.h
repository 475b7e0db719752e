// SPDX-License-Identifier: LGPL-2.1-or-later
// The simulator's software encoders behind a VENC channel: openh264 for H.264, x265 for H.265
// (only when built with it; x265 is GPL). I420 in, one Annex B access unit out per frame. Their
// VUI says what no caps in the tests say (BT.470M colours, full range, a 7:3 pixel aspect ratio,
// an integer frame rate), as a VENC's firmware defaults do: what reaches the user must be the
// session's rewrite.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dvppsim {

struct CodecConfig {
  int width = 0;
  int height = 0;
  int fps = 30;
  std::uint32_t bitrate_kbps = 2000;
  std::uint32_t gop = 30;
  int profile = 0;
  bool fixed_qp = false;
  int i_qp = 30;
};

class SimEncoder {
 public:
  virtual ~SimEncoder() = default;
  // Encodes one I420 picture; appends the access unit to `out` (may stay empty on a skip).
  virtual bool encode(const std::uint8_t *const planes[3], const int strides[3], bool force_idr,
                      std::vector<std::uint8_t> *out) = 0;
  virtual void setBitrate(std::uint32_t kbps) = 0;
  // The mean QP of the last frame encoded, as the encoder reports it; -1 if it does not.
  virtual int lastQp() const { return -1; }
};

std::unique_ptr<SimEncoder> makeH264Encoder(const CodecConfig &config, std::string *error);
// Null with `error` set when the simulator was built without x265.
std::unique_ptr<SimEncoder> makeH265Encoder(const CodecConfig &config, std::string *error);
bool haveH265();

}  // namespace dvppsim
